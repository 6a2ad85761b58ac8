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
  return jsonEscapeUnsafe(stringifiedWithoutLinks(doc ?? null)) + '\n'
}
const dropLinks = (key: string, value: unknown): unknown => (key === 'Links' ? undefined : value)

/** Whether the document being written has turned out to hold Links (its later parts then go straight to the replacer). */
interface LinksSeen {
  links: boolean
}

/**
 * JSON.stringify(value, dropLinks, 2). A replacer function takes JSON.stringify off its fast path
 * (it then runs about half as fast), and most documents have no Links (this tool's own results), so
 * the value is written without one first and again with it only when a Links key came out. A
 * document's parts are alike (a list of workers has Links in every item), so once one part had
 * Links the rest are written with the replacer at once.
 */
function stringifiedWithoutLinks(value: unknown, seen: LinksSeen = {links: false}): string {
  if (seen.links) return JSON.stringify(value, dropLinks, 2)
  const text = JSON.stringify(value, null, 2)
  if (text === undefined || !text.includes('"Links": ')) return text
  seen.links = true
  return JSON.stringify(value, dropLinks, 2)
}

/** Parts shorter than this (punctuation, keys, small values) are gathered into one write. */
const SMALL_PART = 4 * 1024

/** The items of a large array written by one JSON.stringify call. */
const ITEMS_PER_CALL = 256

/**
 * jsonTextWithoutLinks(doc) in pieces whose concatenation is exactly that text: the top object's
 * fields and the items of its arrays are written a few at a time, so that a large document (a
 * check of 100,000 workers, a list of thousands) never exists as one string of megabytes, and then
 * again as its copy on the way to stdout. Values below that level are written as JSON.stringify
 * writes them.
 */
export function* jsonPiecesWithoutLinks(doc: unknown): Generator<string> {
  let pending = ''
  for (const part of jsonParts(doc, 0, {links: false})) {
    if (part.length < SMALL_PART) {
      pending += part
      continue
    }
    // A large part (a run of items) goes out as it is, not copied into a longer string first.
    if (pending) yield jsonEscapeUnsafe(pending)
    pending = ''
    yield jsonEscapeUnsafe(part)
  }
  yield jsonEscapeUnsafe(pending + '\n')
}

/** How deep the pieces go: the top object or array, and its fields' arrays and objects. */
const PIECE_DEPTH = 2

/**
 * `value` as it stands at `level` (two spaces of indentation each) in the whole document's text.
 * It is written inside `level` arrays, which indent it as the whole would, and cut out of them:
 * no pass over the text to indent it.
 */
function atLevel(value: unknown, level: number, seen: LinksSeen): string {
  let wrapped = value
  for (let i = 0; i < level; i++) wrapped = [wrapped]
  const text = stringifiedWithoutLinks(wrapped, seen) ?? 'null'
  // Each array level adds `[`, a newline and the next level's indentation before, and a newline,
  // its own indentation and `]` after.
  const before = level * 2 + level * (level + 1)
  const after = level * 2 + level * (level - 1)
  return text.slice(before, text.length - after)
}

function* jsonParts(value: unknown, level: number, seen: LinksSeen): Generator<string> {
  if (level >= PIECE_DEPTH || value === null || typeof value !== 'object' || typeof (value as {toJSON?: unknown}).toJSON === 'function') {
    yield atLevel(value, level, seen)
    return
  }
  const indent = '  '.repeat(level)
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]'
      return
    }
    yield '['
    for (let start = 0; start < value.length; start += ITEMS_PER_CALL) {
      // A run of items written as the array they are, at this level: its `[` and `]` cut off, they
      // come out indented and separated as in the whole (an item JSON cannot write, null).
      const run = atLevel(value.slice(start, start + ITEMS_PER_CALL), level, seen)
      yield `${start === 0 ? '' : ','}${run.slice(1, run.length - indent.length - 2)}`
    }
    yield `\n${indent}]`
    return
  }
  const inner = indent + '  '
  let first = true
  for (const [key, field] of Object.entries(value)) {
    // A field JSON cannot write is left out, as JSON.stringify leaves it; so are Links.
    if (key === 'Links' || field === undefined || typeof field === 'function' || typeof field === 'symbol') continue
    yield `${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `
    first = false
    yield* jsonParts(field, level + 1, seen)
  }
  yield first ? '{}' : `\n${indent}}`
}

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
 * A --json document on stdout, in jsonPiecesWithoutLinks's pieces, each passed through `clean`
 * (which redacts). It skips writeStdout's guard, which could change nothing in it: the pieces leave
 * no control character raw (JSON.stringify escapes C0 controls, jsonEscapeUnsafe the rest), and the
 * guard's scan of a large document is not free.
 */
export function writeJsonDocument(io: OutputTarget, doc: unknown, clean: (text: string) => string): void {
  for (const piece of jsonPiecesWithoutLinks(doc)) io.stdout.write(clean(piece))
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
