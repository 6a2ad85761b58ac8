import type {ModelContext} from '../context.js'
import {notFound, validationError} from '../http.js'
import {Fields} from '../validate.js'
import {LEASABLE_HEALTH, type LeaseRow} from './leases.js'
import type {DeployStep} from './tasks/deploy.js'
import type {TaskEngine} from './tasks/engine.js'
import {displayDate, type TaskState} from './tasks/store.js'
import type {PoolDoc, WorkerDoc} from './documents.js'

export interface SimulationDoc {
  Id: string
  SpaceId: string
  Tasks: number
  Concurrency: number
  WorkerPoolIds: string[]
  MinDurationMs: number
  MaxDurationMs: number
  StepsPerTask: number
  /** Canceled: POST .../cancel stopped it; the tasks that had not finished were canceled. */
  State: 'Running' | 'Completed' | 'Interrupted' | 'Canceled'
  TasksStarted: number
  TasksCompleted: number
  TasksFailed: number
  TasksCanceled: number
  TaskIds: string[]
  /** The first failed tasks (at most MAX_FAILED_TASK_IDS), for the caller to read their logs. */
  FailedTaskIds?: string[]
  StartedAt: string
  CompletedAt: string | null
}

/** How many failed task IDs a simulation keeps for its caller. */
const MAX_FAILED_TASK_IDS = 5

/** Deterministic pseudo-random numbers (mulberry32), so a simulation's durations repeat. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Synthetic deployments (sandbox-only): N Deploy tasks, C at a time, each with StepsPerTask steps
 * that lease workers. Step j of task i uses pool (i + j) mod |pools|.
 */
export class Simulations {
  /** The simulations this process is running: what cancel() needs to stop launching their tasks. */
  private readonly live = new Map<string, {sim: SimulationDoc; launched: () => number; canceled: boolean}>()

  constructor(private readonly ctx: ModelContext, private readonly tasks: TaskEngine) {}

  create(routeSpaceId: string, body: unknown): SimulationDoc {
    const f = Fields.of(body)
    const spaceId = f.optionalString('SpaceId') ?? routeSpaceId
    const tasks = f.optionalInteger('Tasks', 10, 1, 100_000)
    const concurrency = f.optionalInteger('Concurrency', 5, 1, 1_000)
    const minMs = f.optionalInteger('MinDurationMs', 100, 0, 3_600_000)
    const maxMs = f.optionalInteger('MaxDurationMs', Math.max(minMs, 500), 0, 3_600_000)
    const steps = f.optionalInteger('StepsPerTask', 1, 1, 50)
    const requestedPools = f.stringArray('WorkerPoolIds')
    // Steps that need their worker to themselves (OctopusBypassDeploymentMutex False): two such
    // steps on one worker wait on Tentacle's isolation mutex and log its wait line.
    const fullIsolation = f.optionalBoolean('FullIsolation', false)
    f.check()
    const errors: string[] = []
    if (maxMs < minMs) errors.push('MaxDurationMs must be at least MinDurationMs.')
    const space = this.ctx.store.getDoc('Space', spaceId)
    if (!space) errors.push(`Space '${spaceId}' does not exist.`)
    const pools = requestedPools.map((id) => {
      const row = this.ctx.store.getDoc('WorkerPool', id)
      if (!row || row.space_id !== space?.id) errors.push(`Worker pool '${id}' does not exist in ${spaceId}.`)
      return row?.id ?? id
    })
    if (errors.length) throw validationError(...errors)
    const poolIds = pools.length ? pools : this.defaultPools(space!.id)
    const now = this.ctx.now()
    const num = this.ctx.store.nextNumber('Simulations')
    const sim: SimulationDoc = {
      Id: `Simulations-${num}`, SpaceId: space!.id, Tasks: tasks, Concurrency: concurrency, WorkerPoolIds: poolIds, MinDurationMs: minMs, MaxDurationMs: maxMs,
      StepsPerTask: steps, State: 'Running', TasksStarted: 0, TasksCompleted: 0, TasksFailed: 0, TasksCanceled: 0, TaskIds: [], FailedTaskIds: [], StartedAt: now, CompletedAt: null,
    }
    const rand = random(num)
    const plans: DeployStep[][] = []
    this.ctx.store.transaction(() => {
      for (let i = 0; i < tasks; i++) {
        const task = this.tasks.createTask(sim.SpaceId, 'Deploy', `Deploy Sandbox Simulation ${num} release 1.0.${i + 1} to Production`, {SimulationId: sim.Id, DeploymentId: `Deployments-${num}-${i + 1}`})
        sim.TaskIds.push(task.Id)
        plans.push(Array.from({length: steps}, (_, j) => ({poolId: poolIds[(i + j) % poolIds.length], durationMs: Math.round(minMs + rand() * (maxMs - minMs)), fullIsolation})))
      }
      this.save(sim)
    })
    let next = 0
    const entry = {sim, launched: () => next, canceled: false}
    this.live.set(sim.Id, entry)
    const launch = (): void => {
      if (next >= tasks || entry.canceled) return
      const index = next++
      sim.TasksStarted++
      this.tasks.runDeploy(sim.TaskIds[index], plans[index], (state) => this.onTaskDone(sim, sim.TaskIds[index], state, launch))
    }
    this.ctx.store.transaction(() => {
      for (let i = 0; i < Math.min(concurrency, tasks); i++) launch()
      this.save(sim)
    })
    return sim
  }

