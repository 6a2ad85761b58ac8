/**
 * `worker drain` end to end against a server: resolve, check the floor, disable, wait for leases.
 * The decisions live in floor.ts and drain.ts (pure, unit-tested); this file does the requests.
 */
import type {SpaceContext} from '../octopus/client.js'
import {updateWorker} from '../octopus/repositories.js'
import type {WorkerPoolResource, WorkerResource} from '../octopus/types.js'
import {minWorkersFor} from '../policy/rules/redundancy.js'
import type {PolicyConfig} from '../policy/config.js'
import {chooseSourceKind, createLeaseSource} from '../leases/sources.js'
import type {SourceKind} from '../leases/types.js'
import {selectWorkers} from '../workers/bulk.js'
import {floorViolations, poolFloors, type FloorPool, type PoolFloor} from './floor.js'
import {waitUntilDrained, watchLeases, type DrainResult, type DrainTarget, type LeaseWatch, type WorkerDrainStatus} from './drain.js'

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
}

/** Disables the targets, then waits until none holds a lease (or the timeout, or the signal). */
export async function drainWorkers(space: SpaceContext, targets: WorkerResource[], opts: DrainRunOptions): Promise<DrainResult & {Source: SourceKind}> {
  const disabled = await disableTargets(space, targets)
  const {watch, kind} = await openLeaseWatch(space, opts.debug)
  opts.onDisabled?.(disabled, kind)
  const result = await waitUntilDrained({watch, targets: disabled, timeoutMs: opts.timeoutMs, intervalMs: opts.intervalMs ?? 1000, signal: opts.signal, onProgress: opts.onProgress})
  return {...result, Source: kind}
}
