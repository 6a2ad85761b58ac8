import {spawn} from 'node:child_process'
import {tempDir} from './temp.js'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

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
  timeoutMs?: number
}

/** A fresh, empty XDG config dir for a test. */
export function tempConfigHome(): string {
  return tempDir('octoworkers-cfg')
}

/** Runs the built CLI (`bin/run.js`, i.e. dist/) as a user would, and collects its output and exit code. */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  const env: Record<string, string> = {}
  for (const key of ['PATH', 'HOME', 'DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'XDG_DATA_HOME', 'LANG', 'TMPDIR', 'NODE_EXTRA_CA_CERTS']) {
    if (process.env[key]) env[key] = process.env[key]!
  }
  env.XDG_CONFIG_HOME = options.configHome ?? tempConfigHome()
  env.XDG_CACHE_HOME = options.cacheHome ?? tempDir('octoworkers-cache')
  env.NO_COLOR = '1'
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
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

/** Parses stdout as one JSON document, with a helpful failure message. */
export function parseJson<T = any>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.exitCode}).\nstdout: ${result.stdout}\nstderr: ${result.stderr}`)
  }
}
