/**
 * Strings that came from a server (names, descriptions, error messages, log lines) are shown with
 * their control characters escaped, so that whoever can name a pool cannot clear an admin's
 * screen, retitle the terminal, or forge an `Error:` line (docs/ARCHITECTURE.md §2). `--json` keeps
 * the exact strings: JSON escapes them itself.
 *
 * Escaped: C0 controls (`\e`, `\n`, `\r`, `\t`, `\x07`...), DEL and C1 controls (`\u009b` is a
 * one-character CSI on some terminals), and the Unicode line separators and bidirectional
 * overrides, which can make a line display as something other than what it is. Characters from DEL
 * up are written `\uXXXX`, a form that is also valid inside a JSON string, so the block filter
 * below leaves a JSON line (`leases tail --json`) valid and its value unchanged. A backslash is
 * left alone, so `DOMAIN\user` reads as written; `--json` tells a literal `\n` from an escaped one.
 */

import {randomInt} from 'node:crypto'

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g

const NAMED: Record<string, string> = {'\u001B': '\\e', '\n': '\\n', '\r': '\\r', '\t': '\\t'}

function escapeOne(char: string): string {
  const named = NAMED[char]
  if (named) return named
  const code = char.codePointAt(0)!
  return code < 0x7F ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/** One server string made safe to print: every control character shown escaped. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escapeOne)
}

/** The same for every string field of a flat record (e.g. a lease event before it is formatted). */
export function terminalSafeFields<T extends object>(record: T): T {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(record)) out[key] = typeof value === 'string' ? terminalSafe(value) : value
  return out as T
}

/**
 * This process's colour mark: a random number, sent as an extra leading SGR parameter of every
 * colour sequence `createPaint` writes (`ESC[<mark>;31m`). The writers below keep a colour
 * sequence only when it carries the mark, and write it without: a server string cannot know the
 * mark, so any colour code it holds is escaped like every other control character, colour on or
 * off. A marked sequence is still a valid SGR sequence, so display-width measuring (string-width)
 * counts it as zero columns, as it does a plain one.
 */
const OWN_COLOUR_MARK = String(randomInt(100_000_000, 1_000_000_000))

/** The SGR sequence for one parameter, marked as ours. */
export function ownSgr(code: number): string {
  return `\u001B[${OWN_COLOUR_MARK};${code}m`
}

const OWN_SGR_OR_UNSAFE = new RegExp(`\u001B\\[${OWN_COLOUR_MARK};(\\d+)m|[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]`, 'g')
const OWN_SGR_OR_ANY_UNSAFE = new RegExp(`\u001B\\[${OWN_COLOUR_MARK};(\\d+)m|[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]`, 'g')

/** A marked colour sequence as the terminal gets it (plain SGR), or dropped when colour is off. */
function ownColourOrEscaped(match: string, code: string | undefined, colour: boolean): string {
  if (code === undefined) return terminalSafe(match)
  return colour ? `\u001B[${code}m` : ''
}

/**
 * Text this tool composed (several lines, its own colours) with server strings inside: keeps the
 * newlines, the tabs (a piped table's separators; a tab is whitespace to a terminal, and a cell's
 * own tab was escaped by terminalSafe) and our own colour codes (only while colour is on: otherwise no ESC is ours), escapes
 * every other control character. It is the last guard at the output writers; a server string that
 * may hold a newline must still go through `terminalSafe` where it is interpolated, because only
 * there can its newline be told from ours.
 */
export function terminalSafeBlock(text: string, opts: {colour: boolean} = {colour: false}): string {
  return text.replace(OWN_SGR_OR_UNSAFE, (match, code?: string) => ownColourOrEscaped(match, code, opts.colour))
}

/**
 * One line this tool composed (a note, a warning, a progress or result line), server strings
 * inside: as terminalSafeBlock, but a line feed or carriage return is escaped too. A line of ours
 * holds no newline, so any newline in it came from a server and must not start a line of its own
 * (a forged `Error:` line, or a `::error::` workflow command in a CI log).
 */
export function terminalSafeLine(text: string, opts: {colour: boolean} = {colour: false}): string {
  return text.replace(OWN_SGR_OR_ANY_UNSAFE, (match, code?: string) => ownColourOrEscaped(match, code, opts.colour))
}

/** Lines this tool composed, each made safe as one line, joined into a block. */
export function terminalSafeLines(lines: readonly string[]): string {
  return lines.map((line) => terminalSafeLine(line)).join('\n')
}

/**
 * A template tag for messages that quote server strings: every interpolated value is made
 * terminal-safe, the literal text (ours) is kept as written. `` safe`Pool '${pool.Name}' updated.` ``
 */
export function safe(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0]
  for (let i = 0; i < values.length; i++) out += terminalSafe(String(values[i])) + strings[i + 1]
  return out
}
