import {spawn} from 'node:child_process'
import {existsSync, linkSync, mkdirSync, readdirSync} from 'node:fs'
import {tempDir} from './temp.js'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {createRequire, register} from 'node:module'
import {pathToFileURL} from 'node:url'
import {sourcesPjson} from '../../scripts/dev/sources-pjson.js'
import {cacheDir} from '../../src/config/cache-dir.js'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
/**
 * The CLI as a process: the bundle users run (bin/run.js over dist/bundle, which the global setup
 * of every tier that spawns builds from the sources: test/bundle-setup.ts).
 */
export const binPath = path.join(repoRoot, 'bin/run.js')
/** The CLI from its TypeScript sources, compiled as they load (what a developer runs; no build). */
export const sourcesBinPath = path.join(repoRoot, 'bin/dev.mjs')

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
  /** In-process only: stdout is a terminal this many columns wide (stdin and stderr stay pipes). */
  stdoutColumns?: number
  /** In-process only: the run's clock (ms since the epoch), instead of the wall clock. */
  now?: () => number
  /** The working directory (where `check` looks for .octoworkers.yaml); default the repository root. */
  cwd?: string
  /** Run bin/dev.mjs (the TypeScript sources, compiled as they load) as a process. */
  sources?: boolean
}

/** A fresh, empty XDG config dir for a test. */
export function tempConfigHome(): string {
  return tempDir('octoworkers-cfg')
}

/**
 * Runs the CLI from its TypeScript sources and collects its output and exit code.
 *
 * By default the command runs in this test process (oclif's own `run()`, one Config loaded per
 * test worker, which the test files it runs share) with a context of its own: a clean environment, stdout/stderr captured, no TTY. That
 * is the same code path as a real process minus Node's start-up, and runs share nothing, so a
 * test file's runs can go at the same time. Runs that need a real process (long-running
 * commands, signals, another D-Bus, --version and autocomplete, which oclif prints itself) spawn
 * the bundle (bin/run.js); `spawn: true` or OCTOWORKERS_TEST_SPAWN=1 forces that for every call,
 * and `sources: true` spawns bin/dev.mjs instead.
 */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  const env = cliEnv(options)
  return needsProcess(args, options) ? spawnCli(args, env, options) : runInProcess(args, env, options)
}

/** The environment a CLI run starts from: a clean one, never the developer's OCTOPUS_* settings. */
function cliEnv(options: RunOptions): Record<string, string> {
  const env: Record<string, string> = {}
  for (const key of ['PATH', 'HOME', 'DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'XDG_DATA_HOME', 'LANG', 'TMPDIR', 'NODE_EXTRA_CA_CERTS']) {
    if (process.env[key]) env[key] = process.env[key]!
  }
  // One temp dir per run for the homes not given, made by the CLI as it needs them (as in a fresh
  // account): three directories made and removed per run were a good part of a test file's time.
  let runHome: string | undefined
  const home = (name: string) => path.join((runHome ??= tempDir('octoworkers-run')), name)
  env.XDG_CONFIG_HOME = options.configHome ?? home('config')
  env.XDG_CACHE_HOME = options.cacheHome ?? home('cache')
  env.XDG_STATE_HOME = options.stateHome ?? home('state')
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
  if (options.sources) return true
  if (options.spawn !== undefined) return options.spawn
  if (process.env.OCTOWORKERS_TEST_SPAWN === '1') return true
  // The keychain library keeps its D-Bus connection per process: another bus needs another process.
  if (options.env && 'DBUS_SESSION_BUS_ADDRESS' in options.env) return true
  // oclif prints the version itself, and the autocomplete plugin's commands print, on the
  // process's own console: not through a run's context.
  if (args[0] === '--version' || args[0] === 'autocomplete') return true
  const words = args.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ')
  if (words === 'sandbox start') return true
  return words === 'leases tail' && !args.some((a) => a === '--duration' || a === '--max-events' || a.startsWith('--duration=') || a.startsWith('--max-events='))
}

/**
 * The bundle's compile cache (src/cli/startup/compile-cache.ts), warm in the spawned runs whose
 * cache home this helper made: a new cache home is empty, so each such run would compile the
 * bundle cold and write a 1 MB cache at exit. The test run keeps one shared copy (its directory
 * in OCTOWORKERS_TEST_COMPILE_CACHE, made by test/bundle-setup.ts): a run gets hard links to the
 * caches there, and the caches a run wrote are linked there for the runs after it (the CLI
 * replaces a cache by renaming a new file over it, so no run changes another's). A test that
 * gives its own cacheHome or XDG_CACHE_HOME gets exactly what it gave.
 */
function sharedCompileCache(env: Record<string, string>, options: RunOptions): {seed(): void; harvest(): void} | undefined {
  const shared = process.env.OCTOWORKERS_TEST_COMPILE_CACHE
  if (!shared || options.sources || options.cacheHome !== undefined || (options.env && 'XDG_CACHE_HOME' in options.env)) return undefined
  const own = path.join(cacheDir(env), 'compile-cache')
  const link = (from: string, to: string) => {
    for (const name of readdirSync(from)) {
      try {
        if (name.endsWith('.v8cache')) linkSync(path.join(from, name), path.join(to, name))
      } catch {
        // There already (another run linked it first), or gone: the run compiles as usual.
      }
    }
  }
  return {
    seed() {
      mkdirSync(own, {recursive: true, mode: 0o700})
      link(shared, own)
    },
    harvest() {
      if (existsSync(own)) link(own, shared)
    },
  }
}

/**
 * For a test that spawns the bundle itself with a cache home of its own (XDG_CACHE_HOME in `env`):
 * links the run's shared compile caches into it, as runCli does for its runs, so the process does
 * not compile the bundle cold. Call the returned function once the process has exited.
 */
export function shareCompileCache(env: Record<string, string>): () => void {
  const compileCache = sharedCompileCache(env, {})
  compileCache?.seed()
  return () => compileCache?.harvest()
}

function spawnCli(args: string[], env: Record<string, string>, options: RunOptions): Promise<CliResult> {
  const compileCache = sharedCompileCache(env, options)
  compileCache?.seed()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.sources ? sourcesBinPath : binPath, ...args], {env, cwd: options.cwd ?? repoRoot, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      compileCache?.harvest()
      resolve({stdout, stderr, exitCode: code ?? (signal ? 128 : 1)})
    })
    if (options.input !== undefined) child.stdin.end(options.input)
    else child.stdin.end()
  })
}

