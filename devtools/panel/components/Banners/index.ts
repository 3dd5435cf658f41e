// Panel. Banners and the empty state.
export { ImportedBanner, ErrorBanner, DroppedBanner, StorageBanner, ConnectionBanner, TabClosedBanner } from './Banners.tsx'
export { EmptyState, LOOKED_FOR } from './EmptyState.tsx'
