// Panel. Preact binding of the store: re-render on every store update (one per frame at most).
// The subscription is made in a layout effect, and any update that landed between the render and
// the subscription is caught by comparing snapshots: otherwise a replay that arrives right after
// the first render (a panel opened on a tab that already has events) would never be shown.
import { useLayoutEffect, useReducer } from 'preact/hooks'
import type { PanelState, PanelStore } from './store.ts'

export function useStoreState(store: PanelStore): PanelState {
  const [, bump] = useReducer((n: number) => n + 1, 0)
  const state = store.getState()
  useLayoutEffect(() => {
    const unsubscribe = store.subscribe(() => bump(undefined))
    if (store.getState() !== state) bump(undefined)
    return unsubscribe
  }, [store])
  return state
}
