/** Output helpers shared by all commands: JSON documents, Links stripping, stdout/stderr writers. */
import type {CliError} from '../text/errors.js'
import type {Paint} from './color.js'
import {terminalSafe, terminalSafeBlock, terminalSafeLine} from './safe.js'

/**
 * JSON.stringify escapes C0 controls but writes DEL, C1 controls, line separators and bidi
 * overrides raw; they are escaped as `\uXXXX` too, which keeps every string's exact value.
 */
export function jsonText(doc: unknown): string {
  return jsonEscapeUnsafe(JSON.stringify(doc ?? null, null, 2)) + '\n'
}

/**
 * jsonText of the document without its `Links` at any depth: dropped while the text is written,
 * instead of by copying the document first (a 2,000-worker list was copied whole for it).
 */
export function jsonTextWithoutLinks(doc: unknown): string {
  return jsonEscapeUnsafe(JSON.stringify(doc ?? null, dropLinks, 2)) + '\n'
}
const dropLinks = (key: string, value: unknown): unknown => (key === 'Links' ? undefined : value)

const JSON_RAW_UNSAFE = /[\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g

export function jsonEscapeUnsafe(json: string): string {
  // Most documents are pure ASCII without DEL (a UTF-8 length equal to the string's says there is
  // nothing above U+007F): that check is one pass in C++, several times quicker than the regex's.
  if (Buffer.byteLength(json, 'utf8') === json.length && !json.includes('\u007F')) return json
  return json.replace(JSON_RAW_UNSAFE, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`)
}

/** Where the writers write: the run's I/O context (src/ui/io.ts), or anything shaped like it. */
export interface OutputTarget {
  stdout: {write(text: string): void}
  stderr: {write(text: string): void}
  readonly colorEnabled: boolean
  readonly paint: Paint
}

/**
 * The writers every command's text goes through. Tables and error messages escape server strings
 * themselves; `terminalSafeBlock` here is the last guard: whatever reaches a terminal holds no
 * control character but our newlines and our colours.
 */
export function writeStdout(io: OutputTarget, text: string): void {
  const safe = terminalSafeBlock(text, {colour: io.colorEnabled})
  io.stdout.write(safe.endsWith('\n') ? safe : safe + '\n')
}

/**
 * A JSON document from jsonText on stdout. It skips writeStdout's guard, which could change
 * nothing in it: jsonText leaves no control character raw (JSON.stringify escapes C0 controls,
 * jsonEscapeUnsafe the rest), and the guard's scan of a large document is not free.
 */
export function writeJsonStdout(io: OutputTarget, json: string): void {
  io.stdout.write(json.endsWith('\n') ? json : json + '\n')
}

export function writeStderr(io: OutputTarget, text: string): void {
  const safe = terminalSafeBlock(text, {colour: io.colorEnabled})
  io.stderr.write(safe.endsWith('\n') ? safe : safe + '\n')
}

/**
 * One line on stderr (a note, a warning, progress): every control character in it is escaped,
 * a newline too, so that a server string inside can never start a line of its own.
 */
export function writeStderrLine(io: OutputTarget, text: string): void {
  io.stderr.write(terminalSafeLine(text, {colour: io.colorEnabled}) + '\n')
}

/**
 * The one way an error is shown (docs/ARCHITECTURE.md §2): one line plus a hint on stderr, or with --json a
 * JSON error object on stdout. `clean` redacts secrets.
 */
/** Error details join Octopus-style PascalCase fields in --json output, whoever raised them. */
function pascalKeys(details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).map(([key, value]) => [key.charAt(0).toUpperCase() + key.slice(1), value]))
}

export function writeError(io: OutputTarget, error: CliError, opts: {json: boolean; clean: (text: string) => string}): void {
  if (opts.json) {
    writeStdout(io, opts.clean(jsonText({Error: {Message: error.message, Code: error.code, ExitCode: error.exitCode, Hint: error.hint ?? null, ...pascalKeys(error.details ?? {})}})))
    return
  }
  // A message and a hint are one line each and often quote a server's name or error text: a
  // newline in them is never ours, so it cannot start a forged `Error:` line.
  writeStderrLine(io, opts.clean(`${io.paint.red('Error:')} ${terminalSafe(error.message)}`))
  if (error.hint) writeStderrLine(io, opts.clean(`${io.paint.dim('Hint:')} ${terminalSafe(error.hint)}`))
}
