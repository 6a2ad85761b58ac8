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

export function workersOf(space: SpaceSnapshot, poolId: string): WorkerFacts[] {
  return space.workers.filter((w) => (w.WorkerPoolIds ?? []).includes(poolId))
}

export function defaultPool(space: SpaceSnapshot): PoolFacts | undefined {
  return space.pools.find((p) => p.IsDefault)
}

/** The Tentacle certificate thumbprint of a worker or target, upper-cased; undefined for SSH and cloud targets. */
export function thumbprintOf(machine: {Thumbprint?: string | null; Endpoint?: {Thumbprint?: string | null; TentacleEndpointConfiguration?: {Thumbprint?: string | null} | null} | null}): string | undefined {
  const value = machine.Endpoint?.Thumbprint ?? machine.Endpoint?.TentacleEndpointConfiguration?.Thumbprint ?? machine.Thumbprint
  return value ? value.trim().toUpperCase() : undefined
}
