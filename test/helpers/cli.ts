import {spawn} from 'node:child_process'
import {tempDir} from './temp.js'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {format} from 'node:util'
import {Readable} from 'node:stream'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const binPath = path.join(repoRoot, 'bin/run.js')

export interface CliResult {
  stdout: string
  stderr: string
  exitCode: number
}

export interface RunOptions {
  /** Extra environment; the run starts from a clean env (no OCTOPUS_* from the developer's shell). */
  env?: Record<string, string | undefined>
  /** Text written to stdin (stdin is closed after it). */
  input?: string
  /** An isolated config dir; one is created per call when omitted. */
  configHome?: string
  /** An isolated cache dir (XDG_CACHE_HOME: `leases report`'s cache); one is created per call when omitted. */
  cacheHome?: string
  /** An isolated state dir (XDG_STATE_HOME: `worker upgrade`'s claims); one is created per call when omitted. */
  stateHome?: string
  timeoutMs?: number
  /** true: a real process (signals, exact start-up behaviour); false: in-process; unset: decided by needsProcess(). */
  spawn?: boolean
}

/** A fresh, empty XDG config dir for a test. */
export function tempConfigHome(): string {
  return tempDir('octoworkers-cfg')
}

/**
 * Runs the built CLI (`bin/run.js`, i.e. dist/) and collects its output and exit code.
 *
 * By default the command runs in this test process (oclif's own `run()`, one Config loaded per
 * test file) with a clean environment, stdout/stderr captured and no TTY: the same code path as
 * a real process minus Node's start-up, which made the suite spend most of its time booting
 * processes. Runs that need a real process (long-running commands, signals, another D-Bus) spawn
 * one; `spawn: true` or OCTOWORKERS_TEST_SPAWN=1 forces that for every call.
 */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  const env = cliEnv(options)
  return needsProcess(args, options) ? spawnCli(args, env, options) : runInProcess(args, env, options.input)
}

/** The environment a CLI run starts from: a clean one, never the developer's OCTOPUS_* settings. */
function cliEnv(options: RunOptions): Record<string, string> {
  const env: Record<string, string> = {}
  for (const key of ['PATH', 'HOME', 'DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'XDG_DATA_HOME', 'LANG', 'TMPDIR', 'NODE_EXTRA_CA_CERTS']) {
    if (process.env[key]) env[key] = process.env[key]!
  }
  env.XDG_CONFIG_HOME = options.configHome ?? tempConfigHome()
  env.XDG_CACHE_HOME = options.cacheHome ?? tempDir('octoworkers-cache')
  env.XDG_STATE_HOME = options.stateHome ?? tempDir('octoworkers-state')
  env.NO_COLOR = '1'
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
  return env
}

/**
 * Commands that only end on a signal (`sandbox start`, `leases tail`
 * without --duration or --max-events), need a process of their own; `spawn: false` keeps a run
 * in-process that is known to end (e.g. bad flags).
 */
function needsProcess(args: string[], options: RunOptions): boolean {
  if (options.spawn !== undefined) return options.spawn
  if (process.env.OCTOWORKERS_TEST_SPAWN === '1') return true
  // The keychain library keeps its D-Bus connection per process: another bus needs another process.
  if (options.env && 'DBUS_SESSION_BUS_ADDRESS' in options.env) return true
  const words = args.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ')
  if (words === 'sandbox start') return true
  return words === 'leases tail' && !args.some((a) => a === '--duration' || a === '--max-events' || a.startsWith('--duration=') || a.startsWith('--max-events='))
}

function spawnCli(args: string[], env: Record<string, string>, options: RunOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], {env, cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({stdout, stderr, exitCode: code ?? (signal ? 128 : 1)})
    })
    if (options.input !== undefined) child.stdin.end(options.input)
    else child.stdin.end()
  })
}

// In-process runs share process-wide state (env, stdout, exit code), so they take turns.
let queue: Promise<unknown> = Promise.resolve()
let oclifConfig: Promise<import('@oclif/core').Config> | undefined

class ProcessExit extends Error {
  constructor(readonly code: number) {
    super(`process.exit(${code})`)
  }
}

/** The CLI's oclif Config (dist/ commands), loaded once per test file. */
export async function loadOclifConfig(): Promise<import('@oclif/core').Config> {
  const oclif = await import('@oclif/core')
  // Under vitest NODE_ENV is "test", where oclif would look for src/*.ts beside dist/: run dist/, as bin/run.js does.
  oclif.settings.enableAutoTranspile = false
  oclifConfig ??= oclif.Config.load({root: repoRoot})
  return oclifConfig
}

