/**
 * When `leases report` recommends a change to a pool or worker. Set under `capacity:` in
 * `.octoworkers.yaml`; these are the defaults.
 */
export interface CapacityThresholds {
  /** Add a worker to a pool whose every available worker held a lease at least this long (ms) in the window. */
  allBusyMs: number
  /** A pool with at least 2 available workers that sat idle at least this share of the window (0–1) could lose one. */
  idleShare: number
  /** Name a worker whose steps waited at least this long (ms) on another script's mutex on it. */
  mutexWaitMs: number
  /** Add a worker to a pool whose steps waited at least this long (ms) in all for one of its workers. */
  leaseWaitMs: number
}

export const DEFAULT_CAPACITY_THRESHOLDS: CapacityThresholds = {allBusyMs: 30 * 60_000, idleShare: 0.95, mutexWaitMs: 10 * 60_000, leaseWaitMs: 10 * 60_000}
