import type {ModelContext} from '../../context.js'
import {HttpError} from '../../http.js'
import {runDeploy, type DeployStep} from './deploy.js'
import {runHealthCheck} from './health-check.js'
import {recoverAfterRestart} from './recovery.js'
import {readTaskRequest} from './request.js'
import {TaskRunner} from './runner.js'
import {TaskScheduler} from './scheduler.js'
import {TaskStore, type Activity, type TaskDoc, type TaskState} from './store.js'
import {runMaintenance} from './upgrade.js'

/**
 * Runs server tasks in this process: health checks (health-check.ts), Tentacle upgrades and
 * Calamari updates (upgrade.ts) and the synthetic deployments of simulations (deploy.ts). State
 * lives in SQLite (store.ts), timers in the scheduler (scheduler.ts).
 */
export class TaskEngine {
  private readonly store: TaskStore
  private readonly scheduler = new TaskScheduler()
  private readonly runner: TaskRunner

  constructor(ctx: ModelContext) {
    this.store = new TaskStore(ctx)
    this.runner = new TaskRunner(ctx, this.store, this.scheduler)
  }

  createTask(spaceId: string, name: string, description: string, args: Record<string, unknown>, at?: string): TaskDoc {
    return this.store.create(spaceId, name, description, args, at)
  }

  getTask(id: string): TaskDoc | undefined {
    return this.store.get(id)
  }

  activities(taskId: string): Activity[] {
    return this.store.activities(taskId)
  }

  /** POST /tasks: checks the body (request.ts), stores the task and starts it. */
  createFromApi(spaceId: string, body: unknown): TaskDoc {
    const request = readTaskRequest(this.runner.ctx, spaceId, body)
    const doc = this.store.create(spaceId, request.name, request.description, request.args)
    if (request.name === 'Health') runHealthCheck(this.runner, doc, request.machineIds)
    else runMaintenance(this.runner, doc, request.machineIds, request.name === 'Upgrade' ? 'Tentacle' : 'Calamari')
    return doc
  }

  cancel(taskId: string): TaskDoc {
    const doc = this.store.get(taskId)
    if (!doc) throw new HttpError(404, `The ServerTask with ID '${taskId}' could not be found.`)
    if (doc.IsCompleted) return doc
    this.store.log(doc.Id, doc.Id, 'Warning', 'Cancellation requested by sandbox-admin.')
    this.runner.finish(doc.Id, 'Canceled', 'The task was canceled.')
    return this.store.get(doc.Id)!
  }

  /** Runs a stored Deploy task's steps; `onDone` hears how it ended (simulations.ts). */
  runDeploy(taskId: string, steps: DeployStep[], onDone: (state: TaskState) => void): void {
    runDeploy(this.runner, taskId, steps, onDone)
  }

  recoverAfterRestart(): void {
    recoverAfterRestart(this.runner)
  }

  stop(): void {
    this.scheduler.stop()
  }
}
