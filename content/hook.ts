// Page hook entry: MAIN world, document_start, all frames (manifest.json). Built by crxjs as a
// self-contained IIFE with no exports, so it adds no global to the page. The logic and its
// reasons are in hook-install.ts.
import { installHook, type HookWindow } from './hook-install.ts'

installHook(window as unknown as HookWindow)
