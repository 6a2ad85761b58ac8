/**
 * `worker drain` end to end against a server: resolve, check the floor, disable, wait for leases.
 * The decisions live in floor.ts and drain.ts (pure, unit-tested); this file does the requests.
 */
import {CliError, ExitCode, type ExitCodeValue} from '../errors.js'
import type {SpaceContext} from '../octopus/client.js'
import {listWorkerPools, listWorkers, updateWorker} from '../octopus/repositories.js'
import type {WorkerPoolResource, WorkerResource} from '../octopus/types.js'
import {minWorkersFor} from '../policy/rules/redundancy.js'
import type {PolicyConfig} from '../policy/config.js'
import {chooseSourceKind, createLeaseSource} from '../leases/sources.js'
import type {SourceKind} from '../leases/types.js'
import {selectWorkers} from '../workers/bulk.js'
import {floorRefusal, floorViolations, poolFloors, type FloorPool, type PoolFloor} from './floor.js'
import {readTaskEnds} from '../leases/stale.js'
import {progressLine, staleLeaseLine, unfinishedSummary, waitUntilDrained, watchLeases, type DrainResult, type DrainTarget, type LeaseWatch, type StaleLease, type WorkerDrainStatus} from './drain.js'
import {floorLines, progressThrottle} from './render.js'

/** The floor of a pool: --keep-healthy N for every pool, else `.octoworkers.yaml`'s minWorkers (per-pool overrides first). */
export function floorFunction(keepHealthy: number | undefined, config: PolicyConfig): (pool: FloorPool) => number {
  if (keepHealthy !== undefined) return () => keepHealthy
  return (pool) => minWorkersFor(config, {Id: pool.Id, Name: pool.Name, IsDefault: false, WorkerPoolType: pool.WorkerPoolType})
}

export interface DrainPlan {
  targets: WorkerResource[]
  floors: PoolFloor[]
  violations: PoolFloor[]
}

/** Resolves names and --pool (every name first: exit 4 lists the unknown ones), then the floors. */
export function planDrain(opts: {workers: WorkerResource[]; pools: WorkerPoolResource[]; names: string[]; poolInputs: string[]; floorOf: (pool: FloorPool) => number}): DrainPlan {
  const targets = selectWorkers({workers: opts.workers, names: opts.names, pools: opts.pools, poolInputs: opts.poolInputs})
  const floors = poolFloors({pools: opts.pools, workers: opts.workers, out: targets.map((w) => w.Id), floorOf: opts.floorOf})
  return {targets, floors, violations: floorViolations(floors)}
}

/** Disables each enabled target (a PUT of its whole document); already-disabled ones are left alone. */
export async function disableTargets(space: SpaceContext, targets: WorkerResource[]): Promise<DrainTarget[]> {
  const out: DrainTarget[] = []
  for (const worker of targets) {
    const wasEnabled = !worker.IsDisabled
    if (wasEnabled) await updateWorker(space, {...worker, IsDisabled: true})
    out.push({Id: worker.Id, Name: worker.Name, WasEnabled: wasEnabled})
  }
  return out
}

/** The lease API where the server has it (one probe), else executing tasks' logs. */
export async function openLeaseWatch(space: SpaceContext, debug?: (line: string) => void): Promise<{watch: LeaseWatch; kind: SourceKind}> {
  // Which leases are active NOW is exactly what the lease API answers; the logs' reconciliation
  // (leases that came and went between polls) adds log reads and nothing a drain waits on.
  const chosen = await chooseSourceKind(space, 'auto', debug)
  const kind = chosen === 'api+logs' ? 'api' : chosen
  return {watch: watchLeases(createLeaseSource(kind, space)), kind}
}

export interface DrainRunOptions {
  timeoutMs: number
  intervalMs?: number
  signal?: AbortSignal
  debug?: (line: string) => void
  onProgress?: (waiting: WorkerDrainStatus[], elapsedMs: number) => void
  /** Called once the workers are disabled, before waiting (so an interrupt knows what to undo). */
  onDisabled?: (targets: DrainTarget[], source: SourceKind) => void
  /** Called once per lease whose task has finished (stale: not waited on). */
  onStale?: (worker: WorkerDrainStatus, lease: StaleLease) => void
}

/** Disables the targets, then waits until none holds a lease (or the timeout, or the signal). */
export async function drainWorkers(space: SpaceContext, targets: WorkerResource[], opts: DrainRunOptions): Promise<DrainResult & {Source: SourceKind}> {
  const disabled = await disableTargets(space, targets)
  const {watch, kind} = await openLeaseWatch(space, opts.debug)
  opts.onDisabled?.(disabled, kind)
  const result = await waitUntilDrained({
    watch, targets: disabled, timeoutMs: opts.timeoutMs, intervalMs: opts.intervalMs ?? 1000, signal: opts.signal, onProgress: opts.onProgress,
    taskEnds: (ids) => readTaskEnds(space, ids), onStale: opts.onStale,
  })
  return {...result, Source: kind}
}

