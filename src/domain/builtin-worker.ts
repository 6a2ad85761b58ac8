/**
 * When a step runs on the built-in worker (Calamari started by the Octopus Server itself), and
 * when a pool's steps fail for lack of a worker. The one statement of these rules: `builtin-worker
 * status` and `disable`, `check` (builtin/in-use, usage/pool-without-workers,
 * redundancy/min-workers), `pool usage` (each row's BuiltInWorker) and `pool create`'s warning
 * all ask here.
 *
 * What Octopus documents (OctopusDeploy/docs, src/pages/docs/infrastructure/workers/):
 * - worker-pools.md, "How the worker is selected": Octopus picks "a healthy worker from the
 *   selected pool", or "the built-in worker, if the step resolves to the default pool, but there
 *   are no workers in the default pool. Note, if there are unhealthy workers in the pool, the
 *   built-in worker will not run. It will only run if there are no workers in the pool." Other
 *   pools never fall back to it. The step "will fail for lack of a worker" if it "resolves to the
 *   built-in worker but it has been disabled", or if "there are no healthy workers in the pool".
 * - built-in-worker.md: it "will also not be used if any workers are added to the default worker
 *   pool, but, unless it is switched off, Octopus will revert to using the built-in worker if all
 *   workers are later removed from the default pool". The switch is Configuration > Features,
 *   `IsBuiltInWorkerEnabled` of /api/featuresconfiguration, server-wide.
 * - The REST API's WorkerPoolResource.IsDefault: "The default pool, if empty, uses the builtin
 *   worker to run steps."
 * - Dynamic pools hold no registered workers (Octopus Cloud leases them a VM on demand:
 *   dynamic-worker-pools.md), so they never count as empty and never fall back.
 * - Octopus Cloud disables the built-in worker and gives each space dynamic pools
 *   (src/pages/docs/getting-started/best-practices/worker-configuration.md). Nothing in the API
 *   says "this is Cloud", so these rules read the switch and the pool, never the hosting: on Cloud
 *   the switch reads off, or (what Cloud's features document says is not confirmed) the default
 *   pool is dynamic; either way no step is said to run on the built-in worker, unless a Cloud
 *   space's default pool is a static one with no workers and the switch reads on.
 */
import {isStaticPool, type PoolKindFacts} from './pools.js'

/** The facts of a pool these rules read. */
export interface BuiltinPoolFacts extends PoolKindFacts {
  IsDefault: boolean
}

/**
 * Whether Octopus would hand the pool's steps to the built-in worker while it is switched on:
 * the space's default pool, static, with no worker registered in it in any state (an unhealthy
 * or disabled worker still blocks the fallback).
 */
export function fallsBackToBuiltinWorker(pool: BuiltinPoolFacts, registeredWorkers: number): boolean {
  return pool.IsDefault && isStaticPool(pool) && registeredWorkers === 0
}

/**
 * Whether the pool's steps run on the built-in worker: it falls back and the feature is on. The
 * caller says how it reads a switch it could not read (reading the features document needs an
 * administrator), since a warning and a failure call for opposite safe readings.
 */
export function runsOnBuiltinWorker(pool: BuiltinPoolFacts, registeredWorkers: number, builtInWorkerEnabled: boolean): boolean {
  return builtInWorkerEnabled && fallsBackToBuiltinWorker(pool, registeredWorkers)
}

/**
 * Whether the pool has no worker of its own that Octopus would lease, so its steps need the
 * built-in worker (and fail without it): a static pool with no available worker. A dynamic pool
 * always has one (Octopus provides it).
 */
export function lacksOwnWorker(pool: PoolKindFacts, availableWorkers: number): boolean {
  return isStaticPool(pool) && availableWorkers === 0
}

/**
 * Whether steps that run on the pool fail for lack of a worker: the pool has no available worker
 * of its own, and they do not run on the built-in worker (not the empty default pool, or the
 * feature is off).
 */
export function failsForLackOfWorker(pool: BuiltinPoolFacts, workers: {registered: number; available: number}, builtInWorkerEnabled: boolean): boolean {
  return lacksOwnWorker(pool, workers.available) && !runsOnBuiltinWorker(pool, workers.registered, builtInWorkerEnabled)
}
