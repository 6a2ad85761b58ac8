import type {ModelContext} from '../../context.js'
import type {TaskDoc} from './store.js'

/** What `GET /tasks` can select by (the route reads it from the query; text filters are lower-case). */
export interface TaskListFilter {
  spaces?: string[]
  states?: string[]
  names?: string[]
  ids?: string[]
  /** ISO date-times. */
  fromCompleted?: string
  toCompleted?: string
  fromQueue?: string
  toQueue?: string
  fromStart?: string
  toStart?: string
  active?: boolean
  running?: boolean
  partialName?: string
  description?: string
  hasWarnings?: boolean
}

export interface TaskLogRow {
  seq: number
  activity_id: string
  category: string
  occurred_at: string
  message: string
}

/** The stored JSON of the tasks the filter selects, newest first: SQL where a column serves, the document otherwise. */
export function listTaskJson(ctx: ModelContext, filter: TaskListFilter): string[] {
  const where: string[] = []
  const args: unknown[] = []
  const {spaces, states, names, ids} = filter
  if (spaces && spaces.length && !spaces.includes('all')) {
    where.push(`space_id IN (${spaces.map(() => '?').join(',')})`)
    args.push(...spaces)
  }
  if (states?.length) {
    where.push(`state COLLATE NOCASE IN (${states.map(() => '?').join(',')})`)
    args.push(...states)
  }
  if (names?.length) {
    where.push(`name COLLATE NOCASE IN (${names.map(() => '?').join(',')})`)
    args.push(...names)
  }
  if (filter.fromCompleted) {
    where.push('completed_time >= ?')
    args.push(filter.fromCompleted)
  }
  if (filter.toCompleted) {
    where.push('completed_time <= ?')
    args.push(filter.toCompleted)
  }
  if (ids?.length) {
    where.push(`id COLLATE NOCASE IN (${ids.map(() => '?').join(',')})`)
    args.push(...ids)
  }
  if (filter.active !== undefined) where.push(filter.active ? `state IN ('Queued','Executing','Cancelling')` : `state NOT IN ('Queued','Executing','Cancelling')`)
  if (filter.running !== undefined) where.push(filter.running ? `state IN ('Executing','Cancelling')` : `state NOT IN ('Executing','Cancelling')`)
  const sql = `SELECT json FROM tasks ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY num DESC`
  const texts = ctx.store.prepare(sql).pluck().all(...args) as string[]
  const {partialName, description, hasWarnings, fromQueue, toQueue, fromStart, toStart} = filter
  if (!(partialName || description || hasWarnings !== undefined || fromQueue || toQueue || fromStart || toStart)) return texts
  return texts.filter((text) => {
    const t = JSON.parse(text) as TaskDoc
    return (!partialName || t.Description.toLowerCase().includes(partialName)) &&
      (!description || t.Description.toLowerCase().includes(description)) &&
      (hasWarnings === undefined || t.HasWarningsOrErrors === hasWarnings) &&
      (!fromQueue || t.QueueTime >= fromQueue) && (!toQueue || t.QueueTime <= toQueue) &&
      (!fromStart || (t.StartTime !== null && t.StartTime >= fromStart)) && (!toStart || (t.StartTime !== null && t.StartTime <= toStart))
  })
}

/** A task's log lines in order. */
export function listTaskLog(ctx: ModelContext, taskId: string): TaskLogRow[] {
  return ctx.store.prepare('SELECT seq, activity_id, category, occurred_at, message FROM task_log WHERE task_id = ? ORDER BY seq').all(taskId) as TaskLogRow[]
}
