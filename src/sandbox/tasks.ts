import type {ModelContext} from './context.js'
import {isLegacy} from './context.js'
import {HttpError, validationError} from './http.js'
import {spacePath, stamp} from './docs.js'
import {decideHealth, machineStatus, maintenanceFails, reportsOutdatedCalamari, statusSummary, type HealthOutcome} from './health.js'
import {agentDetails, endpointIdentity, LATEST_KUBERNETES_AGENT, LATEST_TENTACLE_VERSION, reportedTentacleVersion, unknownVersion, versionDetails, type EndpointDoc} from './endpoints.js'
import {activeLeasesOfTask, grantLease, leaseForMaintenance, leaseId, releaseLease, type LeaseRow} from './model/leases.js'
import type {WorkerDoc} from './model/documents.js'

export type TaskState = 'Queued' | 'Executing' | 'Cancelling' | 'Success' | 'Failed' | 'Canceled' | 'TimedOut'
export type ActivityStatus = 'Pending' | 'Running' | 'Success' | 'Failed' | 'Skipped' | 'SuccessWithWarning' | 'Canceled'
export type LogCategory = 'Verbose' | 'Info' | 'Warning' | 'Error' | 'Fatal' | 'Highlight'

export const ACTIVE_STATES: TaskState[] = ['Queued', 'Executing', 'Cancelling']

export interface TaskDoc {
  Id: string
  SpaceId: string
  Name: string
  Description: string
  Arguments: Record<string, unknown>
  State: TaskState
  Completed: string | null
  QueueTime: string
  QueueTimeExpiry: null
  StartTime: string | null
  LastUpdatedTime: string
  CompletedTime: string | null
  Duration: string | null
  ServerNode: string | null
  ErrorMessage: string | null
  HasBeenPickedUpByProcessor: boolean
  IsCompleted: boolean
  FinishedSuccessfully: boolean
  HasPendingInterruptions: boolean
  HasPendingPreconditions: boolean
  HasWarningsOrErrors: boolean
  CanRerun: boolean
  ProjectId: null
  EstimatedRemainingQueueDurationSeconds: number
  LastModifiedOn: string
  LastModifiedBy: string
  Links: Record<string, string>
}

export interface Activity {
  Id: string
  ParentId: string | null
  Name: string
  Status: ActivityStatus
  Started: string | null
  Ended: string | null
  ShowAtSummaryLevel: boolean
}

/** One step of a synthetic deployment: which pool it leases from and how long it runs. */
export interface DeployStep {
  poolId: string
  durationMs: number
}

interface Running {
  timers: Set<NodeJS.Timeout>
  onDone?: (state: TaskState) => void
}

export function taskLinks(spaceId: string, id: string): Record<string, string> {
  return {
    Self: `/api/tasks/${id}`,
    Web: `/app#/${spaceId}/tasks/${id}`,
    Raw: `/api/tasks/${id}/raw`,
    Rerun: `/api/tasks/rerun/${id}`,
    Cancel: `/api/tasks/${id}/cancel`,
    QueuedBehind: `/api/tasks/${id}/queued-behind{?skip,take}`,
    Details: `/api/tasks/${id}/details{?verbose,tail,ranges}`,
    Artifacts: spacePath(spaceId, `artifacts?regarding=${id}`),
    Interruptions: spacePath(spaceId, `interruptions?regarding=${id}`),
  }
}

