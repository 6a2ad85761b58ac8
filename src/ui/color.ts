/**
 * Colour through chalk, at the level we decide. chalk 5 decides for itself from its own reading of
 * the environment and ignores NO_COLOR, so its automatic level is never used: `createPaint` gives it
 * level 1 (the 16 basic colours, all this tool writes) or 0 (plain text), per run.
 */
import {Chalk, type ChalkInstance} from 'chalk'

/**
 * Whether to colour output: --no-color and NO_COLOR turn it off, FORCE_COLOR turns it on (unless
 * it is `0` or `false`), TERM=dumb turns it off, otherwise only on a TTY.
 */
export function colorEnabled(opts: {noColorFlag?: boolean; env: Readonly<Record<string, string | undefined>>; isTTY: boolean}): boolean {
  if (opts.noColorFlag) return false
  if (opts.env.NO_COLOR !== undefined && opts.env.NO_COLOR !== '') return false
  const force = opts.env.FORCE_COLOR
  if (force !== undefined) return force !== '0' && force !== 'false'
  if (opts.env.TERM === 'dumb') return false
  return opts.isTTY
}

type Style = 'red' | 'green' | 'yellow' | 'blue' | 'cyan' | 'gray' | 'bold' | 'dim'

const STYLES: readonly Style[] = ['red', 'green', 'yellow', 'blue', 'cyan', 'gray', 'bold', 'dim']

/** The styles commands use; each writes plain text when colour is off. */
export type Paint = Record<Style, (s: string) => string> & {readonly on: boolean}

/**
 * The styles for one run, at the level decided by `colorEnabled` (the I/O context holds them).
 * The codes these write are the ones `terminalSafeBlock` (safe.ts) lets through as ours.
 */
export function createPaint(on: boolean): Paint {
  const chalk: ChalkInstance = new Chalk({level: on ? 1 : 0})
  return {...(Object.fromEntries(STYLES.map((style) => [style, (s: string) => chalk[style](s)])) as Record<Style, (s: string) => string>), on}
}

/** No colour: what renderers use when they are given no paint. */
export const plainPaint: Paint = createPaint(false)
