// Panel. The detail of the selected entry.
export { EventDetail, previousInInteraction, type EventDetailProps } from './EventDetail.tsx'
export { JsonTree } from './JsonTree.tsx'
