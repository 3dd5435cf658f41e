// Panel. Banners and the empty state.
export { ImportedBanner, ErrorBanner, DroppedBanner, StorageBanner, ConnectionBanner } from './Banners.tsx'
export { EmptyState, LOOKED_FOR } from './EmptyState.tsx'