function runInProcess(args: string[], env: Record<string, string>, input: string | undefined): Promise<CliResult> {
  const turn = queue.then(() => runInProcessNow(args, env, input))
  queue = turn.catch(() => undefined)
  return turn
}

async function runInProcessNow(args: string[], env: Record<string, string>, input: string | undefined): Promise<CliResult> {
  const oclif = await import('@oclif/core')
  const config = await loadOclifConfig()
  const savedEnv = {...process.env}
  const savedExitCode = process.exitCode
  const savedExit = process.exit
  const savedWrite = {out: process.stdout.write, err: process.stderr.write}
  // oclif's ux.stdout/stderr (help, --version) print through console, which vitest intercepts.
  const savedConsole = {log: console.log, error: console.error, warn: console.warn, info: console.info}
  const savedSigint = new Set(process.listeners('SIGINT'))
  // stdin: the given text then end-of-file, as a pipe would give it (and never the test runner's own stdin).
  const savedStdin = Object.getOwnPropertyDescriptor(process, 'stdin')!
  const stdin = Object.assign(Readable.from(input === undefined ? [] : [Buffer.from(input)]), {isTTY: false})
  const savedTTY = {out: Object.getOwnPropertyDescriptor(process.stdout, 'isTTY'), err: Object.getOwnPropertyDescriptor(process.stderr, 'isTTY'), in: Object.getOwnPropertyDescriptor(process.stdin, 'isTTY')}
  let stdout = ''
  let stderr = ''
  const capture = (append: (text: string) => void) =>
    function (chunk: string | Uint8Array, ...rest: unknown[]): boolean {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined
      callback?.()
      return true
    }
  let exitCode = 0
  try {
    for (const key of Object.keys(process.env)) delete process.env[key]
    Object.assign(process.env, env)
    process.exitCode = undefined
    for (const stream of [process.stdout, process.stderr, process.stdin]) Object.defineProperty(stream, 'isTTY', {value: false, configurable: true, writable: true})
    Object.defineProperty(process, 'stdin', {value: stdin, configurable: true, enumerable: savedStdin.enumerable})
    process.stdout.write = capture((t) => (stdout += t)) as typeof process.stdout.write
    process.stderr.write = capture((t) => (stderr += t)) as typeof process.stderr.write
    console.log = console.info = (...parts: unknown[]) => void (stdout += format(...parts) + '\n')
    console.error = console.warn = (...parts: unknown[]) => void (stderr += format(...parts) + '\n')
    process.exit = ((code?: number) => {
      throw new ProcessExit(code ?? 0)
    }) as typeof process.exit
    try {
      // No oclif flush(): output is captured synchronously, and flush() would leave a 'drain' listener on the real stdout.
      await oclif.run(args, config)
      exitCode = Number(process.exitCode ?? 0)
    } catch (error) {
      exitCode = exitCodeOf(error)
      if (exitCode !== 0 && !(error instanceof ProcessExit) && !isExitError(error)) stderr += `${(error as Error)?.message ?? String(error)}\n`
    }
  } finally {
    process.stdout.write = savedWrite.out
    process.stderr.write = savedWrite.err
    process.exit = savedExit
    Object.defineProperty(process, 'stdin', savedStdin)
    Object.assign(console, savedConsole)
    for (const [stream, descriptor] of [[process.stdout, savedTTY.out], [process.stderr, savedTTY.err], [process.stdin, savedTTY.in]] as const) {
      if (descriptor) Object.defineProperty(stream, 'isTTY', descriptor)
      else delete (stream as {isTTY?: boolean}).isTTY
    }
    for (const listener of process.listeners('SIGINT')) if (!savedSigint.has(listener)) process.removeListener('SIGINT', listener)
    for (const key of Object.keys(process.env)) delete process.env[key]
    Object.assign(process.env, savedEnv)
    process.exitCode = savedExitCode
  }
  return {stdout, stderr, exitCode}
}

function isExitError(error: unknown): boolean {
  return typeof (error as {oclif?: {exit?: unknown}})?.oclif?.exit === 'number' && (error as {code?: string}).code === 'EEXIT'
}

function exitCodeOf(error: unknown): number {
  if (error instanceof ProcessExit) return error.code
  const oclifExit = (error as {oclif?: {exit?: number}})?.oclif?.exit
  if (typeof oclifExit === 'number') return oclifExit
  return Number(process.exitCode ?? 0) || 1
}

/** Parses stdout as one JSON document, with a helpful failure message. */
export function parseJson<T = any>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.exitCode}).\nstdout: ${result.stdout}\nstderr: ${result.stderr}`)
  }
}
