// Panel. Toolbar and its dialogs.
export { Toolbar, type ToolbarProps } from './Toolbar.tsx'
export { SettingsDialog } from './SettingsDialog.tsx'
export { RulesDialog } from './RulesDialog.tsx'
