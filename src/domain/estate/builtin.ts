/**
 * Whether the built-in worker is in use, and where switching it off would break steps, space by
 * space. Pure: it reads a snapshot. The rules themselves are src/domain/builtin-worker.ts.
 */
import {isAvailable} from '../availability.js'
import {defaultPool, workersOf} from './facts.js'
import {workerPoolTypeOf} from '../pools.js'
import {lacksOwnWorker, runsOnBuiltinWorker} from '../builtin-worker.js'
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
    BuiltInWorkerInUse: pool !== undefined && runsOnBuiltinWorker(pool, workers.length, builtInWorkerEnabled),
    // A dynamic default pool never needs the built-in worker, so switching it off changes nothing
    // there. A space without a default pool (Octopus keeps one in every space) counts as at risk.
    AtRiskIfDisabled: pool ? lacksOwnWorker(pool, usable) : true,
  }
}

/** Spaces whose default pool has no healthy, enabled worker: disabling the built-in worker would break their steps. */
export function spacesAtRiskIfDisabled(spaces: SpaceSnapshot[]): BuiltinSpaceUsage[] {
  return spaces.map((s) => builtinUsage(s, true)).filter((u) => u.AtRiskIfDisabled)
}
