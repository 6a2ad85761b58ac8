/**
 * Colour through chalk, at the level we decide. chalk 5 decides for itself from its own reading of
 * the environment and ignores NO_COLOR, so its automatic level is never used: `setColor` gives it
 * level 1 (the 16 basic colours, all this tool writes) or 0 (plain text).
 */
import {Chalk, type ChalkInstance} from 'chalk'

/**
 * Whether to colour output: --no-color and NO_COLOR turn it off, FORCE_COLOR turns it on (unless
 * it is `0` or `false`), TERM=dumb turns it off, otherwise only on a TTY.
 */
export function colorEnabled(opts: {noColorFlag?: boolean; env: NodeJS.ProcessEnv; isTTY: boolean}): boolean {
  if (opts.noColorFlag) return false
  if (opts.env.NO_COLOR !== undefined && opts.env.NO_COLOR !== '') return false
  const force = opts.env.FORCE_COLOR
  if (force !== undefined) return force !== '0' && force !== 'false'
  if (opts.env.TERM === 'dumb') return false
  return opts.isTTY
}

let chalk: ChalkInstance = new Chalk({level: 0})

export function setColor(on: boolean): void {
  chalk = new Chalk({level: on ? 1 : 0})
}

export function isColorOn(): boolean {
  return chalk.level > 0
}

type Style = 'red' | 'green' | 'yellow' | 'blue' | 'cyan' | 'gray' | 'bold' | 'dim'

const STYLES: readonly Style[] = ['red', 'green', 'yellow', 'blue', 'cyan', 'gray', 'bold', 'dim']

/**
 * The styles commands use, each following the current `setColor` decision. The codes these write
 * are the ones `terminalSafeBlock` (safe.ts) lets through as ours.
 */
export const paint = Object.fromEntries(STYLES.map((style) => [style, (s: string) => chalk[style](s)])) as Record<Style, (s: string) => string>
