import {spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {binPath, repoRoot, shareCompileCache, tempConfigHome} from '../../helpers/cli.js'
import {tempDir} from '../../helpers/temp.js'
import {expect} from 'vitest'
import {api, type Sandbox} from '../../helpers/sandbox.js'

/** Polls until `fn` returns a value (an event, not a fixed sleep); fails after `ms`. */
export async function waitFor<T>(fn: () => Promise<T | undefined>, what: string, ms = 30_000): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const value = await fn()
    if (value !== undefined) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

export async function getTask(sb: Sandbox, id: string): Promise<Record<string, any>> {
  return (await api(sb, 'GET', `/api/tasks/${id}`)).body
}

export async function finishedTask(sb: Sandbox, id: string): Promise<Record<string, any>> {
  return waitFor(async () => {
    const task = await getTask(sb, id)
    return task.IsCompleted ? task : undefined
  }, `task ${id}`)
}

export async function startTask(sb: Sandbox, body: object): Promise<string> {
  const created = await api(sb, 'POST', '/api/Spaces-1/tasks', body)
  expect(created.status, created.text).toBe(201)
  return created.body.Id
}

export async function worker(sb: Sandbox, id: string): Promise<Record<string, any>> {
  return (await api(sb, 'GET', `/api/Spaces-1/workers/${id}`)).body
}

export async function workersOf(sb: Sandbox): Promise<Array<Record<string, any>>> {
  return (await api(sb, 'GET', '/api/Spaces-1/workers/all')).body
}

export async function activeLeases(sb: Sandbox): Promise<Array<Record<string, any>>> {
  return (await api(sb, 'GET', '/api/Spaces-1/workertaskleases?skip=0&take=1000')).body.WorkerTaskLeases.Items
}

/**
 * A new static pool of listening workers on the given hosts (names `<prefix>-01`...), health-checked
 * so that they are available. Returns the pool and worker IDs in order.
 */
export async function addPool(sb: Sandbox, name: string, prefix: string, hosts: string[]): Promise<{poolId: string; workerIds: string[]}> {
  const pool = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: name})
  expect(pool.status, pool.text).toBe(201)
  const workerIds: string[] = []
  for (const [i, host] of hosts.entries()) {
    const thumbprint = randomBytes(20).toString('hex').toUpperCase()
    const w = await api(sb, 'POST', '/api/Spaces-1/workers', {
      Name: `${prefix}-${String(i + 1).padStart(2, '0')}`, WorkerPoolIds: [pool.body.Id],
      Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: `https://${host}:10933/`, Thumbprint: thumbprint},
    })
    expect(w.status, w.text).toBe(201)
    workerIds.push(w.body.Id)
  }
  await finishedTask(sb, await startTask(sb, {Name: 'Health', Arguments: {WorkerpoolId: pool.body.Id}}))
  return {poolId: pool.body.Id, workerIds}
}

export async function simulate(sb: Sandbox, body: object): Promise<{Id: string; FirstTaskId: string; LastTaskId: string}> {
  const created = await api(sb, 'POST', '/api/sandbox/simulations', body)
  expect(created.status, created.text).toBe(201)
  return created.body
}

export async function simulationStatus(sb: Sandbox, id: string): Promise<Record<string, any>> {
  return (await api(sb, 'GET', `/api/sandbox/simulations/${id}`)).body
}

export async function finishedSimulation(sb: Sandbox, id: string, ms = 120_000): Promise<Record<string, any>> {
  return waitFor(async () => {
    const sim = await simulationStatus(sb, id)
    return sim.State === 'Running' ? undefined : sim
  }, `simulation ${id}`, ms)
}

export interface LiveCli {
  /** Resolves once stderr contains the text (the process keeps running). */
  stderrContains(text: string | RegExp, ms?: number): Promise<void>
  signal(name: NodeJS.Signals): void
  done: Promise<{stdout: string; stderr: string; exitCode: number}>
}

/**
 * Spawns the built CLI against a sandbox and lets the test watch stderr and send signals (Ctrl-C).
 * `url` sends its requests elsewhere (a proxy in front of the sandbox); `stateHome` is its
 * XDG_STATE_HOME (a fresh one by default: runs given the same one are "on the same machine").
 */
export function spawnOcto(sb: Sandbox, args: string[], opts: {url?: string; stateHome?: string} = {}): LiveCli {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', XDG_CONFIG_HOME: tempConfigHome(), XDG_CACHE_HOME: tempDir('octoworkers-cache'),
    XDG_STATE_HOME: opts.stateHome ?? tempDir('octoworkers-state'), OCTOPUS_URL: opts.url ?? sb.url, OCTOPUS_API_KEY: sb.apiKey,
  }
  const harvestCompileCache = shareCompileCache(env)
  const child = spawn(process.execPath, [binPath, ...args], {env, cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  const listeners = new Set<() => void>()
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d
    for (const l of listeners) l()
  })
  child.stdin.end()
  const done = new Promise<{stdout: string; stderr: string; exitCode: number}>((resolve) => {
    child.on('close', (code, signal) => {
      harvestCompileCache()
      resolve({stdout, stderr, exitCode: code ?? (signal ? 128 : 1)})
    })
  })
  return {
    done,
    signal: (name) => child.kill(name),
    stderrContains(text, ms = 30_000) {
      const matches = () => (typeof text === 'string' ? stderr.includes(text) : text.test(stderr))
      return new Promise<void>((resolve, reject) => {
        if (matches()) return resolve()
        const timer = setTimeout(() => reject(new Error(`stderr never showed ${String(text)}; stderr so far:\n${stderr}`)), ms)
        const check = () => {
          if (!matches()) return
          clearTimeout(timer)
          listeners.delete(check)
          resolve()
        }
        listeners.add(check)
        void done.then(() => {
          if (!matches()) {
            clearTimeout(timer)
            reject(new Error(`the CLI ended before stderr showed ${String(text)}; stderr:\n${stderr}`))
          }
        })
      })
    },
  }
}
