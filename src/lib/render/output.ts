/** Output helpers shared by all commands: JSON documents, Links stripping, stdout/stderr writers. */
import type {CliError} from '../errors.js'
import {paint} from './color.js'

/** Removes `Links` at every depth: JSON output keeps Octopus's fields but not its navigation links. */
export function withoutLinks<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => withoutLinks(v)) as T
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === 'Links') continue
      out[k] = withoutLinks(v)
    }
    return out as T
  }
  return value
}

export function jsonText(doc: unknown): string {
  return JSON.stringify(doc ?? null, null, 2) + '\n'
}

export function writeStdout(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n')
}

export function writeStderr(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : text + '\n')
}

/**
 * The one way an error is shown (docs/ARCHITECTURE.md §2): one line plus a hint on stderr, or with --json a
 * JSON error object on stdout. `clean` redacts secrets.
 */
/** Error details join Octopus-style PascalCase fields in --json output, whoever raised them. */
function pascalKeys(details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).map(([key, value]) => [key.charAt(0).toUpperCase() + key.slice(1), value]))
}

export function writeError(error: CliError, opts: {json: boolean; clean: (text: string) => string}): void {
  if (opts.json) {
    writeStdout(opts.clean(jsonText({Error: {Message: error.message, Code: error.code, ExitCode: error.exitCode, Hint: error.hint ?? null, ...pascalKeys(error.details ?? {})}})))
    return
  }
  writeStderr(opts.clean(`${paint.red('Error:')} ${error.message}`))
  if (error.hint) writeStderr(opts.clean(`${paint.dim('Hint:')} ${error.hint}`))
}