  /** Pools with at least one worker, else the default pool (which may use the built-in worker). */
  private defaultPools(spaceId: string): string[] {
    const pools = this.ctx.store.listDocs('WorkerPool', spaceId).map((r) => JSON.parse(r.json) as PoolDoc)
    // Pools with a worker that can be leased (enabled, Healthy or HasWarnings): a simulation of
    // deployments should not fail on pools of only unreachable or imported workers.
    const workers = this.ctx.store.listDocs('Worker', spaceId).map((r) => JSON.parse(r.json) as {WorkerPoolIds: string[]; IsDisabled: boolean; HealthStatus: string})
    const leasable = new Set(workers.filter((w) => !w.IsDisabled && (w.HealthStatus === 'Healthy' || w.HealthStatus === 'HasWarnings')).flatMap((w) => w.WorkerPoolIds))
    const withWorkers = pools.filter((p) => p.WorkerPoolType === 'StaticWorkerPool' && leasable.has(p.Id)).map((p) => p.Id)
    return withWorkers.length ? withWorkers : pools.filter((p) => p.IsDefault).map((p) => p.Id)
  }

  private onTaskDone(sim: SimulationDoc, taskId: string, state: TaskState, launch: () => void): void {
    if (state === 'Success') sim.TasksCompleted++
    else if (state === 'Canceled') sim.TasksCanceled++
    else {
      sim.TasksFailed++
      const failed = (sim.FailedTaskIds ??= [])
      if (failed.length < MAX_FAILED_TASK_IDS) failed.push(taskId)
    }
    // Starting the next task here keeps "release, then lease" in one synchronous step.
    launch()
    this.settleIfDone(sim)
    this.save(sim)
  }

  private settleIfDone(sim: SimulationDoc): void {
    if (sim.State !== 'Running' || sim.TasksCompleted + sim.TasksFailed + sim.TasksCanceled < sim.Tasks) return
    const entry = this.live.get(sim.Id)
    sim.State = entry?.canceled ? 'Canceled' : 'Completed'
    sim.CompletedAt = this.ctx.now()
    this.live.delete(sim.Id)
  }

  /**
   * Stops a running simulation: no more of its tasks start, and each that has not finished is
   * canceled as `POST /api/tasks/{id}/cancel` would (its leases released). A simulation that is
   * not running (ended, or cut short by a restart) is returned as it is.
   */
  cancel(id: string) {
    const found = this.get(id)
    const entry = this.live.get(found.Id)
    if (!entry || entry.sim.State !== 'Running') return found
    const {sim} = entry
    entry.canceled = true
    const started = entry.launched()
    this.ctx.store.transaction(() => {
      // Tasks not started yet: canceled here (no run would report them).
      for (const taskId of sim.TaskIds.slice(started)) {
        this.tasks.cancel(taskId)
        sim.TasksCanceled++
      }
      // Running ones: their cancellation reaches onTaskDone, which counts them.
      for (const taskId of sim.TaskIds.slice(0, started)) this.tasks.cancel(taskId)
      this.settleIfDone(sim)
      this.save(sim)
    })
    return this.get(sim.Id)
  }

  private save(sim: SimulationDoc): void {
    this.ctx.store.prepare('INSERT INTO simulations (id, json) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET json = excluded.json').run(sim.Id, JSON.stringify(sim))
  }

