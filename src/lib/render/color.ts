/**
 * Whether to colour output. chalk 5 ignores NO_COLOR, so we decide and set its level ourselves:
 * --no-color and NO_COLOR turn it off, FORCE_COLOR turns it on, otherwise only on a TTY.
 */
export function colorEnabled(opts: {noColorFlag?: boolean; env: NodeJS.ProcessEnv; isTTY: boolean}): boolean {
  if (opts.noColorFlag) return false
  if (opts.env.NO_COLOR !== undefined && opts.env.NO_COLOR !== '') return false
  const force = opts.env.FORCE_COLOR
  if (force !== undefined) return force !== '0' && force !== 'false'
  if (opts.env.TERM === 'dumb') return false
  return opts.isTTY
}

let enabled = false

export function setColor(on: boolean): void {
  enabled = on
}

export function isColorOn(): boolean {
  return enabled
}

const codes = {
  red: [31, 39], green: [32, 39], yellow: [33, 39], blue: [34, 39], cyan: [36, 39], gray: [90, 39], bold: [1, 22], dim: [2, 22],
} as const

/** Tiny ANSI painter honouring setColor(); avoids loading chalk on the startup path. */
export const paint = Object.fromEntries(
  Object.entries(codes).map(([name, [open, close]]) => [name, (s: string) => (enabled ? `\u001B[${open}m${s}\u001B[${close}m` : s)]),
) as Record<keyof typeof codes, (s: string) => string>
