/**
 * Typed flags whose ranges are declared once, where the flag is declared: a parser error is our
 * one-line usage error (exit 2), which reaches the user as written (see FlagValueError), so every
 * duration and count flag rejects bad input the same way, before any request.
 */
import * as Flags from '@oclif/core/flags'
import type * as Interfaces from '@oclif/core/interfaces'
import {CliError, usageError} from '../text/errors.js'
import {DurationSyntaxError, MAX_TIMER_MS, MAX_TIMER_SECONDS, parseDuration} from '../text/duration.js'

/**
 * oclif rewrites the message of whatever a flag's parser throws (it wraps it in "Parsing --x ...
 * See more help with --help") and keeps the thrown object. So a parser's usage error travels as
 * the cause of this carrier, whose message oclif may rewrite, and the base command prints the
 * cause as written, with its own exit code.
 */
export class FlagValueError extends Error {
  constructor(readonly reason: CliError) {
    super(reason.message, {cause: reason})
    this.name = 'FlagValueError'
  }
}

/** A flag's `parse` whose usage errors reach the user as written (see FlagValueError). */
export function flagParser<T>(parse: (input: string, flagName: string) => T | Promise<T>): (input: string, context: unknown, flag: {name: string}) => Promise<T> {
  return async (input, _context, flag) => {
    try {
      return await parse(input, flag.name)
    } catch (error) {
      throw error instanceof CliError ? new FlagValueError(error) : error
    }
  }
}

/** What every flag builder here passes through to oclif. */
interface CommonFlagOptions {
  description: string
  summary?: string
  helpGroup?: string
  hidden?: boolean
  /** Other spellings that still work; they are not shown in --help. */
  aliases?: string[]
  /** Flags this one only goes with (oclif's dependsOn; "--x only goes with --y" on a violation). */
  dependsOn?: string[]
  /** Flags this one cannot be used with (oclif's exclusive; "--x and --y cannot be used together"). */
  exclusive?: string[]
}

export interface DurationFlagOptions extends CommonFlagOptions {
  /** Smallest value (inclusive), in the duration grammar (`100ms`, `1s`); default: anything above 0. */
  min?: string
  /** Largest value (inclusive); default: a Node timer's limit (2,147,483 s), since every such flag ends in a timer. */
  max?: string
  /** The value when the flag is not given, in the duration grammar; shown in --help as written. */
  default?: string
  /** Whether a bare number is seconds (default true: what scripts pass to a timeout, a wait or an interval). */
  bareSeconds?: boolean
}

/**
 * A duration flag in the one grammar (src/text/duration.ts): `90s`, `30m`, `1h30m`, `7d`, `2w`, a
 * bare number of seconds. Its value is milliseconds.
 */
export function durationFlag(opts: DurationFlagOptions & {default: string}): Interfaces.OptionFlag<number>
export function durationFlag(opts: DurationFlagOptions): Interfaces.OptionFlag<number | undefined>
export function durationFlag(opts: DurationFlagOptions): Interfaces.OptionFlag<number | undefined> {
  const grammar = {bareSeconds: opts.bareSeconds ?? true}
  const min = opts.min === undefined ? undefined : parseDuration(opts.min, grammar)
  const max = opts.max === undefined ? MAX_TIMER_MS : parseDuration(opts.max, grammar)
  const maxText = opts.max ?? `${MAX_TIMER_SECONDS}s (about 24 days)`
  const parse = (flagName: string, input: string): number => parseDurationFlag(flagName, input, {grammar, min, max, minText: opts.min, maxText})
  const base = {...passThrough(opts), multiple: false as const, parse: flagParser((input, flagName) => parse(flagName, input))}
  if (opts.default === undefined) return Flags.custom<number>(base)()
  return Flags.custom<number>({...base, default: parse('default', opts.default), defaultHelp: async () => opts.default})()
}

/** The checks of durationFlag, for a value that does not come from the command line (e.g. a default). */
export function parseDurationFlag(flagName: string, input: string, opts: {grammar: {bareSeconds: boolean}; min?: number; max: number; minText?: string; maxText: string}): number {
  let ms: number
  try {
    ms = parseDuration(input, opts.grammar)
  } catch (error) {
    if (error instanceof DurationSyntaxError) throw usageError(`--${flagName} '${input}' ${error.message}.`)
    throw error
  }
  const tooSmall = opts.min === undefined ? !(ms > 0) : ms < opts.min
  if (tooSmall || ms > opts.max) {
    const range = opts.min === undefined ? `above 0 and at most ${opts.maxText}` : `from ${opts.minText} to ${opts.maxText}`
    throw usageError(`--${flagName} must be ${range}, not '${input}'.`)
  }
  return ms
}