/**
 * oclif imports the command files itself, with Node's own loader rather than vitest's: the hooks
 * bin/dev.mjs uses compile them from the TypeScript sources as they load. Registered on the first
 * in-process run, once per test process: starting them costs every test file that never runs the
 * CLI in-process (most of them) a loader thread for nothing.
 */
function registerTypescriptHooks(): void {
  const key = Symbol.for('octoworkers.typescriptHooks')
  const state = globalThis as Record<symbol, unknown>
  if (state[key]) return
  register('../../scripts/dev/typescript-hooks.js', import.meta.url)
  state[key] = true
}

/**
 * The sources' package.json, with the commands from the stand-ins module the test run's global
 * setup wrote (test/lazy-commands-setup.ts) when there is one: oclif then reads the commands'
 * metadata from it and imports only the command a run runs, where from src/commands it would
 * import every command first.
 */
function pjsonOfTheRun() {
  const pjson = sourcesPjson()
  const lazyCommands = process.env.OCTOWORKERS_TEST_LAZY_COMMANDS
  // oclif takes the target relative to the root.
  if (lazyCommands) pjson.oclif.commands = {strategy: 'explicit', target: path.relative(repoRoot, lazyCommands), identifier: 'COMMANDS'}
  return pjson
}

let oclifConfig: Promise<import('@oclif/core').Config> | undefined

/**
 * The CLI's oclif Config over the TypeScript sources (src/commands, src/cli/help.ts, src/cli/hooks), as
 * bin/dev.mjs loads it: Node's loader hooks compile the .ts files as oclif imports them, so no build
 * is needed. Loaded once per test worker: the test files share their workers (vitest.config.ts).
 */
export async function loadOclifConfig(): Promise<import('@oclif/core').Config> {
  registerTypescriptHooks()
  oclifConfig ??= (async () => {
    const oclif = await import('@oclif/core')
    // The loader hooks compile the sources: oclif must not look for ts-node, nor map paths to dist/.
    oclif.settings.enableAutoTranspile = false
    return oclif.Config.load({root: repoRoot, pjson: pjsonOfTheRun()})
  })()
  return oclifConfig
}


const nativeImport = createRequire(import.meta.url)('./native-import.cjs') as (url: string) => Promise<unknown>
let runtimeModules: Promise<typeof import('../../src/cli/context.js') & typeof import('./context.js')> | undefined

/**
 * The context machinery as the commands see it: loaded by Node (native-import.cjs), as oclif loads
 * the commands, so that a run's context, its exit and the errors it throws are the commands' own
 * module instances (an `instanceof CliError` across two copies of a module is false).
 */
function runtime() {
  registerTypescriptHooks()
  runtimeModules ??= Promise.all([
    nativeImport(pathToFileURL(path.join(repoRoot, 'src/cli/context.ts')).href),
    nativeImport(pathToFileURL(path.join(repoRoot, 'test/helpers/context.ts')).href),
  ]).then(([cli, helpers]) => ({...(cli as object), ...(helpers as object)}) as typeof import('../../src/cli/context.js') & typeof import('./context.js'))
  return runtimeModules
}

/**
 * One run through oclif's own `run()` with a context of its own (src/cli/context.ts): output
 * captured, the given environment, stdin a finished pipe, no TTY. Nothing of the process is
 * patched, so runs in one test file go at the same time.
 */
async function runInProcess(args: string[], env: Record<string, string>, options: RunOptions): Promise<CliResult> {
  const oclif = await import('@oclif/core')
  const config = await loadOclifConfig()
  const {runWithContext, testContext, ExitRequested} = await runtime()
  const context = testContext({env, input: options.input, cwd: options.cwd ?? repoRoot, stdoutColumns: options.stdoutColumns, now: options.now})
  let exitCode: number
  try {
    await runWithContext(context, () => oclif.run(args, config))
    exitCode = context.exitCode ?? 0
  } catch (error) {
    exitCode = error instanceof ExitRequested ? error.code : exitCodeOf(error, context.exitCode)
    if (exitCode !== 0 && !(error instanceof ExitRequested) && !isExitError(error)) context.stderr.write(`${(error as Error)?.message ?? String(error)}\n`)
  }
  return {stdout: context.stdout.text, stderr: context.stderr.text, exitCode}
}

function isExitError(error: unknown): boolean {
  return typeof (error as {oclif?: {exit?: unknown}})?.oclif?.exit === 'number' && (error as {code?: string}).code === 'EEXIT'
}

function exitCodeOf(error: unknown, recorded: number | undefined): number {
  const oclifExit = (error as {oclif?: {exit?: number}})?.oclif?.exit
  if (typeof oclifExit === 'number') return oclifExit
  return recorded || 1
}

/** Parses stdout as one JSON document, with a helpful failure message. */
export function parseJson<T = any>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.exitCode}).\nstdout: ${result.stdout}\nstderr: ${result.stderr}`)
  }
}
