/**
 * Small facts about pools and workers that several rules and `builtin-worker` share. Whether a
 * worker is available (would be leased) is not among them: that is src/lib/workers/availability.ts.
 */
import type {PoolFacts, SpaceSnapshot, WorkerFacts} from './types.js'

/** Dynamic pools take no registered workers; older servers omit WorkerPoolType, which means static. */
export function isDynamicPool(pool: {WorkerPoolType?: string | null}): boolean {
  return pool.WorkerPoolType === 'DynamicWorkerPool'
}

export function isStaticPool(pool: PoolFacts): boolean {
  return !isDynamicPool(pool)
}

/**
 * The workers of one pool. Rules ask this for every pool of a space, so the space's workers are
 * indexed by pool once (keyed on the workers array: a snapshot is not changed once read) instead
 * of being scanned for each pool (200 pools x 2,000 workers, several times over).
 */
export function workersOf(space: SpaceSnapshot, poolId: string): readonly WorkerFacts[] {
  let byPool = workersByPool.get(space.workers)
  if (!byPool) {
    byPool = new Map()
    for (const worker of space.workers) {
      for (const id of new Set(worker.WorkerPoolIds ?? [])) {
        const members = byPool.get(id)
        if (members) members.push(worker)
        else byPool.set(id, [worker])
      }
    }
    workersByPool.set(space.workers, byPool)
  }
  return byPool.get(poolId) ?? []
}
const workersByPool = new WeakMap<readonly WorkerFacts[], Map<string, WorkerFacts[]>>()

export function defaultPool(space: SpaceSnapshot): PoolFacts | undefined {
  return space.pools.find((p) => p.IsDefault)
}

/** The Tentacle certificate thumbprint of a worker or target, upper-cased; undefined for SSH and cloud targets. */
export function thumbprintOf(machine: {Thumbprint?: string | null; Endpoint?: {Thumbprint?: string | null; TentacleEndpointConfiguration?: {Thumbprint?: string | null} | null} | null}): string | undefined {
  const value = machine.Endpoint?.Thumbprint ?? machine.Endpoint?.TentacleEndpointConfiguration?.Thumbprint ?? machine.Thumbprint
  return value ? value.trim().toUpperCase() : undefined
}