export function humanDuration(ms: number): string {
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`
  const hours = Math.round(minutes / 60)
  return `${hours} hour${hours === 1 ? '' : 's'}`
}

/**
 * Runs server tasks in this process: health checks, Tentacle upgrades and the synthetic
 * deployments of simulations. Every state change and log line is committed to SQLite before the
 * next step, so a restart (or kill -9) finds the tasks as they were.
 */
export class TaskEngine {
  private readonly running = new Map<string, Running>()
  private stopped = false

  constructor(private readonly ctx: ModelContext) {}

  // ---- storage -------------------------------------------------------------------------

  createTask(spaceId: string, name: string, description: string, args: Record<string, unknown>, at?: string): TaskDoc {
    const {store} = this.ctx
    return store.transaction(() => {
      const num = store.nextNumber('ServerTasks')
      const id = `ServerTasks-${num}`
      const now = at ?? this.ctx.now()
      const doc: TaskDoc = {
        Id: id, SpaceId: spaceId, Name: name, Description: description, Arguments: args, State: 'Queued', Completed: null, QueueTime: now, QueueTimeExpiry: null,
        StartTime: null, LastUpdatedTime: now, CompletedTime: null, Duration: null, ServerNode: null, ErrorMessage: null, HasBeenPickedUpByProcessor: false,
        IsCompleted: false, FinishedSuccessfully: false, HasPendingInterruptions: false, HasPendingPreconditions: false, HasWarningsOrErrors: false, CanRerun: false,
        ProjectId: null, EstimatedRemainingQueueDurationSeconds: 0, LastModifiedOn: now, LastModifiedBy: 'sandbox-admin', Links: taskLinks(spaceId, id),
      }
      const root: Activity = {Id: id, ParentId: null, Name: description, Status: 'Pending', Started: null, Ended: null, ShowAtSummaryLevel: true}
      store.prepare('INSERT INTO tasks (id, num, space_id, name, state, completed_time, json, activities) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)')
        .run(id, num, spaceId, name, 'Queued', JSON.stringify(doc), JSON.stringify([root]))
      return doc
    })
  }

  getTask(id: string): TaskDoc | undefined {
    const json = this.ctx.store.prepare('SELECT json FROM tasks WHERE id = ? COLLATE NOCASE').pluck().get(id) as string | undefined
    return json ? (JSON.parse(json) as TaskDoc) : undefined
  }

  private saveTask(doc: TaskDoc): void {
    this.ctx.store.prepare('UPDATE tasks SET state = ?, completed_time = ?, json = ? WHERE id = ?').run(doc.State, doc.CompletedTime, JSON.stringify(doc), doc.Id)
  }

  activities(taskId: string): Activity[] {
    return JSON.parse(this.ctx.store.prepare('SELECT activities FROM tasks WHERE id = ?').pluck().get(taskId) as string) as Activity[]
  }

  private saveActivities(taskId: string, activities: Activity[]): void {
    this.ctx.store.prepare('UPDATE tasks SET activities = ? WHERE id = ?').run(JSON.stringify(activities), taskId)
  }

  addActivity(taskId: string, name: string, parentId = taskId): string {
    const activities = this.activities(taskId)
    const id = `${taskId}_${String(activities.length).padStart(5, '0')}`
    activities.push({Id: id, ParentId: parentId, Name: name, Status: 'Running', Started: this.ctx.now(), Ended: null, ShowAtSummaryLevel: true})
    this.saveActivities(taskId, activities)
    return id
  }

  setActivity(taskId: string, activityId: string, status: ActivityStatus): void {
    const activities = this.activities(taskId)
    const activity = activities.find((a) => a.Id === activityId)
    if (!activity) return
    activity.Status = status
    if (status !== 'Running' && status !== 'Pending') activity.Ended = this.ctx.now()
    this.saveActivities(taskId, activities)
  }

  log(taskId: string, activityId: string, category: LogCategory, message: string): void {
    const seq = ((this.ctx.store.prepare('SELECT MAX(seq) FROM task_log WHERE task_id = ?').pluck().get(taskId) as number | null) ?? 0) + 1
    this.ctx.store.prepare('INSERT INTO task_log (task_id, seq, activity_id, category, occurred_at, message) VALUES (?, ?, ?, ?, ?, ?)')
      .run(taskId, seq, activityId, category, this.ctx.now(), message)
  }

  private startTask(taskId: string): TaskDoc {
    const doc = this.getTask(taskId)!
    const now = this.ctx.now()
    Object.assign(doc, {State: 'Executing', StartTime: now, LastUpdatedTime: now, HasBeenPickedUpByProcessor: true, ServerNode: 'octopus-node-a'})
    this.saveTask(doc)
    const activities = this.activities(taskId)
    activities[0].Status = 'Running'
    activities[0].Started = now
    this.saveActivities(taskId, activities)
    return doc
  }

  /** Completes a task: releases whatever it still holds, sets its final state, fires onDone. */
  finishTask(taskId: string, state: Exclude<TaskState, 'Queued' | 'Executing' | 'Cancelling'>, errorMessage: string | null = null, hasWarnings = false): void {
    const run = this.running.get(taskId)
    this.ctx.store.transaction(() => {
      const doc = this.getTask(taskId)
      if (!doc || doc.IsCompleted) return
      this.releaseAll(taskId, state === 'Success' ? 'completed' : state.toLowerCase())
      const now = this.ctx.now()
      const started = Date.parse(doc.StartTime ?? doc.QueueTime)
      Object.assign(doc, {
        State: state, IsCompleted: true, FinishedSuccessfully: state === 'Success', CompletedTime: now, Completed: displayDate(now), LastUpdatedTime: now,
        Duration: humanDuration(Date.parse(now) - started), ErrorMessage: errorMessage, HasWarningsOrErrors: hasWarnings || state !== 'Success',
        StartTime: doc.StartTime ?? now,
      })
      this.saveTask(doc)
      const activities = this.activities(taskId)
      for (const a of activities) {
        if (a.Status === 'Running' || a.Status === 'Pending') {
          a.Status = state === 'Success' ? (hasWarnings && a.ParentId === null ? 'SuccessWithWarning' : 'Success') : state === 'Canceled' ? 'Canceled' : 'Failed'
          a.Ended = now
        }
      }
      this.saveActivities(taskId, activities)
    })
    if (run) {
      for (const timer of run.timers) clearTimeout(timer)
      this.running.delete(taskId)
      run.onDone?.(state)
    }
  }

  private releaseAll(taskId: string, reason: string): void {
    for (const lease of activeLeasesOfTask(this.ctx, taskId)) {
      const activity = this.activities(taskId).find((a) => a.Status === 'Running' && a.ParentId !== null)?.Id ?? taskId
      this.release(taskId, activity, lease, reason)
    }
  }

  /**
   * Releases a lease. Real servers write no line for a successful release (none is published), so
   * neither does the sandbox. In fault mode (`POST /api/sandbox/faults {Kind: "LeaseRelease"}`)
   * the release fails as in OctopusDeploy/Issues#9868: the task log gets the evidenced warning and
   * the lease stays held (stale) until the server restarts.
   */
  private release(taskId: string, activityId: string, lease: LeaseRow, reason: string): void {
    if (this.ctx.leaseReleaseFaults.takeFailure()) {
      this.log(taskId, activityId, 'Warning', releaseFailureLine(lease))
      // Still held, but no longer the task's to release: only the restart clean-up clears it.
      this.ctx.store.prepare('UPDATE leases SET release_reason = ? WHERE num = ?').run('release failed: stale until the server restarts', lease.num)
      return
    }
    releaseLease(this.ctx, lease.num, reason)
  }

  cancel(taskId: string): TaskDoc {
    const doc = this.getTask(taskId)
    if (!doc) throw new HttpError(404, `The ServerTask with ID '${taskId}' could not be found.`)
    if (doc.IsCompleted) return doc
    this.log(doc.Id, doc.Id, 'Warning', 'Cancellation requested by sandbox-admin.')
    this.finishTask(doc.Id, 'Canceled', 'The task was canceled.')
    return this.getTask(doc.Id)!
  }

  /** Runs `fn` later (in a transaction) unless the task has finished or the engine stopped. */
  private later(taskId: string, ms: number, fn: () => void): void {
    const run = this.running.get(taskId)
    if (!run || this.stopped) return
    const timer = setTimeout(() => {
      run.timers.delete(timer)
      if (this.stopped || !this.running.has(taskId)) return
      try {
        this.ctx.store.transaction(fn)
      } catch (error) {
        this.log(taskId, taskId, 'Fatal', `Sandbox error: ${(error as Error).message}`)
        this.finishTask(taskId, 'Failed', (error as Error).message)
      }
    }, ms)
    run.timers.add(timer)
  }

  // ---- health checks and Tentacle upgrades ---------------------------------------------

  /** POST /tasks: `Health`, `Upgrade` (Arguments WorkerpoolId / MachineIds / RestrictedTo) and `UpdateCalamari` (MachineIds). */
  createFromApi(spaceId: string, body: unknown): TaskDoc {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw validationError('The request body must be a JSON object.')
    const input = body as Record<string, unknown>
    const name = input.Name
    const errors: string[] = []
    if (typeof name !== 'string' || !name) errors.push('Please specify the task Name (Health, Upgrade or UpdateCalamari).')
    else if (name !== 'Health' && name !== 'Upgrade' && name !== 'UpdateCalamari') errors.push(`The sandbox can start Health, Upgrade and UpdateCalamari tasks only, not '${name}'. Synthetic deployments come from POST /api/sandbox/simulations.`)
    if (input.SpaceId !== undefined && input.SpaceId !== null && input.SpaceId !== spaceId) errors.push(`SpaceId '${String(input.SpaceId)}' does not match the space of this route (${spaceId}).`)
    if (input.Description !== undefined && input.Description !== null && typeof input.Description !== 'string') errors.push('Description must be a string.')
    const args = input.Arguments ?? {}
    if (typeof args !== 'object' || args === null || Array.isArray(args)) errors.push('Arguments must be an object.')
    if (errors.length) throw validationError(...errors)
    const a = args as Record<string, unknown>
    const poolId = a.WorkerpoolId ?? a.WorkerPoolId
    const machineIds = a.MachineIds ?? []
    const restrictedTo = a.RestrictedTo ?? null
    if (poolId !== undefined && poolId !== null && typeof poolId !== 'string') errors.push('Arguments.WorkerpoolId must be a string.')
    if (!Array.isArray(machineIds) || machineIds.some((m) => typeof m !== 'string')) errors.push('Arguments.MachineIds must be an array of strings.')
    if (restrictedTo !== null && !['DeploymentTargets', 'Workers', 'Policies', 'Unlimited'].includes(String(restrictedTo))) errors.push('Arguments.RestrictedTo must be DeploymentTargets, Workers, Policies or Unlimited.')
    if (errors.length) throw validationError(...errors)
    // UpdateCalamari takes MachineIds only (no WorkerpoolId), as Octopus's BuiltInTasks define it.
    if (name === 'UpdateCalamari' && poolId) errors.push('UpdateCalamari takes Arguments.MachineIds only, not a WorkerpoolId.')
    if (errors.length) throw validationError(...errors)
    const targets = this.resolveTargets(spaceId, poolId as string | undefined, machineIds as string[], restrictedTo as string | null)
    const defaultDescription = name === 'Health' ? (poolId ? `Check health of worker pool ${poolId}` : 'Manual health check') : name === 'Upgrade' ? 'Manual upgrade' : 'Manual Calamari update'
    const description = (input.Description as string | undefined) ?? defaultDescription
    const doc = this.createTask(spaceId, name as string, description, {...a, MachineIds: machineIds})
    if (name === 'Health') this.runHealthCheck(doc, targets)
    else this.runMaintenance(doc, targets, name === 'Upgrade' ? 'Tentacle' : 'Calamari')
    return doc
  }

  private resolveTargets(spaceId: string, poolId: string | undefined, machineIds: string[], restrictedTo: string | null): string[] {
    const {store} = this.ctx
    const errors: string[] = []
    let ids: string[] = []
    for (const id of machineIds) {
      const row = store.getDoc('Worker', id) ?? store.getDoc('Machine', id)
      if (!row || row.space_id !== spaceId) errors.push(`Machine '${id}' does not exist in ${spaceId}.`)
      else ids.push(row.id)
    }
    if (poolId) {
      const pool = store.getDoc('WorkerPool', poolId)
      if (!pool || pool.space_id !== spaceId) errors.push(`Worker pool '${poolId}' does not exist in ${spaceId}.`)
      else ids.push(...store.poolWorkerIds(pool.id))
    }
    if (errors.length) throw validationError(...errors)
    if (!poolId && machineIds.length === 0) {
      if (restrictedTo !== 'DeploymentTargets') ids.push(...store.listDocs('Worker', spaceId).map((r) => r.id))
      if (restrictedTo !== 'Workers') ids.push(...store.listDocs('Machine', spaceId).map((r) => r.id))
    }
    ids = [...new Set(ids)]
    return ids
  }

  private track(taskId: string, onDone?: (state: TaskState) => void): void {
    this.running.set(taskId, {timers: new Set(), onDone})
  }

  private runHealthCheck(task: TaskDoc, machineIds: string[]): void {
    this.track(task.Id)
    this.later(task.Id, 5, () => {
      this.startTask(task.Id)
      this.log(task.Id, task.Id, 'Info', `Checking the health of ${machineIds.length} machine${machineIds.length === 1 ? '' : 's'}.`)
      this.later(task.Id, this.ctx.healthCheckMs, () => {
        let problems = 0
        let warnings = false
        for (const id of machineIds) {
          const kind = id.startsWith('Workers-') ? 'Worker' : 'Machine'
          const row = this.ctx.store.getDoc(kind, id)
          if (!row) continue
          const machine = JSON.parse(row.json) as WorkerDoc
          const activity = this.addActivity(task.Id, `Check ${machine.Name} health`)
          if (machine.IsDisabled) {
            this.log(task.Id, activity, 'Info', `${machine.Name}: skipped because it is disabled.`)
            this.setActivity(task.Id, activity, 'Skipped')
            continue
          }
          const outcome = decideHealth(machine.Endpoint)
          const bad = outcome.health === 'Unavailable' || outcome.health === 'Unhealthy'
          if (bad) problems++
          if (outcome.health === 'HasWarnings' || outcome.outdated) warnings = true
          this.log(task.Id, activity, bad ? 'Error' : outcome.health === 'HasWarnings' ? 'Warning' : 'Info', `${machine.Name}: ${outcome.health}. ${outcome.message}`)
          this.setActivity(task.Id, activity, bad ? 'Failed' : outcome.health === 'HasWarnings' ? 'SuccessWithWarning' : 'Success')
          const endpoint = checkedEndpoint(machine.Endpoint, outcome)
          const checked = outcome.health !== 'Unavailable'
          this.ctx.store.putDoc(kind, {
            ...machine, Endpoint: endpoint, HealthStatus: outcome.health, StatusSummary: statusSummary(outcome.health),
            Status: machineStatus(outcome.health, machine.IsDisabled, reportedTentacleVersion(endpoint)),
            HasLatestCalamari: machine.HasLatestCalamari || (checked && !(machine.Endpoint && reportsOutdatedCalamari(machine.Endpoint))),
            OperatingSystem: checked && machine.OperatingSystem === 'Unknown' ? 'Linux' : machine.OperatingSystem,
            ShellName: checked && machine.ShellName === 'Unknown' ? 'Bash' : machine.ShellName,
            ...stamp(this.ctx),
          })
        }
        if (problems) {
          const message = `The health check failed: ${problems} of ${machineIds.length} machine${machineIds.length === 1 ? ' was' : 's were'} unavailable or unhealthy.`
          this.log(task.Id, task.Id, 'Error', message)
          this.finishTask(task.Id, 'Failed', message)
        } else {
          this.log(task.Id, task.Id, 'Info', 'The health check completed.')
          this.finishTask(task.Id, 'Success', null, warnings)
        }
      })
    })
  }

  /**
   * `Upgrade` (Tentacle) and `UpdateCalamari`: one worker at a time, each under an exclusive lease
   * taken once the worker's other leases are released (an upgrade "only blocks if there is a
   * deployment running that affects the Tentacle being upgraded"). The new version is written to
   * the worker document and later health checks keep it. SSH workers have no Tentacle and are
   * skipped by an Upgrade. A machine the maintenance rule (health.ts) marks as failing, or one that
   * is Unavailable, fails: the task goes on with the others and ends Failed.
   * Whether UpdateCalamari leases exclusively is not confirmed; the sandbox takes the safe reading.
   */
  private runMaintenance(task: TaskDoc, machineIds: string[], what: 'Tentacle' | 'Calamari'): void {
    this.track(task.Id)
    const workerIds = machineIds.filter((id) => id.startsWith('Workers-'))
    const failures: string[] = []
    let index = 0
    const next = (): void => {
      if (index >= workerIds.length) {
        if (failures.length) {
          // The failure wording of a real upgrade task is not confirmed; this names each machine.
          const message = `The ${what === 'Tentacle' ? 'Tentacle upgrade' : 'Calamari update'} failed on ${failures.length} machine${failures.length === 1 ? '' : 's'}: ${failures.join('; ')}`
          this.log(task.Id, task.Id, 'Error', message)
          this.finishTask(task.Id, 'Failed', message)
        } else {
          this.finishTask(task.Id, 'Success')
        }
        return
      }
      const worker = this.ctx.store.getParsed<WorkerDoc>('Worker', workerIds[index])
      // SSH workers have no Tentacle (their Calamari still updates); workers without a Tentacle,
      // agent or SSH endpoint cannot be upgraded at all.
      const style = worker?.Endpoint?.CommunicationStyle
      const upgradable = what === 'Tentacle' ? ['TentaclePassive', 'TentacleActive', 'KubernetesTentacle'] : ['TentaclePassive', 'TentacleActive', 'KubernetesTentacle', 'Ssh']
      if (!worker || !style || !upgradable.includes(style)) {
        index++
        return next()
      }
      const result = leaseForMaintenance(this.ctx, {taskId: task.Id, spaceId: task.SpaceId, workerId: worker.Id})
      if (result.kind === 'wait') return this.later(task.Id, 25, next)
      const kubernetes = style === 'KubernetesTentacle'
      const activity = this.addActivity(task.Id, what === 'Tentacle' ? `Upgrade ${kubernetes ? 'Kubernetes agent' : 'Tentacle'} on ${worker.Name}` : `Update Calamari on ${worker.Name}`)
      if (result.kind !== 'leased') {
        this.log(task.Id, activity, 'Error', `${worker.Name}: ${result.message}`)
        this.setActivity(task.Id, activity, 'Failed')
        failures.push(`${worker.Name}: ${result.message}`)
        index++
        return next()
      }
      this.log(task.Id, activity, 'Info', leasedLine(result.lease))
      if (what === 'Tentacle') this.log(task.Id, activity, 'Info', 'Starting the Tentacle upgrader.')
      this.later(task.Id, this.ctx.healthCheckMs, () => {
        const current = this.ctx.store.getParsed<WorkerDoc>('Worker', worker.Id)
        let failure: string | undefined
        if (!current?.Endpoint) failure = 'the worker was deleted during the upgrade'
        else if (current.HealthStatus === 'Unavailable') failure = `the machine at ${endpointIdentity(current.Endpoint).Uri} could not be contacted`
        else if (maintenanceFails(current.Endpoint)) failure = what === 'Tentacle' ? 'the Tentacle installer exited with code 1603; the previous version is still installed' : 'the Calamari package could not be extracted; the previous version is still installed'
        if (current?.Endpoint && !failure) {
          if (what === 'Tentacle') {
            const endpoint = kubernetes
              ? {...current.Endpoint, KubernetesAgentDetails: agentDetails(false, current.Endpoint.KubernetesAgentDetails)}
              : {...current.Endpoint, TentacleVersionDetails: versionDetails(LATEST_TENTACLE_VERSION, current.Endpoint.TentacleVersionDetails?.UpgradeLocked ?? false)}
            this.ctx.store.putDoc('Worker', {...current, Endpoint: endpoint, Status: machineStatus(current.HealthStatus, current.IsDisabled, reportedTentacleVersion(endpoint)), ...stamp(this.ctx)})
            this.log(task.Id, activity, 'Info', kubernetes
              ? `${worker.Name}: Kubernetes agent upgraded to ${LATEST_KUBERNETES_AGENT.AgentVersion} (Tentacle ${LATEST_KUBERNETES_AGENT.TentacleVersion}).`
              : `${worker.Name}: Tentacle upgraded to ${LATEST_TENTACLE_VERSION}.`)
          } else {
            this.ctx.store.putDoc('Worker', {...current, HasLatestCalamari: true, ...stamp(this.ctx)})
            this.log(task.Id, activity, 'Info', `${worker.Name}: Calamari is up to date.`)
          }
        }
        if (failure) {
          this.log(task.Id, activity, 'Error', `${worker.Name}: ${failure}.`)
          failures.push(`${worker.Name}: ${failure}`)
        }
        // No release line: real servers write none (only "Leased worker ..." is evidenced).
        this.release(task.Id, activity, result.lease, 'completed')
        this.setActivity(task.Id, activity, failure ? 'Failed' : 'Success')
        index++
        next()
      })
    }
    this.later(task.Id, 5, () => {
      this.startTask(task.Id)
      if (what === 'Tentacle') {
        const count = workerIds.length
        this.log(task.Id, task.Id, 'Info', `${count} machine${count === 1 ? '' : 's'} will be upgraded to the latest Tentacle version.`)
      }
      next()
    })
  }

  // ---- synthetic deployments -----------------------------------------------------------

  /**
   * Runs a Deploy task: each step leases a worker from its pool, works for its duration, then
   * releases it. A step's release and the next step's lease happen in one synchronous callback,
   * as do a task's last release and the next queued task's first lease (see simulations.ts).
   */
  runDeploy(taskId: string, steps: DeployStep[], onDone: (state: TaskState) => void): void {
    this.track(taskId, onDone)
    const task = this.startTask(taskId)
    let index = 0
    let waitingSince: number | undefined
    const runStep = (): void => {
      if (index >= steps.length) {
        this.log(taskId, taskId, 'Info', 'Deployment completed successfully.')
        this.finishTask(taskId, 'Success')
        return
      }
      const step = steps[index]
      const activityName = `Step ${index + 1}: Run a script`
      const result = grantLease(this.ctx, {taskId, spaceId: task.SpaceId, poolId: step.poolId})
      if (result.kind === 'wait') {
        waitingSince ??= Date.now()
        if (result.reason === 'dynamic' || Date.now() - waitingSince < this.leaseRetryBoundMs()) return this.later(taskId, 25, runStep)
        const activity = this.addActivity(taskId, activityName)
        const message = noWorkerMessage(result.poolName)
        this.log(taskId, activity, 'Error', message)
        this.finishTask(taskId, 'Failed', message)
        return
      }
      waitingSince = undefined
      const activity = this.addActivity(taskId, activityName)
      if (result.kind === 'fail') {
        this.log(taskId, activity, 'Error', result.message)
        this.finishTask(taskId, 'Failed', result.message)
        return
      }
      this.log(taskId, activity, 'Info', result.kind === 'leased' ? leasedLine(result.lease) : result.message)
      this.later(taskId, step.durationMs, () => {
        if (result.kind === 'leased') this.release(taskId, activity, result.lease, 'completed')
        this.setActivity(taskId, activity, 'Success')
        index++
        runStep()
      })
    }
    this.ctx.store.transaction(runStep)
  }

  /**
   * How long a deployment step waits for a worker when none can be leased (all drained, unhealthy,
   * or leased exclusively by upgrades). Octopus retries leasing since 2025.3.2507 ("Retry worker
   * leasing when all healthy workers are leased exclusively"); before that such steps failed at
   * once, so the 2021.2 emulation does not wait. The real retry count and duration are not
   * confirmed; the sandbox's bound is `taskTiming.leaseRetryMs`.
   */
  private leaseRetryBoundMs(): number {
    return isLegacy(this.ctx) ? 0 : this.ctx.leaseRetryMs
  }

  // ---- lifecycle -----------------------------------------------------------------------

  /**
   * Tasks that were queued or running when the previous process ended are failed and their leases
   * released (Octopus clears stale leases at start the same way); so are leases whose task is done.
   */
  recoverAfterRestart(): void {
    const {store} = this.ctx
    store.transaction(() => {
      const ids = store.prepare(`SELECT id FROM tasks WHERE state IN ('Queued', 'Executing', 'Cancelling') ORDER BY num`).pluck().all() as string[]
      for (const id of ids) {
        this.log(id, id, 'Error', 'The task was interrupted because the sandbox server restarted.')
        this.finishTask(id, 'Failed', 'The task was interrupted because the sandbox server restarted.')
      }
      const stale = store.prepare('SELECT * FROM leases WHERE released_at IS NULL').all() as LeaseRow[]
      for (const lease of stale) releaseLease(this.ctx, lease.num, 'stale lease cleared at start')
    })
  }

  stop(): void {
    this.stopped = true
    for (const run of this.running.values()) for (const timer of run.timers) clearTimeout(timer)
    this.running.clear()
  }
}

/**
 * The failure of a step that found no worker to lease. Octopus's docs name the condition "There are
 * no healthy workers in the pool"; the exact log text of current servers is not confirmed (a 2025.2
 * build wrote "The step failed: This should not happen! Worker must not be null..." for an empty
 * pool), so this uses the documented phrase.
 */
export function noWorkerMessage(pool: string): string {
  return `The step failed: There are no healthy workers in the pool ${pool}.`
}

export function leasedLine(lease: LeaseRow): string {
  return `Leased worker ${lease.worker_name} from pool ${lease.pool_name} (lease ${leaseId(lease.num)})`
}

/** The one release-related line a real server is known to write (OctopusDeploy/Issues#9868; two spaces between sentences). */
export function releaseFailureLine(lease: LeaseRow): string {
  return `Unable to release worker ${lease.worker_id} from lease ${leaseId(lease.num)}.  Continuing anyway.  The lease will eventually be cleared by the system.  If this error persists, please contact Octopus support.`
}

/**
 * A date as Octopus writes a task's `Completed` (display text, e.g. "Monday, March 20, 2017 9:00 PM";
 * `CompletedTime` beside it is ISO). Real servers use the server's culture and time zone; the
 * sandbox writes en-US in UTC.
 */
export function displayDate(iso: string): string {
  // Built by hand: ICU versions differ in the spaces and words they put in en-US date-times.
  const d = new Date(iso)
  const day = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][d.getUTCDay()]
  const month = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][d.getUTCMonth()]
  const hour = d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12
  return `${day}, ${month} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${hour}:${String(d.getUTCMinutes()).padStart(2, '0')} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`
}

/** The endpoint as a health check leaves it: the Tentacle or agent versions it found. */
export function checkedEndpoint(endpoint: EndpointDoc | null, outcome: HealthOutcome): EndpointDoc | null {
  if (!endpoint) return null
  if (endpoint.CommunicationStyle === 'KubernetesTentacle') {
    return outcome.tentacleVersion ? {...endpoint, KubernetesAgentDetails: agentDetails(outcome.outdated, endpoint.KubernetesAgentDetails)} : {...endpoint}
  }
  if (endpoint.CommunicationStyle !== 'TentaclePassive' && endpoint.CommunicationStyle !== 'TentacleActive') return {...endpoint}
  const upgradeLocked = endpoint.TentacleVersionDetails?.UpgradeLocked ?? false
  return {...endpoint, TentacleVersionDetails: outcome.tentacleVersion ? versionDetails(outcome.tentacleVersion, upgradeLocked) : {...(endpoint.TentacleVersionDetails ?? unknownVersion())}}
}

