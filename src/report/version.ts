// Runs everywhere. The tool's version (package.json, also the manifest's version): named in every
// report and session the tool writes, so a ticket says which build found what.
import { version } from '../../package.json'

export const TOOL_VERSION: string = version
