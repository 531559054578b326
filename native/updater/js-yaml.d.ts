// js-yaml 4 ships no types; it is installed as a dependency of electron-updater (which parses
// the feed files with it). Only the two functions TaoDesk uses are declared.
declare module 'js-yaml' {
  export function load(text: string, options?: { filename?: string; json?: boolean }): unknown
  export function dump(value: unknown, options?: { lineWidth?: number; noRefs?: boolean; sortKeys?: boolean; quotingType?: "'" | '"' }): string
}
