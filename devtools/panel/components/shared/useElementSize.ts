// Panel. The size of an element, kept current with a ResizeObserver: DevTools panels are resized
// all the time, and the list and the timeline lay out from it.
import { useLayoutEffect, useState } from 'preact/hooks'

export interface Size {
  width: number
  height: number
}

/** `fallback` is used until the element is measured, and where it reports 0 (not laid out yet). */
export function useElementSize(ref: { current: HTMLElement | null }, fallback: Size): Size {
  const [size, setSize] = useState(fallback)
  useLayoutEffect(() => {
    const el = ref.current
    if (!el) return
    const measure = (): void => setSize({ width: el.clientWidth || fallback.width, height: el.clientHeight || fallback.height })
    measure()
    if (typeof ResizeObserver === 'undefined') return
    const ro = new ResizeObserver(measure)
    ro.observe(el)
    return () => ro.disconnect()
  }, [])
  return size
}
