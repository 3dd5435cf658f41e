// Panel and popup (imported by their root components). Control and bidi characters the page put into
// text (U+202E shows "gnp.exe" as "exe.png", an ESC or a CR garbles a line) are shown as \uXXXX
// escapes, as the CLI and the HTML report show them (src/core/controls.ts). Page text reaches the
// screen in dozens of places (names, values, versions, stories, notes, tooltips): this one hook on
// Preact's vnode creation escapes every text node and text attribute either UI renders, so no
// component has to remember to.
import { options, type VNode } from 'preact'
import { escapeControls } from '../core/controls.ts'

/** Attributes that are shown to people (tooltips, accessible names). */
const TEXT_PROPS = ['title', 'aria-label'] as const

const previous = options.vnode
options.vnode = (vnode: VNode) => {
  // A text node is a vnode without a type whose props are the text itself.
  const node = vnode as unknown as { type: unknown; props: unknown }
  if (node.type === null && typeof node.props === 'string') node.props = escapeControls(node.props)
  else if (typeof node.type === 'string') {
    const props = node.props as Record<string, unknown>
    for (const key of TEXT_PROPS) if (typeof props[key] === 'string') props[key] = escapeControls(props[key])
  }
  previous?.(vnode)
}
