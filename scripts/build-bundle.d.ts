/** Command files under dir (default src/commands), as [oclif id, absolute path]. */
export function commandFiles(dir?: string): Array<[string, string]>
export const EXTERNAL: string[]
export function buildBundle(options?: {quiet?: boolean}): Promise<unknown>
/** [owner, dependency] pairs the bundle requires from node_modules at run time. */
export const RUNTIME_DEPENDENCIES: Array<[string, string]>
/** Each character above U+00FF in source: its code point and the text before it. */
export function wideCharacters(source: string): Array<{codePoint: string; before: string}>
