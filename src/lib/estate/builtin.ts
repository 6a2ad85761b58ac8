/**
 * Whether the built-in worker is in use, and where switching it off would break steps. Pure: it
 * reads a snapshot. Octopus's rules (README §4.2): the built-in worker runs a step only when the
 * step resolves to the space's default pool, that pool is static and has no workers at all, and
 * the feature is on. Steps on the default pool fail without it when the pool has no healthy,
 * enabled worker.
 */
import {isAvailable} from '../../domain/availability.js'
import {defaultPool, workersOf} from './facts.js'
import {isDynamicPool, workerPoolTypeOf} from '../../domain/pools.js'
import type {SpaceSnapshot} from './types.js'

export interface BuiltinSpaceUsage {
  SpaceId: string
  SpaceName: string
  DefaultPoolId: string | null
  DefaultPoolName: string | null
  DefaultPoolType: string | null
  /** Workers registered in the default pool, in any state. */
  DefaultPoolWorkers: number
  /** Enabled workers in the default pool whose health is Healthy or HasWarnings. */
  DefaultPoolUsableWorkers: number
  /** The feature is on and the default pool is static and empty: steps run on the Octopus Server. */
  BuiltInWorkerInUse: boolean
  /** Steps on the default pool would find no worker if the built-in worker were off. */
  AtRiskIfDisabled: boolean
}

export function builtinUsage(space: SpaceSnapshot, builtInWorkerEnabled: boolean): BuiltinSpaceUsage {
  const pool = defaultPool(space)
  const dynamic = pool ? isDynamicPool(pool) : false
  const workers = pool ? workersOf(space, pool.Id) : []
  const usable = workers.filter(isAvailable).length
  return {
    SpaceId: space.space.Id,
    SpaceName: space.space.Name,
    DefaultPoolId: pool?.Id ?? null,
    DefaultPoolName: pool?.Name ?? null,
    DefaultPoolType: pool ? workerPoolTypeOf(pool) : null,
    DefaultPoolWorkers: workers.length,
    DefaultPoolUsableWorkers: usable,
    BuiltInWorkerInUse: builtInWorkerEnabled && !dynamic && pool !== undefined && workers.length === 0,
    // A dynamic default pool never falls back to the built-in worker, so switching it off changes nothing there.
    AtRiskIfDisabled: !dynamic && usable === 0,
  }
}

/** Spaces whose default pool has no healthy, enabled worker: disabling the built-in worker would break their steps. */
export function spacesAtRiskIfDisabled(spaces: SpaceSnapshot[]): BuiltinSpaceUsage[] {
  return spaces.map((s) => builtinUsage(s, true)).filter((u) => u.AtRiskIfDisabled)
}
