import {closeMatches} from '../text/fuzzy.js'
import {nounFor} from '../text/wording.js'

/**
 * What the command line parser reported, reduced to plain data so that this module needs no
 * oclif: its message, and the unknown flags or missing/unexpected arguments it names.
 */
export interface ParseFailure {
  message: string
  /** Raw words the parser did not recognise as flags (e.g. `--servr`, `--servr=x`, `-z`). */
  unknownFlags?: string[]
  /** Names of the required arguments that are missing. */
  missingArgs?: string[]
  /** Words given where the command takes no (more) arguments. */
  unexpectedArgs?: string[]
}

export interface DescribedParseFailure {
  /** One line: each sentence punctuated, no "See more help with --help" (the hint says that). */
  message: string
  /** Close matches for each unknown flag, as `--name`. */
  suggestions: string[]
}

/**
 * Turns a parse error into one line a person can act on. `knownFlags` are the command's visible
 * long flag names (without `--`), the candidates for "Did you mean --server?".
 */
export function describeParseFailure(failure: ParseFailure, knownFlags: string[]): DescribedParseFailure {
  if (failure.unknownFlags?.length) {
    const flags = failure.unknownFlags.map((f) => f.replace(/=.*$/s, ''))
    const suggestions = [...new Set(flags.flatMap((f) => suggestFlag(f, knownFlags)))]
    const head = `Unknown ${nounFor(flags.length, 'flag')}: ${flags.join(', ')}.`
    const tail = suggestions.length === 0 ? '' : ` Did you mean ${orList(suggestions)}?`
    return {message: head + tail, suggestions}
  }
  if (failure.missingArgs?.length) {
    const names = failure.missingArgs
    return {message: `Missing required ${nounFor(names.length, 'argument')}: ${names.join(', ')}.`, suggestions: []}
  }
  if (failure.unexpectedArgs?.length) {
    const words = failure.unexpectedArgs
    return {message: `Unexpected ${nounFor(words.length, 'argument')}: ${words.join(', ')}.`, suggestions: []}
  }
  const suggestions = optionSuggestion(failure.message)
  return {message: sentences(failure.message) + (suggestions.length ? ` Did you mean ${suggestions[0]}?` : ''), suggestions}
}

/** The visible flags closest to `word`; a `--no-` flag is compared by its name without the prefix too. */
export function suggestFlag(word: string, knownFlags: string[]): string[] {
  const typed = word.replace(/^-+/, '')
  if (!typed) return []
  const byBareName = new Map<string, string>()
  for (const flag of knownFlags) {
    byBareName.set(flag, flag)
    if (flag.startsWith('no-')) byBareName.set(flag.slice(3), flag)
  }
  // Single-letter and two-letter words match too much; only an edit away counts for them.
  const matches = closeMatches(typed, [...byBareName.keys()], 3).filter((c) => typed.length > 2 || c.length <= typed.length + 1)
  return [...new Set(matches.map((c) => `--${byBareName.get(c)}`))]
}

/**
 * oclif's text, made one line of punctuated sentences: its "See more help with --help" dropped,
 * its "Parsing --x" wrapper turned into "--x: ", "The following error occurred:" lists flattened.
 */
function sentences(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter((l) => l && l !== 'See more help with --help')
  // oclif's wording for a parser that threw: "Parsing --port \n\t<reason>".
  const parsing = /^Parsing (--[\w-]+)$/.exec(lines[0] ?? '')
  if (parsing && lines.length > 1) return punctuate(`${parsing[1]}: ${lines.slice(1).map(stripStop).join('; ')}`)
  const body = /^The following errors? occurred:$/.test(lines[0] ?? '') ? flagRelationReasons(lines.slice(1)) : lines
  return body.map((line) => punctuate(line.replace(/^Missing required flag ([\w-]+)$/, 'Missing required flag --$1'))).join(' ')
}

/**
 * oclif's reasons for flags declared `exclusive` or `dependsOn`, in one wording for every command:
 * "--a=value cannot also be provided when using --b" becomes "--a and --b cannot be used together"
 * (once, though oclif reports two flags that exclude each other from each side), and "All of the
 * following must be provided when using --b: --a" becomes "--b only goes with --a".
 */
function flagRelationReasons(reasons: string[]): string[] {
  const seen = new Set<string>()
  const kept: string[] = []
  for (const reason of reasons) {
    const needs = /^All of the following must be provided when using --([\w-]+): (.*)$/.exec(reason)
    if (needs) {
      const wanted = needs[2].split(', ')
      kept.push(`--${needs[1]} only goes with ${wanted.length <= 1 ? wanted.join('') : `${wanted.slice(0, -1).join(', ')} and ${wanted.at(-1)}`}`)
      continue
    }
    const m = /^--([\w-]+)(?:=.*?)? cannot also be provided when using --([\w-]+)$/.exec(reason)
    if (!m) {
      kept.push(reason)
      continue
    }
    const pair = [m[1], m[2]].sort().join(' ')
    if (seen.has(pair)) continue
    seen.add(pair)
    kept.push(`--${m[1]} and --${m[2]} cannot be used together`)
  }
  return kept
}

/** "Expected --type=statc to be one of: static, dynamic" gets "Did you mean static?". */
function optionSuggestion(message: string): string[] {
  const m = /^Expected --([\w-]+)=(.*) to be one of: (.*)$/m.exec(message)
  if (!m) return []
  return closeMatches(m[2], m[3].split(', '), 1).filter((o) => o.toLowerCase() !== m[2].toLowerCase()).map((o) => `--${m[1]} ${o}`)
}

function stripStop(text: string): string {
  return text.replace(/[.\s]+$/, '')
}

function punctuate(text: string): string {
  return /[.?!]$/.test(text) ? text : `${text}.`
}

function orList(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`
}
