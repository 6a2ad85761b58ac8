/**
 * A scripted, in-memory Octopus on a VIRTUAL clock, for unit tests of the lease sources and the
 * tail loop: a timeline of tasks whose steps hold leases over [start, end) ms, answered as the
 * lease API, the task list and task details would at the virtual instant of each request. Each
 * request takes `latencyMs` of virtual time, and the loop's sleeps advance the same clock, so a
 * schedule that misses a lease misses it on every run.
 */
import type {SpaceContext} from '../../../src/octopus/client.js'
import type {NameDirectory} from '../../../src/app/leases/directory.js'

export interface FakeStep {
  leaseId: string
  worker: string
  pool: string
  start: number
  end: number
  /** Log the lease line without its `(lease …)` part. */
  noLeaseIdInLog?: boolean
  /** Tentacle's mutex wait line at `at`, and the step's next line at `until` (a wait of until - at + 100 ms). */
  mutexWait?: {at: number; until: number}
}

export interface FakeTask {
  id: string
  start: number
  completedAt: number
  steps: FakeStep[]
}

export const EPOCH = Date.UTC(2026, 0, 1, 12, 0, 0)
export const iso = (ms: number) => new Date(EPOCH + ms).toISOString()

export class FakeOctopus {
  t = 0
  latencyMs = 0
  requests: string[] = []
  /** Answers the n-th lease-API request (1-based) with this body instead of the snapshot, when it returns one. */
  leaseBody?: (n: number) => unknown
  private leaseRequests = 0
  /** Ordinals (1-based) of requests to fail with a transient network error. */
  failRequests = new Set<number>()

  constructor(readonly tasks: FakeTask[]) {}

  sleep = async (ms: number, signal: AbortSignal): Promise<void> => {
    if (!signal.aborted) this.t += ms
  }

  now = (): number => this.t

  get requestCount(): number {
    return this.requests.length
  }

  private async take(label: string): Promise<number> {
    this.requests.push(label)
    const at = this.t
    this.t += this.latencyMs
    if (this.failRequests.has(this.requests.length)) {
      const {CliError, ExitCode} = await import('../../../src/text/errors.js')
      throw new CliError('Connection refused by http://fake.', ExitCode.Failure, {code: 'network'})
    }
    return at
  }

  private taskDoc(task: FakeTask, at: number) {
    const done = task.completedAt <= at
    return {
      Id: task.id, SpaceId: 'Spaces-1', Name: 'Deploy', Description: `Deploy ${task.id}`, State: done ? 'Success' : 'Executing', IsCompleted: done,
      StartTime: iso(task.start), CompletedTime: done ? iso(task.completedAt) : null, LastUpdatedTime: iso(done ? task.completedAt : task.start),
    }
  }

  private leaseSnapshot(at: number) {
    const items = this.tasks.flatMap((task) => task.steps.filter((s) => s.start <= at && at < s.end).map((s) => ({
      Id: s.leaseId, Exclusive: false, Name: s.worker, ServerTaskId: task.id, SpaceId: 'Spaces-1', TakenAt: iso(s.start), WorkerId: `Workers-${s.worker}`, WorkerPoolId: `WorkerPools-${s.pool}`,
    })))
    return {WorkerTaskLeases: {ItemType: 'WorkerTaskLease', TotalResults: items.length, ItemsPerPage: 1000, Items: items}}
  }

  private details(task: FakeTask, at: number) {
    const started = task.steps.filter((s) => s.start <= at)
    return {
      Task: this.taskDoc(task, at),
      ActivityLogs: [{
        Id: task.id, Ended: task.completedAt <= at ? iso(task.completedAt) : null, LogElements: [],
        Children: started.map((s, i) => ({
          Id: `${task.id}_${i}`, Ended: s.end <= at ? iso(s.end) : null, Children: [],
          LogElements: [
            {OccurredAt: iso(s.start), MessageText: `Leased worker ${s.worker} from pool ${s.pool}${s.noLeaseIdInLog ? '' : ` (lease ${s.leaseId})`}`},
            ...(s.mutexWait && s.mutexWait.at <= at ? [{OccurredAt: iso(s.mutexWait.at), MessageText: 'Waiting for the script in task [ServerTasks-7](~/app#/tasks/ServerTasks-7) to finish as this script requires that no other Octopus scripts are executing on this target at the same time.'}] : []),
            ...(s.mutexWait && s.mutexWait.until <= at ? [{OccurredAt: iso(s.mutexWait.until), MessageText: 'Executing script on worker'}] : []),
          ],
        })),
      }],
    }
  }

  readonly client = {
    server: 'http://fake',
    version: '2026.1',
    request: async (_method: string, url: string): Promise<{status: number; data: unknown}> => {
      const at = await this.take(`GET ${url}`)
      if (url.endsWith('/workertaskleases')) {
        const override = this.leaseBody?.(++this.leaseRequests)
        return {status: 200, data: override === undefined ? this.leaseSnapshot(at) : override}
      }
      throw new Error(`fake: no route ${url}`)
    },
    get: async (url: string, _shape: unknown, query: Record<string, unknown> = {}) => {
      const at = await this.take(`GET ${url}`)
      const detail = /^\/api\/tasks\/([^/]+)\/details$/.exec(url)
      if (detail) return this.details(this.tasks.find((t) => t.id === detail[1])!, at)
      if (url.endsWith('/tasks')) {
        const visible = this.tasks.filter((t) => t.start <= at)
        const states = query.states as string[] | undefined
        const ids = query.ids as string[] | undefined
        const from = query.fromCompletedDate ? Date.parse(query.fromCompletedDate as string) - EPOCH : -Infinity
        const items = visible
          .map((t) => this.taskDoc(t, at))
          .filter((d) => (!states || states.includes(d.State)) && (!ids || ids.includes(d.Id)) && (from === -Infinity || (d.CompletedTime !== null && Date.parse(d.CompletedTime) - EPOCH >= from)))
          .reverse()
        return {Items: items, TotalResults: items.length}
      }
      throw new Error(`fake: no route ${url}`)
    },
  }

  readonly space = {
    spaceId: 'Spaces-1',
    client: this.client,
    space: {Id: 'Spaces-1', Name: 'Default'},
    path: (p: string) => `/api/Spaces-1/${p}`,
    hasLink: () => false,
    link: (_name: string, params: {id?: string} = {}) => `/api/tasks/${params.id}`,
  } as unknown as SpaceContext

  readonly directory = {
    beginPoll() {},
    async workerById(id: string) {
      return {Id: id, Name: id.replace(/^Workers-/, '')}
    },
    async poolById(id: string) {
      return {Id: id, Name: id.replace(/^WorkerPools-/, '')}
    },
    async workerByName(name: string) {
      return {Id: `Workers-${name}`, Name: name}
    },
    async poolByName(name: string) {
      return {Id: `WorkerPools-${name}`, Name: name}
    },
  } as unknown as NameDirectory
}
