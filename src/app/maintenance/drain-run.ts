/**
 * `worker drain` end to end against a server: resolve, check the floor, disable, wait for leases.
 * The decisions live in floor.ts and drain.ts (pure, unit-tested); the floor's re-checks around
 * the writes (after the prompt, after disabling) are guard.ts's; this file does the requests.
 */
import {CliError, ExitCode, type ExitCodeValue} from '../../text/errors.js'
import type {SpaceContext} from '../../octopus/client.js'
import {listWorkerPools, listWorkers} from '../../octopus/repositories.js'
import type {WorkerPoolResource, WorkerResource} from '../../octopus/types.js'
import type {PolicyConfig} from '../../config/octoworkers-yaml/load.js'
import {floorFunction} from '../../domain/floor.js'
import {chooseSourceKind, createLeaseSource} from '../leases/sources.js'
import type {SourceKind} from '../../domain/leases/types.js'
import {selectWorkers} from '../workers/bulk.js'
import {floorRefusal, floorViolations, poolFloors, type FloorPool, type PoolFloor} from '../../domain/pool-floors.js'
import {readTaskEnds} from '../leases/stale.js'
import {waitUntilDrained, watchLeases, type DrainResult, type DrainTarget, type DrainWaitEvent, type LeaseWatch, type StaleLease, type WorkerDrainStatus} from './drain.js'
import {disableChange, recheckAfterPrompt, verifyFloorsAfterWrite, writeChange, type AppliedChange} from './guard.js'
import {progressThrottle} from '../../text/throttle.js'

/** The refusal's override, as `worker drain` words it. */
export const DRAIN_OVERRIDE = 'Pass --keep-healthy with a lower number, or --force, to drain anyway.'

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

/**
 * Disables each enabled target, each read just before its PUT so that only IsDisabled changes on
 * the document as it is now (another admin's change made since the plan was read is kept).
 * Already-disabled ones are left alone.
 */
export async function disableTargets(space: SpaceContext, targets: WorkerResource[]): Promise<{targets: DrainTarget[]; applied: AppliedChange[]}> {
  const out: DrainTarget[] = []
  const applied: AppliedChange[] = []
  for (const worker of targets) {
    const change = await writeChange(space, worker.Id, disableChange)
    if (change) applied.push(change)
    out.push({Id: worker.Id, Name: worker.Name, WasEnabled: change !== undefined})
  }
  return {targets: out, applied}
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
  /**
   * The floor to verify once the workers are disabled (guard.ts, step 4): a pool below it then
   * means another change ran meanwhile, and the drain puts its workers back and refuses (exit 5).
   */
  verifyFloor?: {floorOf: (pool: FloorPool) => number; bin: string}
}

/** Disables the targets, then waits until none holds a lease (or the timeout, or the signal). */
export async function drainWorkers(space: SpaceContext, targets: WorkerResource[], opts: DrainRunOptions): Promise<DrainResult & {Source: SourceKind}> {
  const {targets: disabled, applied} = await disableTargets(space, targets)
  if (opts.verifyFloor) await verifyFloorsAfterWrite(space, {applied, change: disableChange, ...opts.verifyFloor})
  const {watch, kind} = await openLeaseWatch(space, opts.debug)
  opts.onDisabled?.(disabled, kind)
  const result = await waitUntilDrained({
    watch, targets: disabled, timeoutMs: opts.timeoutMs, intervalMs: opts.intervalMs ?? 1000, signal: opts.signal, onProgress: opts.onProgress,
    taskEnds: (ids) => readTaskEnds(space, ids), onStale: opts.onStale,
  })
  return {...result, Source: kind}
}

/**
 * Before a drain says "drained": the workers read again. One that another change enabled during
 * the wait can be leased again, so it is reported as such (`re-enabled`), not as drained.
 */
export async function confirmStillDisabled(space: SpaceContext, result: DrainResult & {Source: SourceKind}): Promise<DrainResult & {Source: SourceKind}> {
  if (result.Outcome !== 'drained') return result
  const now = new Map((await listWorkers(space)).map((w) => [w.Id, w]))
  const workers = result.Workers.map((s) => (now.get(s.Id)?.IsDisabled === false ? {...s, Outcome: 're-enabled' as const} : s))
  return {...result, Workers: workers, Outcome: workers.some((w) => w.Outcome === 're-enabled') ? 're-enabled' : 'drained'}
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
  /** Asked once the plan is shown (not with -y): throws to stop (nothing changed). */
  confirm: (targets: WorkerResource[]) => Promise<void>
  /** The plan, progress and, after a wait that did not finish, what is left: stderr, --json or not. */
  progress: (event: WorkerDrainEvent) => void
  /** Each affected pool's floor, shown with the plan before asking. */
  showFloors: (floors: PoolFloor[]) => void
  /** Called just before the first change: from then on an interrupt stops the wait instead of the process. */
  startWaiting: () => AbortSignal
  debug?: (line: string) => void
  bin: string
}

