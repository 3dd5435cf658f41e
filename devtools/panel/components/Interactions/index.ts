// Panel. The Interactions tab.
export { InteractionsPane, type InteractionsPaneProps } from './InteractionsPane.tsx'
