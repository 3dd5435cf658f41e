// Panel. The lifecycle timeline.
export { Timeline, type TimelineProps } from './Timeline.tsx'
export * as timelineLayout from './layout.ts'
