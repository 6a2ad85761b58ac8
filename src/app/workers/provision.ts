/**
 * `worker provision`: checks the name against the naming convention, resolves the pools, refuses a
 * name that is already registered, and builds the commands that make a machine register itself
 * (src/domain/workers/provision.ts). With `wait`, polls until the worker shows up registered,
 * in its pools and available, starting a health check of it once it is there and unchecked.
 */
import {usageError, unsafeError} from '../../text/errors.js'
import type {SpaceContext} from '../../octopus/client.js'
import {findAllByNameOrId} from '../../octopus/names.js'
import {createTask, getTask, listWorkerPools, listWorkers} from '../../octopus/repositories.js'
import type {TaskResource, WorkerPoolResource, WorkerResource} from '../../octopus/types.js'
import type {PolicyConfig} from '../../config/octoworkers-yaml/load.js'
import {checkName} from '../../domain/policy/convention.js'
import {isDynamicPool} from '../../domain/pools.js'
import {provisionMissing, provisionPlan, type ProvisionKind, type ProvisionPlan} from '../../domain/workers/provision.js'
import {pollingAddress} from '../../domain/workers/polling-address.js'
import {healthTaskBody, isTaskFinished} from './health.js'
import {poolNames, withPoolNames, type WorkerWithPoolNames} from './list.js'

export interface ProvisionRequest {
  kind: ProvisionKind
  name: string
  poolInputs: string[]
  polling: boolean
  /** Provision a name that breaks the naming convention, or one that is already registered. */
  force: boolean
}

export interface ProvisionWait {
  Ready: boolean
  /** What was still missing when the wait ended (empty when ready). */
  Missing: string[]
  Worker: WorkerWithPoolNames | null
  /** Health checks this run started. */
  HealthTaskIds: string[]
  WaitedMs: number
}

export interface ProvisionResult extends ProvisionPlan {
  Name: string
  ServerUrl: string
  Space: {Id: string; Name: string}
  WorkerPools: Array<{Id: string; Name: string}>
  /** `passed`, `not configured` (no worker convention), or `overridden` (--force past a broken one, with its problem). */
  NamingConvention: {Status: 'passed' | 'not configured' | 'overridden'; Problem?: string}
  /** The worker of the same name that --force provisions over, if any. */
  Replaces: {Id: string; Thumbprint: string | null} | null
  Wait?: ProvisionWait
}

export interface ProvisionDeps {
  config: () => Promise<PolicyConfig>
}

export interface ProvisionWaitOptions {
  timeoutMs: number
  intervalMs?: number
  /** How long after a health check that left the worker unavailable another is started. */
  recheckMs?: number
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  onProgress?: (missing: string[], elapsedMs: number) => void
  onHealthCheck?: (task: TaskResource, worker: WorkerResource) => void
}

/** A pool as the Tentacle and the chart are told it: its name, or its ID when the name holds a comma (both split lists on commas). */
function poolReference(pool: WorkerPoolResource): string {
  return pool.Name.includes(',') ? pool.Id : pool.Name
}

