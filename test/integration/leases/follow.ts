/** Test helpers for `leases` integration tests: a long-running CLI child, and sandbox lease facts. */
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process'
import {binPath, repoRoot, tempConfigHome} from '../../helpers/cli.js'
import {api, type Sandbox} from '../../helpers/sandbox.js'

export interface Following {
  child: ChildProcessWithoutNullStreams
  stdout: () => string
  stderr: () => string
  /** Resolves when stderr matches (rejects if the process exits first or after timeoutMs). */
  waitForStderr: (pattern: RegExp, timeoutMs?: number) => Promise<void>
  /** Resolves when stdout has at least n lines. */
  waitForLines: (n: number, timeoutMs?: number) => Promise<void>
  exit: Promise<number>
}

/** Starts the built CLI with a clean env pointed at a sandbox (like runCli, but returns while it runs). */
export function startCli(args: string[], sandbox: {url: string; apiKey: string}): Following {
  const env: Record<string, string> = {PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', XDG_CONFIG_HOME: tempConfigHome(), NO_COLOR: '1', OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey}
  const child = spawn(process.execPath, [binPath, ...args], {env, cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe']})
  let out = ''
  let err = ''
  const listeners = new Set<() => void>()
  const changed = () => listeners.forEach((l) => l())
  child.stdout.setEncoding('utf8').on('data', (d: string) => ((out += d), changed()))
  child.stderr.setEncoding('utf8').on('data', (d: string) => ((err += d), changed()))
  const exit = new Promise<number>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1))))
  const waitFor = (ready: () => boolean, what: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!ready()) return
        cleanup()
        resolve()
      }
      const timer = setTimeout(() => (cleanup(), reject(new Error(`timed out waiting for ${what}\nstdout:\n${out}\nstderr:\n${err}`))), timeoutMs)
      const cleanup = () => (clearTimeout(timer), listeners.delete(check))
      listeners.add(check)
      void exit.then((code) => {
        if (listeners.has(check) && !ready()) {
          cleanup()
          reject(new Error(`exited (${code}) before ${what}\nstdout:\n${out}\nstderr:\n${err}`))
        }
      })
      check()
    })
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitForStderr: (pattern, timeoutMs = 30_000) => waitFor(() => pattern.test(err), `stderr ${pattern}`, timeoutMs),
    waitForLines: (n, timeoutMs = 30_000) => waitFor(() => out.split('\n').filter(Boolean).length >= n, `${n} stdout lines`, timeoutMs),
    exit,
  }
}

export interface HistoryLease {
  Id: string
  ServerTaskId: string
  SpaceId: string
  WorkerId: string
  WorkerName: string
  WorkerPoolId: string
  WorkerPoolName: string
  Exclusive: boolean
  TakenAt: string
  GrantSequence: number
  ReleasedAt: string | null
  ReleaseSequence: number | null
}

export async function leaseHistory(sandbox: Sandbox): Promise<HistoryLease[]> {
  const response = await api(sandbox, 'GET', '/api/sandbox/leases/history')
  if (response.status !== 200) throw new Error(`history: ${response.status} ${response.text}`)
  return response.body as HistoryLease[]
}

export interface SimulationRequest {
  Tasks: number
  Concurrency: number
  MinDurationMs: number
  MaxDurationMs: number
  WorkerPoolIds?: string[]
  StepsPerTask?: number
}

export async function startSimulation(sandbox: Sandbox, body: SimulationRequest): Promise<{Id: string}> {
  const response = await api(sandbox, 'POST', '/api/sandbox/simulations', body)
  if (response.status !== 201) throw new Error(`simulation: ${response.status} ${response.text}`)
  return response.body
}

/** Polls the sandbox until the simulation is no longer running; returns its final document. */
export async function simulationDone(sandbox: Sandbox, id: string, timeoutMs = 60_000): Promise<any> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const response = await api(sandbox, 'GET', `/api/sandbox/simulations/${id}`)
    if (response.body?.State !== 'Running') return response.body
    if (Date.now() > until) throw new Error(`simulation ${id} still running`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

export function jsonLines(text: string): any[] {
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l))
}

/** Waits until the tail has finished `more` further polls (read from its --debug lines): no fixed sleep. */
export async function waitForMorePolls(tail: Following, more: number): Promise<void> {
  const polls = () => [...tail.stderr().matchAll(/poll (\d+) \(/g)].map((m) => Number(m[1]))
  const now = Math.max(0, ...polls())
  await tail.waitForStderr(new RegExp(`poll ${now + more} \\(`))
}
