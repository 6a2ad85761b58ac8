/** `sandbox simulate`: synthetic deployments on an octoworkers sandbox, and how it leased its workers. */
import {usageError} from '../text/errors.js'
import type {SpaceContext} from '../octopus/client.js'
import {findAllByNameOrId} from '../octopus/names.js'
import {listWorkerPools} from '../octopus/repositories.js'
import {jsonDocument} from '../octopus/response-shapes.js'
import {taskFailure, type TaskFailure} from '../domain/task-failure.js'
import {readTaskLog} from './leases/tasks.js'

/** The sandbox's simulation resource (GET /api/sandbox/simulations/{id}); also the --json document. */
export interface SimulationStatus {
  Id: string
  State: 'Running' | 'Completed' | 'Interrupted' | 'Canceled'
  Tasks: number
  TasksStarted: number
  TasksCompleted: number
  TasksFailed: number
  TasksCanceled: number
  LeasesGranted: number
  LeasesPerPool: Record<string, Record<string, number>>
  MaxLeaseSpread: number
  /** Grants that went to a worker with the fewest active leases in its pool (the leasing rule). */
  GrantsToLeastLeased: number
  /** The first failed tasks (a few), whose logs say why. */
  FailedTaskIds: string[]
  FirstTaskId: string | null
  LastTaskId: string | null
}

/** The --json document: the sandbox's simulation, with why its first failed tasks failed (from their logs). */
export interface SimulationResult extends SimulationStatus {
  Failures: TaskFailure[]
}

/** How many failed tasks' logs are read to say why they failed. */
const FAILURES_READ = 3

export interface SimulationRequest {
  tasks: number
  concurrency: number
  steps: number
  durationMs: DurationRange
  /** Pool names or IDs; undefined: every pool with a leasable worker (the sandbox chooses). */
  pools?: string[]
}

export interface DurationRange {
  min: number
  max: number
}

const MAX_STEP_MS = 3_600_000
const POLL_MS = 250
const PROGRESS_EVERY_MS = 2000

/** --duration-ms: MIN-MAX (or one number) in ms, at most an hour; else exit 2. */
export function parseDurationRange(value: string): DurationRange {
  const m = /^(\d+)(?:-(\d+))?$/.exec(value.trim())
  if (!m) throw usageError(`--duration-ms must be MIN-MAX in milliseconds (e.g. 200-1000), not '${value}'.`)
  const min = Number(m[1])
  const max = m[2] === undefined ? min : Number(m[2])
  if (max < min) throw usageError(`--duration-ms: MAX (${max}) is less than MIN (${min}).`)
  // Each step's duration ends in a timer in the sandbox; an hour is far beyond any useful simulation.
  if (max > MAX_STEP_MS) throw usageError(`--duration-ms must be from 0 to ${MAX_STEP_MS} ms (an hour), not '${value}'.`)
  return {min, max}
}

/** What a running simulation tells its caller: started (what Ctrl-C must cancel), and its progress every few seconds. */
export interface SimulationEvents {
  onStarted?: (status: SimulationStatus) => void
  onProgress?: (status: SimulationStatus) => void
}

/**
 * Checks that the server is a sandbox and the pools exist (nothing is started otherwise), starts
 * the simulation and polls it until it ends, reporting progress through `events`.
 */
export async function runSimulation(space: SpaceContext, req: SimulationRequest, events: SimulationEvents = {}): Promise<SimulationResult> {
  const client = space.client
  const probe = await client.request<unknown>('GET', '/api/sandbox/info', {allowStatus: [404, 405]})
  if (probe.status !== 200) {
    throw usageError(`${client.server} is Octopus ${client.version}, not an octoworkers sandbox: \`sandbox simulate\` works only against an octoworkers sandbox.`, {
      hint: 'Start one with `octoworkers sandbox start` and point --server (or OCTOPUS_URL) at it.',
      code: 'not-sandbox',
    })
  }
  const poolIds = req.pools?.length ? findAllByNameOrId(await listWorkerPools(space), req.pools, 'worker pool').map((p) => p.Id) : undefined
  let status = await client.post<SimulationStatus>('/api/sandbox/simulations', {
    SpaceId: space.spaceId,
    Tasks: req.tasks,
    Concurrency: req.concurrency,
    WorkerPoolIds: poolIds,
    MinDurationMs: req.durationMs.min,
    MaxDurationMs: req.durationMs.max,
    StepsPerTask: req.steps,
  })
  events.onStarted?.(status)
  let lastReport = Date.now()
  while (status.State === 'Running') {
    // The sandbox has no push channel for simulations: poll, a few times a second.
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    status = await client.get(`/api/sandbox/simulations/${status.Id}`, jsonDocument<SimulationStatus>())
    if (Date.now() - lastReport > PROGRESS_EVERY_MS) {
      events.onProgress?.(status)
      lastReport = Date.now()
    }
  }
  return {...status, Failures: await readFailures(space, status.FailedTaskIds ?? [])}
}

/** Why the first failed tasks failed, read from their logs (one request each, a few at most). */
async function readFailures(space: SpaceContext, taskIds: string[]): Promise<TaskFailure[]> {
  const failures: TaskFailure[] = []
  for (const taskId of taskIds.slice(0, FAILURES_READ)) {
    const failure = taskFailure(await readTaskLog(space, taskId))
    if (failure) failures.push(failure)
  }
  return failures
}

/** A run that failed a task, was cut short by a sandbox restart or was canceled did not do what was asked. */
export function simulationFailed(status: SimulationStatus): boolean {
  return status.State === 'Interrupted' || status.State === 'Canceled' || status.TasksFailed > 0
}

/**
 * Cancels a running simulation (a sandbox route): its tasks that have not finished are canceled
 * and no more start. Returns the simulation as it ends.
 */
export async function cancelSimulation(space: SpaceContext, id: string): Promise<SimulationStatus> {
  return space.client.post<SimulationStatus>(`/api/sandbox/simulations/${encodeURIComponent(id)}/cancel`, {})
}
