import {spawn} from 'node:child_process'
import {expect} from 'vitest'
import {binPath, repoRoot, tempConfigHome} from './cli.js'

/** Keys to `send` to a prompt. */
export const ENTER = '\r'
export const DOWN = '\u001B[B'
export const SPACE = ' '

export interface PtyStep {
  /** Wait until the terminal output (ANSI stripped) contains this text... */
  waitFor: string
  /** ...then type this (e.g. `name\r`, `\u001B[B\r` for arrow-down + Enter). */
  send: string
  /** Done once the text is on screen, before typing: e.g. another command run while a prompt waits. */
  before?: () => Promise<void>
}

export interface PtyResult {
  /** Everything the terminal showed (stdout and stderr), ANSI sequences and CRs removed. */
  screen: string
  exitCode: number
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-9;?]*[A-Za-z]|\u001B[()][A-Z0-9]|\r/g

function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`
}

/** A terminal of a fixed size, in character cells. */
export interface PtySize {
  columns: number
  rows?: number
}

/**
 * Runs the built CLI under a pseudo-terminal (util-linux `script`), so that stdin and stdout are
 * TTYs and prompts appear, and answers each prompt once its text is on screen.
 */
export function runInPty(args: string[], env: Record<string, string>, steps: PtyStep[], timeoutMs = 60_000, size?: PtySize): Promise<PtyResult> {
  const cli = [process.execPath, binPath, ...args].map(shellQuote).join(' ')
  // `script` makes a terminal of its parent's size, 0x0 under a test runner: `stty` sets the size
  // the CLI then reads from its own stdout (process.stdout.columns), as in a real terminal.
  const command = size ? `stty cols ${size.columns} rows ${size.rows ?? 24} && exec ${cli}` : cli
  const childEnv: Record<string, string> = {PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm', NO_COLOR: '1', XDG_CONFIG_HOME: tempConfigHome(), ...env}
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {cwd: repoRoot, env: childEnv, stdio: ['pipe', 'pipe', 'pipe']})
    let raw = ''
    let next = 0
    let consumedUpTo = 0
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`pty run timed out waiting for ${JSON.stringify(steps[next]?.waitFor)}; screen:\n${raw.replace(ANSI, '')}`))
    }, timeoutMs)
    let busy = false
    const advance = () => {
      if (busy) return
      const screen = raw.replace(ANSI, '')
      while (next < steps.length) {
        const step = steps[next]
        const at = screen.indexOf(step.waitFor, consumedUpTo)
        if (at < 0) break
        consumedUpTo = at + step.waitFor.length
        next++
        if (step.before) {
          busy = true
          void step.before().then(() => {
            busy = false
            child.stdin.write(step.send)
            advance()
          }, reject)
          return
        }
        child.stdin.write(step.send)
      }
    }
    const onData = (chunk: Buffer) => {
      raw += chunk.toString('utf8')
      advance()
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({screen: raw.replace(ANSI, ''), exitCode: code ?? 1})
    })
  })
}

/** The command printed after "To do this without prompts:". */
export function echoedCommand(screen: string): string {
  const lines = screen.split('\n')
  const at = lines.findIndex((l) => l.includes('To do this without prompts:'))
  expect(at, screen).toBeGreaterThanOrEqual(0)
  return lines[at + 1].trim()
}

/** Splits the echoed command as a POSIX shell would (it uses plain words, '...' and \' only). */
export function shellWords(command: string): string[] {
  const words: string[] = []
  let word: string | undefined
  for (let i = 0; i < command.length; i++) {
    const c = command[i]
    if (c === ' ') {
      if (word !== undefined) words.push(word)
      word = undefined
      continue
    }
    word ??= ''
    if (c === "'") {
      const end = command.indexOf("'", i + 1)
      word += command.slice(i + 1, end)
      i = end
    } else if (c === '\\') {
      word += command[++i]
    } else {
      word += c
    }
  }
  if (word !== undefined) words.push(word)
  return words
}