/** What `worker drain` reports as it goes (src/views/maintenance-progress.ts words it). */
export type WorkerDrainEvent =
  /** The workers to drain, before asking. */
  | {kind: 'plan'; targets: WorkerResource[]}
  /** The workers are disabled; the wait for their leases begins. */
  | {kind: 'disabled'; targets: DrainTarget[]; source: SourceKind}
  | DrainWaitEvent
  /** The wait ended with no lease left, but another change enabled some of the workers meanwhile. */
  | {kind: 're-enabled'; result: DrainResult}
  /** The wait timed out or was stopped: the workers stay disabled. */
  | {kind: 'unfinished'; result: DrainResult; spaceName: string; timeoutMs: number}

/** The typed result of `worker drain`: the wait's outcome and the floors it kept. */
export interface WorkerDrainResult {
  drain: DrainResult & {Source: SourceKind}
  floors: PoolFloor[]
}

/**
 * `worker drain` from parsed flags to outcome: resolve, check the floor (exit 5, nothing
 * changed), show the plan and confirm (then check the floor again), disable (read-merge-write),
 * verify the floor on a fresh read (exit 5 after putting the workers back when another change ran
 * meanwhile), wait for leases, and check the workers are still disabled. Exit codes follow the
 * outcome (`drainExitCode`).
 */
export async function runWorkerDrain(request: WorkerDrainRequest, deps: WorkerDrainDeps): Promise<WorkerDrainResult> {
  const config = await deps.config()
  const space = await deps.connect()
  const floorOf = floorFunction(request.keepHealthy, config)
  const [workers, pools] = await Promise.all([listWorkers(space), listWorkerPools(space)])
  let plan = planDrain({workers, pools, names: request.names, poolInputs: request.poolInputs, floorOf})
  if (plan.targets.length === 0) throw new CliError('Nothing to drain: the pool has no workers.', ExitCode.Failure, {code: 'nothing-to-drain'})
  if (plan.violations.length > 0) throw floorRefusal(plan.violations, {verb: 'draining', override: DRAIN_OVERRIDE})
  deps.progress({kind: 'plan', targets: plan.targets})
  deps.showFloors(plan.floors)
  if (!request.yes) {
    await deps.confirm(plan.targets)
    // The prompt may have waited for minutes: the floor again, on what the server says now.
    const fresh = await recheckAfterPrompt(space, {targets: plan.targets, change: disableChange, floorOf, verb: 'draining', override: DRAIN_OVERRIDE})
    plan = {targets: fresh.targets, floors: fresh.floors, violations: fresh.violations}
  }

  const shouldReport = progressThrottle()
  const waited = await drainWorkers(space, plan.targets, {
    verifyFloor: {floorOf, bin: deps.bin},
    timeoutMs: request.timeoutMs,
    signal: deps.startWaiting(),
    debug: deps.debug,
    onDisabled: (targets, source) => deps.progress({kind: 'disabled', targets, source}),
    onStale: (worker, lease) => deps.progress({kind: 'stale-lease', worker, lease}),
    onProgress: (waiting, elapsedMs) => {
      if (waiting.length > 0 && shouldReport(waiting.map((w) => `${w.Id}:${w.Leases.length}`).join(','))) deps.progress({kind: 'waiting', waiting, elapsedMs})
    },
  })
  const drain = await confirmStillDisabled(space, waited)
  if (drain.Outcome === 're-enabled') deps.progress({kind: 're-enabled', result: drain})
  else if (drain.Outcome !== 'drained') deps.progress({kind: 'unfinished', result: drain, spaceName: space.space.Name, timeoutMs: request.timeoutMs})
  return {drain, floors: plan.floors}
}

/** 0 when drained; 130 when interrupted; 1 on timeout (the workers stay disabled) or when another change enabled a worker again. */
export function drainExitCode(result: WorkerDrainResult): ExitCodeValue {
  if (result.drain.Outcome === 'drained') return ExitCode.Success
  return result.drain.Outcome === 'interrupted' ? ExitCode.Interrupted : ExitCode.Failure
}
