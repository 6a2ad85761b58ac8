/**
 * The one definition of an *available* worker, used wherever the tool counts workers that can take
 * work: a worker Octopus would lease is enabled and Healthy or HasWarnings. Octopus leases "a
 * healthy worker from the selected pool"; it counts HasWarnings as healthy for targets, and its own
 * usage script counts Healthy + HasWarnings workers as active. Unhealthy, Unavailable and
 * never-checked Unknown workers are not counted (whether Octopus leases Unknown ones is not
 * confirmed, so the safe reading is taken: a floor never relies on them).
 */

/** The fields availability depends on; any worker document (or test fixture) has them. */
export interface AvailabilityFacts {
  IsDisabled?: boolean | null
  HealthStatus?: string | null
}

/**
 * The health statuses Octopus reports for a worker, in the order counts show them (the leasable
 * ones first). A worker with no or an unheard-of status has never been checked: Unknown.
 */
export const HEALTH_STATUSES = ['Healthy', 'HasWarnings', 'Unhealthy', 'Unavailable', 'Unknown'] as const
export type HealthStatusName = (typeof HEALTH_STATUSES)[number]

export const LEASABLE_HEALTH_STATUSES: readonly string[] = ['Healthy', 'HasWarnings']

export function isAvailable(worker: AvailabilityFacts): boolean {
  return worker.IsDisabled !== true && LEASABLE_HEALTH_STATUSES.includes(worker.HealthStatus ?? 'Unknown')
}

/** Why a worker is not available, in the words tables use: `disabled`, or its health status. */
export function unavailableReason(worker: AvailabilityFacts): string | undefined {
  if (isAvailable(worker)) return undefined
  return worker.IsDisabled === true ? 'disabled' : (worker.HealthStatus ?? 'Unknown')
}

export function countAvailable(workers: readonly AvailabilityFacts[]): number {
  return workers.filter(isAvailable).length
}
