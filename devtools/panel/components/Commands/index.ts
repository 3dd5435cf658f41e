// Panel. The Commands drawer.
export { CommandsDrawer } from './CommandsDrawer.tsx'
