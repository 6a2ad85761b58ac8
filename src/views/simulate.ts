/** The progress lines of `sandbox simulate` (stderr). */
import type {SimulationResult, SimulationStatus} from '../app/simulate.js'
import {plural} from '../text/wording.js'
import {safe} from '../ui/safe.js'

/** `req`: the counts the command asked for. */
export function simulationStartedLine(status: SimulationStatus, req: {tasks: number; concurrency: number}, spaceName: string): string {
  return safe`Simulation ${status.Id}: ${req.tasks} deployments, ${req.concurrency} at a time, in ${spaceName}.`
}

export function simulationProgressLine(status: SimulationStatus, req: {tasks: number}): string {
  return `  ${status.TasksCompleted + status.TasksFailed + status.TasksCanceled}/${req.tasks} done, ${status.TasksFailed} failed`
}

/** The line `sandbox simulate` leaves after Ctrl-C canceled its simulation. */
export function canceledLine(status: SimulationStatus): string {
  const unfinished = status.TasksCanceled
  return `Interrupted: simulation ${status.Id} canceled; ${unfinished} of its ${status.Tasks} deployments had not finished and were canceled (${status.TasksCompleted} succeeded, ${status.TasksFailed} failed).`
}

/**
 * The closing summary: the outcome, then how the leases followed Octopus's rule (each to a worker
 * with the fewest active leases), and why the spread between workers can still exceed one.
 */
export function simulationSummaryLines(result: SimulationResult): string[] {
  const lines = [`${result.TasksCompleted} succeeded, ${result.TasksFailed} failed, ${result.TasksCanceled} canceled of ${result.Tasks}; ${plural(result.LeasesGranted, 'lease')}.`]
  if (result.LeasesGranted > 0) {
    const rule = result.GrantsToLeastLeased === result.LeasesGranted ? `every lease went to a worker with the fewest active leases in its pool (${result.GrantsToLeastLeased} of ${result.LeasesGranted})` : `${result.GrantsToLeastLeased} of ${result.LeasesGranted} leases went to a worker with the fewest active leases in its pool`
    lines.push(`Balance: ${rule}. A pool's workers differed by up to ${plural(result.MaxLeaseSpread, 'active lease')} at a grant: leases end at different times, so one worker can finish several while another still runs its own.`)
  }
  return lines
}

/** Why the first failed deployments failed, from their logs (stderr). */
export function simulationFailureLines(result: SimulationResult): string[] {
  if (result.TasksFailed === 0) return []
  const lines = result.Failures.map((f) => safe`${f.TaskId} failed${f.Step ? ` at '${f.Step}'` : ''}: ${f.Reason}`)
  const unread = result.TasksFailed - result.Failures.length
  if (unread > 0) lines.push(`${plural(unread, 'other failed deployment')} not shown (${result.FirstTaskId} to ${result.LastTaskId}).`)
  return lines
}
