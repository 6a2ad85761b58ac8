/**
 * Colour: the 16 basic SGR colours, bold and dim, written only by `createPaint`. Each sequence it
 * writes carries this process's colour mark (see OWN_COLOUR_MARK in safe.ts): the output writers
 * turn marked sequences into plain SGR and escape every other escape character, so a server string
 * that holds a colour code of its own is shown escaped even while colour is on.
 */
import {ownSgr} from './safe.js'

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

/** Each style's SGR parameters: the one that starts it and the one that ends it. */
const STYLE_CODES: Record<Style, readonly [open: number, close: number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  cyan: [36, 39],
  gray: [90, 39],
  bold: [1, 22],
  dim: [2, 22],
}

/** The styles commands use; each writes plain text when colour is off. */
export type Paint = Record<Style, (s: string) => string> & {readonly on: boolean}

/**
 * The styles for one run (the I/O context holds them). A style nested in one that shares its end
 * code (bold in dim, red in gray) would end the outer one early, so the outer one starts again
 * after each of those ends.
 */
export function createPaint(on: boolean): Paint {
  const styles = {} as Record<Style, (s: string) => string>
  for (const [style, [openCode, closeCode]] of Object.entries(STYLE_CODES) as Array<[Style, readonly [number, number]]>) {
    const open = ownSgr(openCode)
    const close = ownSgr(closeCode)
    styles[style] = on ? (s: string) => open + s.replaceAll(close, close + open) + close : (s: string) => s
  }
  return {...styles, on}
}

/** No colour: what renderers use when they are given no paint. */
export const plainPaint: Paint = createPaint(false)
