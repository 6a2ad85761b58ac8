/**
 * Lookups over a snapshot that several rules and `builtin-worker` share. What kind a pool is and
 * whether a worker is available are rules of their own, in src/domain (pools.ts, availability.ts).
 */
import {upperCased} from '../../text/case.js'
import type {PoolFacts, SpaceSnapshot, WorkerFacts} from './types.js'

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
  return value ? upperCased(value.trim()) : undefined
}
