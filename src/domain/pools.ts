/**
 * What kind of pool a worker pool is: the one place that reads `WorkerPoolType`.
 *
 * Octopus has two kinds (`WorkerPoolType`: `StaticWorkerPool` | `DynamicWorkerPool`, the
 * WorkerPoolResource of the Octopus REST API, e.g. the 2021.2 swagger document and
 * OctopusClients' `Model/WorkerPoolResource.cs`). A static pool holds the workers you register;
 * a dynamic pool takes none: Octopus Cloud leases it a VM on demand (Octopus docs,
 * infrastructure/workers/dynamic-worker-pools). Servers older than dynamic pools omit the field,
 * which therefore means static.
 */
import type {WorkerPoolTypeName} from '../octopus/types.js'

/** The one field these facts read; any pool document, summary or test fixture has it. */
export interface PoolKindFacts {
  WorkerPoolType?: string | null
}

const DYNAMIC: WorkerPoolTypeName = 'DynamicWorkerPool'
const STATIC: WorkerPoolTypeName = 'StaticWorkerPool'

/** Dynamic pools take no registered workers: Octopus provides theirs. */
export function isDynamicPool(pool: PoolKindFacts): boolean {
  return pool.WorkerPoolType === DYNAMIC
}

/** Static pools run steps only on the workers registered in them (a missing type means static). */
export function isStaticPool(pool: PoolKindFacts): boolean {
  return !isDynamicPool(pool)
}

/** The pool's type as Octopus spells it, a missing type read as `StaticWorkerPool` (what JSON output shows). */
export function workerPoolTypeOf(pool: PoolKindFacts): string {
  return pool.WorkerPoolType ?? STATIC
}

/** The two pool types as `--type` names them. */
export type PoolTypeFlag = 'static' | 'dynamic'

export const POOL_TYPE_FLAGS: PoolTypeFlag[] = ['static', 'dynamic']

export function poolTypeName(type: PoolTypeFlag): WorkerPoolTypeName {
  return type === 'dynamic' ? DYNAMIC : STATIC
}

export function poolTypeFlag(typeName: string | null | undefined): PoolTypeFlag {
  return isDynamicPool({WorkerPoolType: typeName}) ? 'dynamic' : 'static'
}