export async function planProvision(space: SpaceContext, request: ProvisionRequest, deps: ProvisionDeps): Promise<ProvisionResult> {
  const name = request.name.trim()
  if (name === '' || name !== request.name || [...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    throw usageError(`Worker name ${JSON.stringify(request.name)} is not a usable name: it must be non-empty, without leading or trailing spaces or control characters.`)
  }
  const convention = (await deps.config()).conventions.worker
  const check = convention ? checkName(convention, name) : undefined
  if (check && !check.ok && !request.force) {
    throw usageError(`Worker name '${name}' breaks the naming convention: ${check.problems[0]}.`, {
      code: 'naming-convention',
      hint: 'Choose a name that follows conventions.worker in .octoworkers.yaml, or pass --force to provision it anyway.',
    })
  }
  const [allPools, workers] = await Promise.all([listWorkerPools(space), listWorkers(space)])
  const pools = findAllByNameOrId(allPools, request.poolInputs, 'worker pool')
  const dynamic = pools.filter((p) => isDynamicPool(p))
  if (dynamic.length > 0) {
    throw usageError(`${dynamic.map((p) => `'${p.Name}'`).join(', ')} ${dynamic.length === 1 ? 'is a dynamic pool' : 'are dynamic pools'}: Octopus provides their workers, none can register into ${dynamic.length === 1 ? 'it' : 'them'}.`, {
      hint: 'Name a static pool.',
    })
  }
  const existing = workers.find((w) => w.Name.toLowerCase() === name.toLowerCase())
  if (existing && !request.force) {
    throw unsafeError(`A worker named '${existing.Name}' is already registered (${existing.Id}): the Docker image registers with --force and would replace its registration, and --wait would find the old one.`, {
      code: 'already-registered',
      hint: 'Choose another name, or pass --force to provision over it.',
    })
  }
  const serverUrl = space.client.server.replace(/\/+$/, '')
  const plan = provisionPlan({
    kind: request.kind, name, polling: request.polling, serverUrl, spaceName: space.space.Name,
    poolReferences: pools.map(poolReference), pollingAddress: pollingAddress(serverUrl),
  })
  return {
    Name: name,
    ServerUrl: serverUrl,
    Space: {Id: space.space.Id, Name: space.space.Name},
    WorkerPools: pools.map((p) => ({Id: p.Id, Name: p.Name})),
    NamingConvention: !check ? {Status: 'not configured'} : check.ok ? {Status: 'passed'} : {Status: 'overridden', Problem: check.problems[0]},
    Replaces: existing ? {Id: existing.Id, Thumbprint: existing.Endpoint?.Thumbprint ?? null} : null,
    ...plan,
  }
}

/**
 * Polls the space's workers until the provisioned one is ready, or the time is up (then Ready is
 * false and Missing says what was not there). A registered worker whose health is not known is
 * checked (one Health task of it), and checked again `recheckMs` after a check left it
 * unavailable: a Tentacle registers before its service starts.
 */
export async function waitForProvisionedWorker(space: SpaceContext, result: ProvisionResult, opts: ProvisionWaitOptions): Promise<ProvisionWait> {
  const now = opts.now ?? (() => Date.now())
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const interval = opts.intervalMs ?? 1000
  const recheck = opts.recheckMs ?? 30_000
  const started = now()
  const healthTaskIds: string[] = []
  let running: TaskResource | undefined
  let lastCheckEnded: number | undefined
  const lower = result.Name.toLowerCase()
  for (;;) {
    const [workers, pools] = await Promise.all([listWorkers(space), listWorkerPools(space)])
    const worker = workers.find((w) => w.Name.toLowerCase() === lower)
    const missing = provisionMissing(worker, result.WorkerPools, result.Replaces ?? undefined)
    const elapsed = now() - started
    const done = (ready: boolean): ProvisionWait => ({Ready: ready, Missing: missing, Worker: worker ? withPoolNames(worker, poolNames(pools)) : null, HealthTaskIds: healthTaskIds, WaitedMs: elapsed})
    if (missing.length === 0) return done(true)
    opts.onProgress?.(missing, elapsed)
    if (running) {
      running = await getTask(space, running.Id)
      if (isTaskFinished(running)) {
        running = undefined
        lastCheckEnded = now()
        continue
      }
    }
    const checkable = worker && !worker.IsDisabled && missing.every((m) => m.startsWith('health '))
    if (worker && checkable && !running && (lastCheckEnded === undefined || now() - lastCheckEnded >= recheck)) {
      running = await createTask(space, healthTaskBody({workers: [worker], skipped: [], workersNamed: true, pools: []}))
      healthTaskIds.push(running.Id)
      opts.onHealthCheck?.(running, worker)
    }
    if (elapsed >= opts.timeoutMs) return done(false)
    await sleep(Math.min(interval, Math.max(0, opts.timeoutMs - elapsed)))
  }
}