  /** The stored simulation plus lease statistics computed from the lease history. */
  get(id: string) {
    const json = this.ctx.store.prepare('SELECT json FROM simulations WHERE id = ? COLLATE NOCASE').pluck().get(id) as string | undefined
    if (!json) throw notFound('Simulation', id)
    const sim = JSON.parse(json) as SimulationDoc
    const leases = this.ctx.store.prepare(`SELECT l.* FROM leases l JOIN tasks t ON t.id = l.task_id
      WHERE json_extract(t.json, '$.Arguments.SimulationId') = ? ORDER BY l.grant_seq`).all(sim.Id) as LeaseRow[]
    const perWorker: Record<string, number> = {}
    const perPool: Record<string, Record<string, number>> = {}
    for (const lease of leases) {
      perWorker[lease.worker_name] = (perWorker[lease.worker_name] ?? 0) + 1
      const pool = (perPool[lease.pool_name] ??= {})
      pool[lease.worker_name] = (pool[lease.worker_name] ?? 0) + 1
    }
    const {TaskIds: _omit, ...rest} = sim
    return {
      ...rest,
      LeasesGranted: leases.length,
      ActiveLeases: leases.filter((l) => l.released_at === null).length,
      LeasesPerWorker: perWorker,
      LeasesPerPool: perPool,
      ...leaseBalance(this.ctx, leases),
      FailedTaskIds: sim.FailedTaskIds ?? [],
      FirstTaskId: sim.TaskIds[0] ?? null,
      LastTaskId: sim.TaskIds.at(-1) ?? null,
    }
  }

  /** Simulations cut short by a restart. */
  recoverAfterRestart(): void {
    const rows = this.ctx.store.prepare('SELECT json FROM simulations').pluck().all() as string[]
    for (const json of rows) {
      const sim = JSON.parse(json) as SimulationDoc
      if (sim.State === 'Running') this.save({...sim, State: 'Interrupted', CompletedAt: this.ctx.now()})
    }
  }
}

/**
 * Replays grants and releases in order. MaxLeaseSpread: the largest difference, right after any
 * grant, between the most and least leased of a pool's leasable (enabled, healthy) workers; it can
 * exceed 1 although every grant follows the rule, because leases end at different times (one
 * worker finishes several while another still runs its own). GrantsToLeastLeased: the grants that
 * went to a worker with the fewest active leases in its pool at that moment, which is the rule.
 */
export function leaseBalance(ctx: ModelContext, leases: LeaseRow[]): {MaxLeaseSpread: number; GrantsToLeastLeased: number} {
  const events: Array<{seq: number; lease: LeaseRow; grant: boolean}> = []
  for (const lease of leases) {
    events.push({seq: lease.grant_seq, lease, grant: true})
    if (lease.release_seq !== null) events.push({seq: lease.release_seq, lease, grant: false})
  }
  events.sort((a, b) => a.seq - b.seq)
  const poolWorkers = new Map<string, string[]>()
  for (const poolId of new Set(leases.map((l) => l.pool_id))) {
    const ids = ctx.store.poolWorkerIds(poolId).filter((id) => {
      const w = ctx.store.getParsed<WorkerDoc>('Worker', id)
      return w && !w.IsDisabled && LEASABLE_HEALTH.has(w.HealthStatus)
    })
    poolWorkers.set(poolId, ids)
  }
  const active = new Map<string, number>()
  let spread = 0
  let toLeastLeased = 0
  for (const event of events) {
    const workers = poolWorkers.get(event.lease.pool_id) ?? []
    if (event.grant) {
      const fewest = Math.min(...workers.map((id) => active.get(id) ?? 0))
      if (workers.length === 0 || (active.get(event.lease.worker_id) ?? 0) <= fewest) toLeastLeased++
    }
    active.set(event.lease.worker_id, (active.get(event.lease.worker_id) ?? 0) + (event.grant ? 1 : -1))
    if (!event.grant || workers.length < 2) continue
    const counts = workers.map((id) => active.get(id) ?? 0)
    spread = Math.max(spread, Math.max(...counts) - Math.min(...counts))
  }
  return {MaxLeaseSpread: spread, GrantsToLeastLeased: toLeastLeased}
}

/**
 * Creates `Count` completed Deploy tasks quickly (one transaction), one a minute back from now,
 * each with one lease per step taken round-robin over the leasable workers of the space's pools,
 * and the same log lines a live run writes. For benchmarks and tests of history commands. With
 * `MutexWaitEvery: N`, the first step of every N-th task logs Tentacle's mutex wait line (5 s).
 */
