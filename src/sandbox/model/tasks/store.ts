import type {ModelContext} from '../../context.js'
import {spacePath} from '../../docs.js'
import {plural} from '../../../text/wording.js'

export type TaskState = 'Queued' | 'Executing' | 'Cancelling' | 'Success' | 'Failed' | 'Canceled' | 'TimedOut'
export type ActivityStatus = 'Pending' | 'Running' | 'Success' | 'Failed' | 'Skipped' | 'SuccessWithWarning' | 'Canceled'
export type LogCategory = 'Verbose' | 'Info' | 'Warning' | 'Error' | 'Fatal' | 'Highlight' | 'Wait'

export type FinalState = Exclude<TaskState, 'Queued' | 'Executing' | 'Cancelling'>

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
  if (seconds < 60) return plural(seconds, 'second')
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return plural(minutes, 'minute')
  const hours = Math.round(minutes / 60)
  return plural(hours, 'hour')
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

/**
 * Server tasks, their activity tree and their log in SQLite. Every change is committed before the
 * next step of a task, so a restart (or kill -9) finds the tasks as they were.
 */
export class TaskStore {
  constructor(private readonly ctx: ModelContext) {}

  create(spaceId: string, name: string, description: string, args: Record<string, unknown>, at?: string): TaskDoc {
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

  get(id: string): TaskDoc | undefined {
    const json = this.ctx.store.prepare('SELECT json FROM tasks WHERE id = ? COLLATE NOCASE').pluck().get(id) as string | undefined
    return json ? (JSON.parse(json) as TaskDoc) : undefined
  }

  save(doc: TaskDoc): void {
    this.ctx.store.prepare('UPDATE tasks SET state = ?, completed_time = ?, json = ? WHERE id = ?').run(doc.State, doc.CompletedTime, JSON.stringify(doc), doc.Id)
  }

  /** IDs of tasks that were queued or running, oldest first. */
  activeIds(): string[] {
    return this.ctx.store.prepare(`SELECT id FROM tasks WHERE state IN ('Queued', 'Executing', 'Cancelling') ORDER BY num`).pluck().all() as string[]
  }

  activities(taskId: string): Activity[] {
    return JSON.parse(this.ctx.store.prepare('SELECT activities FROM tasks WHERE id = ?').pluck().get(taskId) as string) as Activity[]
  }

  saveActivities(taskId: string, activities: Activity[]): void {
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

  /** Marks a queued task Executing on node a, with its root activity Running. */
  start(taskId: string): TaskDoc {
    const doc = this.get(taskId)!
    const now = this.ctx.now()
    Object.assign(doc, {State: 'Executing', StartTime: now, LastUpdatedTime: now, HasBeenPickedUpByProcessor: true, ServerNode: 'octopus-node-a'})
    this.save(doc)
    const activities = this.activities(taskId)
    activities[0].Status = 'Running'
    activities[0].Started = now
    this.saveActivities(taskId, activities)
    return doc
  }

  /** Writes a task's final state and closes its open activities (the caller has released its leases). */
  complete(doc: TaskDoc, state: FinalState, errorMessage: string | null, hasWarnings: boolean): void {
    const now = this.ctx.now()
    const started = Date.parse(doc.StartTime ?? doc.QueueTime)
    Object.assign(doc, {
      State: state, IsCompleted: true, FinishedSuccessfully: state === 'Success', CompletedTime: now, Completed: displayDate(now), LastUpdatedTime: now,
      Duration: humanDuration(Date.parse(now) - started), ErrorMessage: errorMessage, HasWarningsOrErrors: hasWarnings || state !== 'Success',
      StartTime: doc.StartTime ?? now,
    })
    this.save(doc)
    const activities = this.activities(doc.Id)
    for (const a of activities) {
      if (a.Status === 'Running' || a.Status === 'Pending') {
        a.Status = state === 'Success' ? (hasWarnings && a.ParentId === null ? 'SuccessWithWarning' : 'Success') : state === 'Canceled' ? 'Canceled' : 'Failed'
        a.Ended = now
      }
    }
    this.saveActivities(doc.Id, activities)
  }
}