export interface CountFlagOptions extends CommonFlagOptions {
  /** Smallest value (inclusive). */
  min: number
  /** Largest value (inclusive); default: the largest exact whole number. */
  max?: number
  default?: number
  /** What is counted, for the message: "a whole number of workers". */
  of?: string
}

/** A whole number within [min, max]: plain digits only (no `1e3`, `2.5`, `-1`, `0x10`). */
export function countFlag(opts: CountFlagOptions & {default: number}): Interfaces.OptionFlag<number>
export function countFlag(opts: CountFlagOptions): Interfaces.OptionFlag<number | undefined>
export function countFlag(opts: CountFlagOptions): Interfaces.OptionFlag<number | undefined> {
  const base = {...passThrough(opts), multiple: false as const, parse: flagParser((input, flagName) => parseCount(flagName, input, opts))}
  if (opts.default === undefined) return Flags.custom<number>(base)()
  return Flags.custom<number>({...base, default: opts.default})()
}

/** The checks of countFlag. */
export function parseCount(flagName: string, input: string, opts: {min: number; max?: number; of?: string}): number {
  const text = input.trim()
  const n = Number(text)
  const max = opts.max ?? Number.MAX_SAFE_INTEGER
  if (/^\d+$/.test(text) && !Number.isSafeInteger(n)) throw usageError(`--${flagName} is too large: at most ${max}, not '${input}'.`)
  if (!/^\d+$/.test(text) || n < opts.min || n > max) {
    const range = opts.max === undefined ? `(${opts.min} or more)` : `from ${opts.min} to ${opts.max}`
    throw usageError(`--${flagName} must be a whole number${opts.of ? ` of ${opts.of}` : ''} ${range}, not '${input}'.`)
  }
  return n
}

function passThrough(opts: CommonFlagOptions) {
  return {
    description: opts.description,
    ...(opts.summary === undefined ? {} : {summary: opts.summary}),
    ...(opts.helpGroup === undefined ? {} : {helpGroup: opts.helpGroup}),
    ...(opts.hidden === undefined ? {} : {hidden: opts.hidden}),
    ...(opts.aliases === undefined ? {} : {aliases: opts.aliases}),
    ...(opts.dependsOn === undefined ? {} : {dependsOn: opts.dependsOn}),
    ...(opts.exclusive === undefined ? {} : {exclusive: opts.exclusive}),
  }
}

/** --keep-healthy N of every command that takes workers out of service: the floor it keeps (0 overrides it). */
export function keepHealthyFlag(description: string, extra: Pick<CommonFlagOptions, 'dependsOn'> = {}): Interfaces.OptionFlag<number | undefined> {
  return countFlag({description, min: 0, of: 'workers', ...extra})
}

/** How long the maintenance commands wait on the server (leases to end, a task, a health check) unless --wait-timeout says otherwise. */
export const DEFAULT_WAIT = '30m'
export const DEFAULT_WAIT_MS = parseDuration(DEFAULT_WAIT, {bareSeconds: true})

/**
 * The flags of `flags` that `argv` spells out, each with the spelling used: its name or one of its
 * aliases (`--x`, `--x=value`). Words after `--` are arguments, not flags.
 */
export function flagSpellingsUsed(argv: readonly string[], flags: Record<string, {aliases?: string[]}>): Array<{name: string; used: string}> {
  const end = argv.indexOf('--')
  const words = end === -1 ? argv : argv.slice(0, end)
  const found: Array<{name: string; used: string}> = []
  for (const [name, flag] of Object.entries(flags)) {
    for (const spelling of [name, ...(flag.aliases ?? [])]) {
      if (words.some((w) => w === `--${spelling}` || w.startsWith(`--${spelling}=`))) found.push({name, used: spelling})
    }
  }
  return found
}

/** --all-spaces of every command that can read every space; --space names one, so the two conflict. */
export function allSpacesFlag(description: string): Interfaces.BooleanFlag<boolean> {
  return Flags.boolean({description, exclusive: ['space']})
}

/**
 * --format of a command whose formats are a table of src/views/format.ts: its names are the
 * accepted values, its default the default. Every such command also takes --json, which means
 * `--format json`: the two conflict unless --format is json (or not given, so left at its default).
 */
export function formatFlag<F extends string>(formats: {readonly names: readonly F[]; readonly default: F}): Interfaces.OptionFlag<F> {
  const notJson = {type: 'none' as const, flags: [{name: 'json', when: async (flags: Record<string, unknown>) => flags.format !== 'json'}]}
  return Flags.option({
    description: 'Output format (not with --json, which is --format json).',
    options: formats.names,
    default: formats.default,
    relationships: [notJson],
    multiple: false as const,
  })()
}