export function seedCompletedTasks(ctx: ModelContext, tasks: Pick<TaskEngine, 'createTask'>, routeSpaceId: string, body: unknown) {
  const f = Fields.of(body)
  const count = f.optionalInteger('Count', 100, 1, 100_000)
  const spaceId = f.optionalString('SpaceId') ?? routeSpaceId
  const steps = f.optionalInteger('StepsPerTask', 2, 1, 20)
  const mutexWaitEvery = f.optionalInteger('MutexWaitEvery', 0, 0, 100_000)
  f.check()
  if (!ctx.store.getDoc('Space', spaceId)) throw validationError(`Space '${spaceId}' does not exist.`)
  const pools = ctx.store.listDocs('WorkerPool', spaceId).map((r) => JSON.parse(r.json) as PoolDoc)
  const candidates = pools.flatMap((pool) => ctx.store.poolWorkerIds(pool.Id)
    .map((id) => ctx.store.getParsed<WorkerDoc>('Worker', id)!)
    .filter((w) => !w.IsDisabled && LEASABLE_HEALTH.has(w.HealthStatus))
    .map((worker) => ({pool, worker})))
  if (candidates.length === 0) throw validationError(`Space ${spaceId} has no healthy, enabled workers to lease.`)
  const insertLog = ctx.store.prepare('INSERT INTO task_log (task_id, seq, activity_id, category, occurred_at, message) VALUES (?, ?, ?, ?, ?, ?)')
  const insertLease = ctx.store.prepare(`INSERT INTO leases (num, space_id, task_id, worker_id, worker_name, pool_id, pool_name, exclusive, taken_at, grant_seq, released_at, release_seq, release_reason)
    VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, 'completed')`)
  const updateTask = ctx.store.prepare('UPDATE tasks SET state = ?, completed_time = ?, json = ?, activities = ? WHERE id = ?')
  const end = Date.now()
  const ids: string[] = []
  ctx.store.transaction(() => {
    for (let i = 0; i < count; i++) {
      const startMs = end - (count - i) * 60_000
      const iso = (offsetMs: number) => new Date(startMs + offsetMs).toISOString()
      const task = tasks.createTask(spaceId, 'Deploy', `Deploy Sandbox History release 2.0.${i + 1} to Production`, {DeploymentId: `Deployments-history-${i + 1}`}, iso(0))
      ids.push(task.Id)
      const activities: Array<Record<string, unknown>> = [{Id: task.Id, ParentId: null, Name: task.Description, Status: 'Success', Started: iso(1000), Ended: iso(1000 + steps * 20_000), ShowAtSummaryLevel: true}]
      let seq = 0
      for (let s = 0; s < steps; s++) {
        const {pool, worker} = candidates[(i * steps + s) % candidates.length]
        const activityId = `${task.Id}_${String(s + 1).padStart(5, '0')}`
        activities.push({Id: activityId, ParentId: task.Id, Name: `Step ${s + 1}: Run a script`, Status: 'Success', Started: iso(1000 + s * 20_000), Ended: iso(1000 + (s + 1) * 20_000), ShowAtSummaryLevel: true})
        const num = ctx.store.nextNumber('WorkerTaskLeases')
        insertLease.run(num, spaceId, task.Id, worker.Id, worker.Name, pool.Id, pool.Name, iso(1000 + s * 20_000), ctx.store.nextNumber('LeaseEvents'), iso(1000 + (s + 1) * 20_000), ctx.store.nextNumber('LeaseEvents'))
        insertLog.run(task.Id, ++seq, activityId, 'Info', iso(1000 + s * 20_000), `Leased worker ${worker.Name} from pool ${pool.Name} (lease WorkerTaskLeases-${num})`)
        // Tentacle's wait line, as when another task's script on the worker needs full isolation:
        // the first step of every MutexWaitEvery-th task waits 5 s on the previous task.
        if (mutexWaitEvery > 0 && s === 0 && i > 0 && (i + 1) % mutexWaitEvery === 0) {
          const blocking = ids[ids.length - 2]
          insertLog.run(task.Id, ++seq, activityId, 'Wait', iso(1000 + s * 20_000 + 100), `Waiting for the script in task [${blocking}](~/app#/tasks/${blocking}) to finish as that script requires that no other Octopus scripts are executing on this target at the same time.`)
          insertLog.run(task.Id, ++seq, activityId, 'Info', iso(1000 + s * 20_000 + 5000), 'Executing the script.')
        }
      }
      insertLog.run(task.Id, ++seq, task.Id, 'Info', iso(1000 + steps * 20_000), 'Deployment completed successfully.')
      const completed = iso(1000 + steps * 20_000)
      const doc = {...task, State: 'Success', IsCompleted: true, FinishedSuccessfully: true, HasBeenPickedUpByProcessor: true, StartTime: iso(1000), CompletedTime: completed,
        Completed: displayDate(completed), LastUpdatedTime: completed, Duration: `${steps * 20} seconds`, ServerNode: 'octopus-node-a'}
      updateTask.run('Success', completed, JSON.stringify(doc), JSON.stringify(activities), task.Id)
    }
  })
  return {Created: count, SpaceId: spaceId, FirstTaskId: ids[0], LastTaskId: ids.at(-1)}
}
