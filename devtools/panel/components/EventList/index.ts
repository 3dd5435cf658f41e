// Panel. The event list and its filters.
export { EventList, type EventListProps } from './EventList.tsx'
export { FilterBar } from './FilterBar.tsx'
export { ROW_HEIGHT } from './Row.tsx'
