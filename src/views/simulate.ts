/** The progress lines of `sandbox simulate` (stderr). */
import type {SimulationStatus} from '../app/simulate.js'
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
