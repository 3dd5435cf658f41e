// Panel. Notes on events and interactions.
export { NotesSection, type NotesSectionProps } from './Notes.tsx'