/** What `worker drain` was asked, already parsed by its flags. */
export interface WorkerDrainRequest {
  names: string[]
  poolInputs: string[]
  /** --keep-healthy (0 with --force); undefined: the config's minWorkers. */
  keepHealthy?: number
  timeoutMs: number
  /** -y: no confirmation asked. */
  yes: boolean
}

export interface WorkerDrainDeps {
  connect: () => Promise<SpaceContext>
  config: () => Promise<PolicyConfig>
  /** Asked once the plan is shown (not with -y); false changes nothing (exit 2). */
  confirm: (question: string) => Promise<boolean>
  /** The plan, progress and, after a wait that did not finish, the way back: stderr, --json or not. */
  note: (line: string) => void
  /** Called just before the first change: from then on an interrupt stops the wait instead of the process. */
  startWaiting: () => AbortSignal
  debug?: (line: string) => void
  bin: string
}

/** The typed result of `worker drain`: the wait's outcome and the floors it kept. */
export interface WorkerDrainResult {
  drain: DrainResult & {Source: SourceKind}
  floors: PoolFloor[]
}

/**
 * `worker drain` from parsed flags to outcome: resolve, check the floor (exit 5, nothing
 * changed), show the plan and confirm, disable, wait for leases. Exit codes follow the outcome
 * (`drainExitCode`).
 */
export async function runWorkerDrain(request: WorkerDrainRequest, deps: WorkerDrainDeps): Promise<WorkerDrainResult> {
  const config = await deps.config()
  const space = await deps.connect()
  const [workers, pools] = await Promise.all([listWorkers(space), listWorkerPools(space)])
  const plan = planDrain({workers, pools, names: request.names, poolInputs: request.poolInputs, floorOf: floorFunction(request.keepHealthy, config)})
  if (plan.targets.length === 0) throw new CliError('Nothing to drain: the pool has no workers.', ExitCode.Failure, {code: 'nothing-to-drain'})
  if (plan.violations.length > 0) throw floorRefusal(plan.violations, {verb: 'draining', override: 'Pass --keep-healthy with a lower number, or --force, to drain anyway.'})
  deps.note(`Drain ${plan.targets.length} worker${plan.targets.length === 1 ? '' : 's'}: ${plan.targets.map((w) => `'${w.Name}'${w.IsDisabled ? ' (already disabled)' : ''}`).join(', ')}.`)
  for (const line of floorLines(plan.floors)) deps.note(line)
  if (!request.yes && !(await deps.confirm('Disable them and wait for their leases to end?'))) throw new CliError('Not confirmed; nothing was changed.', ExitCode.Usage)

  const shouldReport = progressThrottle()
  const drain = await drainWorkers(space, plan.targets, {
    timeoutMs: request.timeoutMs,
    signal: deps.startWaiting(),
    debug: deps.debug,
    onDisabled: (targets, source) => {
      const disabled = targets.filter((t) => t.WasEnabled).length
      const already = targets.length - disabled
      deps.note(`Disabled ${disabled} worker${disabled === 1 ? '' : 's'}${already ? ` (${already} already disabled)` : ''}; waiting for ${targets.length === 1 ? 'its' : 'their'} leases to end (watching ${describeSource(source)}).`)
    },
    onStale: (worker, lease) => deps.note(staleLeaseLine(worker, lease)),
    onProgress: (waiting, elapsed) => {
      if (waiting.length > 0 && shouldReport(waiting.map((w) => `${w.Id}:${w.Leases.length}`).join(','))) deps.note(progressLine(waiting, elapsed))
    },
  })
  if (drain.Outcome !== 'drained') for (const line of unfinishedSummary(drain, {bin: deps.bin, spaceName: space.space.Name, timeoutMs: request.timeoutMs})) deps.note(line)
  return {drain, floors: plan.floors}
}

/** 0 when drained; 130 when interrupted; 1 on timeout (the workers stay disabled). */
export function drainExitCode(result: WorkerDrainResult): ExitCodeValue {
  if (result.drain.Outcome === 'drained') return ExitCode.Success
  return result.drain.Outcome === 'interrupted' ? ExitCode.Interrupted : ExitCode.Failure
}

/** Where a drain learns of leases, in words (the lease API is reconciled with task logs where it exists). */
export function describeSource(source: SourceKind): string {
  switch (source) {
    case 'api': return 'the lease API'
    case 'api+logs': return 'the lease API and task logs'
    case 'logs': return 'executing tasks\' logs'
  }
}
