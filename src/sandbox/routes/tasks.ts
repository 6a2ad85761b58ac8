import {HttpError, queryBool, queryInt, queryList, queryValue, validationError} from '../http.js'
import type {SandboxContext} from '../server-context.js'
import {collectionJson, paging} from '../collections.js'
import {spacePath} from '../docs.js'
import {queryTemplate} from '../profiles.js'
import {workerTaskLease, type LeaseRow} from '../model/leases.js'
import type {Activity, TaskDoc} from '../model/tasks/store.js'
import type {Request, Route} from '../router.js'

interface LogRow {
  seq: number
  activity_id: string
  category: string
  occurred_at: string
  message: string
}

function isoParam(query: URLSearchParams, name: string): string | undefined {
  const raw = queryValue(query, name)
  if (!raw) return undefined
  const time = Date.parse(raw)
  if (Number.isNaN(time)) throw validationError(`The query parameter '${name}' must be a date-time, not '${raw}'.`)
  return new Date(time).toISOString()
}

/** Task IDs are global; a space-scoped route only sees its own space's tasks. */
function loadTask(req: Request): TaskDoc {
  const task = req.ctx.tasks.getTask(req.params.id)
  if (!task || (req.explicitSpace && task.SpaceId !== req.spaceId)) throw new HttpError(404, `The ServerTask with ID '${req.params.id}' could not be found.`, [`The ServerTask with ID '${req.params.id}' could not be found.`])
  return task
}

function listTasks(req: Request): string {
  const {query, ctx} = req
  const where: string[] = []
  const args: unknown[] = []
  const spaces = req.explicitSpace ? [req.spaceId] : queryList(query, 'spaces')
  if (spaces && spaces.length && !spaces.includes('all')) {
    where.push(`space_id IN (${spaces.map(() => '?').join(',')})`)
    args.push(...spaces)
  }
  const states = queryList(query, 'states')
  if (states?.length) {
    where.push(`state COLLATE NOCASE IN (${states.map(() => '?').join(',')})`)
    args.push(...states)
  }
  const names = queryList(query, 'name')
  if (names?.length) {
    where.push(`name COLLATE NOCASE IN (${names.map(() => '?').join(',')})`)
    args.push(...names)
  }
  const fromCompleted = isoParam(query, 'fromCompletedDate')
  const toCompleted = isoParam(query, 'toCompletedDate')
  if (fromCompleted) {
    where.push('completed_time >= ?')
    args.push(fromCompleted)
  }
  if (toCompleted) {
    where.push('completed_time <= ?')
    args.push(toCompleted)
  }
  const ids = queryList(query, 'ids')
  if (ids?.length) {
    where.push(`id COLLATE NOCASE IN (${ids.map(() => '?').join(',')})`)
    args.push(...ids)
  }
  const active = queryBool(query, 'active')
  if (active !== undefined) where.push(active ? `state IN ('Queued','Executing','Cancelling')` : `state NOT IN ('Queued','Executing','Cancelling')`)
  const running = queryBool(query, 'running')
  if (running !== undefined) where.push(running ? `state IN ('Executing','Cancelling')` : `state NOT IN ('Executing','Cancelling')`)
  const sql = `SELECT json FROM tasks ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY num DESC`
  let texts = ctx.store.prepare(sql).pluck().all(...args) as string[]
  const partialName = queryValue(query, 'partialName')?.toLowerCase()
  const description = queryValue(query, 'description')?.toLowerCase()
  const hasWarnings = queryBool(query, 'hasWarningsOrErrors')
  const fromQueue = isoParam(query, 'fromQueueDate')
  const toQueue = isoParam(query, 'toQueueDate')
  const fromStart = isoParam(query, 'fromStartDate')
  const toStart = isoParam(query, 'toStartDate')
  if (partialName || description || hasWarnings !== undefined || fromQueue || toQueue || fromStart || toStart) {
    texts = texts.filter((text) => {
      const t = JSON.parse(text) as TaskDoc
      return (!partialName || t.Description.toLowerCase().includes(partialName)) &&
        (!description || t.Description.toLowerCase().includes(description)) &&
        (hasWarnings === undefined || t.HasWarningsOrErrors === hasWarnings) &&
        (!fromQueue || t.QueueTime >= fromQueue) && (!toQueue || t.QueueTime <= toQueue) &&
        (!fromStart || (t.StartTime !== null && t.StartTime >= fromStart)) && (!toStart || (t.StartTime !== null && t.StartTime <= toStart))
    })
  }
  const base = req.explicitSpace ? spacePath(req.spaceId, 'tasks') : '/api/tasks'
  return collectionJson(ctx, 'Task', texts, paging(query), base, `${base}${queryTemplate(ctx.profile, 'Tasks')}`, query)
}

function logRows(ctx: SandboxContext, taskId: string): LogRow[] {
  return ctx.store.prepare('SELECT seq, activity_id, category, occurred_at, message FROM task_log WHERE task_id = ? ORDER BY seq').all(taskId) as LogRow[]
}

/**
 * TaskDetailsResource. `verbose=false` (default) hides Verbose lines; `tail=N` keeps the last N
 * log lines of each activity (as Octopus applies it per activity node).
 */
function details(req: Request) {
  const task = loadTask(req)
  const verbose = queryBool(req.query, 'verbose') ?? false
  const tail = queryInt(req.query, 'tail', 0)
  const activities = req.ctx.tasks.activities(task.Id)
  const rows = logRows(req.ctx, task.Id)
  const byActivity = new Map<string, LogRow[]>()
  for (const row of rows) {
    if (!verbose && row.category === 'Verbose') continue
    const list = byActivity.get(row.activity_id) ?? []
    list.push(row)
    byActivity.set(row.activity_id, list)
  }
  const build = (activity: Activity): unknown => {
    let logs = byActivity.get(activity.Id) ?? []
    if (tail > 0) logs = logs.slice(-tail)
    const children = activities.filter((a) => a.ParentId === activity.Id).map(build)
    return {
      Id: activity.Id,
      Name: activity.Name,
      Started: activity.Started,
      Ended: activity.Ended,
      Status: activity.Status,
      Children: children,
      ShowAtSummaryLevel: activity.ShowAtSummaryLevel,
      LogElements: logs.map((l) => ({Category: l.category, OccurredAt: l.occurred_at, MessageText: l.message, Detail: null})),
      ProgressPercentage: activity.Status === 'Running' ? 50 : activity.Status === 'Pending' ? 0 : 100,
      ProgressMessage: null,
    }
  }
  const roots = activities.filter((a) => a.ParentId === null).map(build)
  const size = rows.reduce((n, r) => n + Buffer.byteLength(r.message) + 40, 0)
  return {
    Id: null,
    Task: task,
    ActivityLogs: roots,
    Progress: {ProgressPercentage: task.IsCompleted ? 100 : task.State === 'Executing' ? 50 : 0, EstimatedTimeRemaining: task.IsCompleted ? '0s' : 'unknown'},
    PhysicalLogSize: size,
    Links: {Self: `/api/tasks/${task.Id}/details`},
  }
}

/** The plain-text log, one line per log element, indented by activity depth. */
function raw(req: Request): string {
  const task = loadTask(req)
  const activities = req.ctx.tasks.activities(task.Id)
  const depth = new Map<string, number>()
  for (const a of activities) depth.set(a.Id, a.ParentId ? (depth.get(a.ParentId) ?? 0) + 1 : 0)
  const name = new Map(activities.map((a) => [a.Id, a.Name]))
  const lines = [
    `Task ID:        ${task.Id}`,
    `Related IDs:    ${task.SpaceId}`,
    `Task status:    ${task.State}`,
    `Task queued:    ${task.QueueTime}`,
    `Task started:   ${task.StartTime ?? ''}`,
    `Task completed: ${task.CompletedTime ?? ''}`,
    `Task duration:  ${task.Duration ?? ''}`,
    `Server version: ${req.ctx.version}`,
    `Server node:    ${task.ServerNode ?? ''}`,
    '',
  ]
  let lastActivity = ''
  for (const row of logRows(req.ctx, task.Id)) {
    const indent = '  '.repeat(depth.get(row.activity_id) ?? 0)
    if (row.activity_id !== lastActivity) {
      lines.push(`                    |${indent}== ${name.get(row.activity_id) ?? row.activity_id} ==`)
      lastActivity = row.activity_id
    }
    lines.push(`${row.occurred_at.slice(11, 19)}   ${row.category.padEnd(7)} |${indent}  ${row.message}`)
  }
  return lines.join('\n') + '\n'
}

function workerTaskLeases(req: Request) {
  const {skip, take} = paging(req.query)
  const total = req.ctx.store.prepare('SELECT COUNT(*) FROM leases WHERE space_id = ? AND released_at IS NULL').pluck().get(req.spaceId) as number
  const rows = req.ctx.store.prepare('SELECT * FROM leases WHERE space_id = ? AND released_at IS NULL ORDER BY num LIMIT ? OFFSET ?').all(req.spaceId, take, skip) as LeaseRow[]
  const pages = take > 0 ? Math.max(1, Math.ceil(total / take)) : 1
  return {
    WorkerTaskLeases: {
      ItemType: 'WorkerTaskLease',
      TotalResults: total,
      ItemsPerPage: take,
      NumberOfPages: pages,
      LastPageNumber: pages - 1,
      Items: rows.map(workerTaskLease),
      Links: {Self: spacePath(req.spaceId, `workertaskleases?skip=${skip}&take=${take}`)},
    },
  }
}

export const taskRoutes: Route[] = [
  {method: 'GET', path: 'tasks', scope: 'space', query: 'Tasks', handler: (req) => ({jsonText: listTasks(req)})},
  {method: 'POST', path: 'tasks', scope: 'space', handler: (req) => {
    // Legacy `/api/tasks` honours the body's SpaceId; a space route pins the space.
    const body = req.body() as {SpaceId?: unknown} | null
    const spaceId = !req.explicitSpace && typeof body?.SpaceId === 'string' ? body.SpaceId : req.spaceId
    return {status: 201, json: req.ctx.tasks.createFromApi(spaceId, body)}
  }},
  {method: 'GET', path: 'tasks/tasktypes', scope: 'space', handler: () => ({json: [
    {Id: 'Health', Name: 'Health', Description: 'Check the health of machines'},
    {Id: 'Upgrade', Name: 'Upgrade', Description: 'Upgrade Tentacles'},
    {Id: 'Deploy', Name: 'Deploy', Description: 'Deploy a release'},
  ]})},
  {method: 'GET', path: 'tasks/{id}', scope: 'space', handler: (req) => ({json: loadTask(req)})},
  {method: 'GET', path: 'tasks/{id}/details', scope: 'space', handler: (req) => ({json: details(req)})},
  {method: 'GET', path: 'tasks/{id}/raw', scope: 'space', handler: (req) => ({text: raw(req)})},
  {method: 'POST', path: 'tasks/{id}/cancel', scope: 'space', handler: (req) => ({json: req.ctx.tasks.cancel(loadTask(req).Id)})},
  {method: 'GET', path: 'workertaskleases', scope: 'space', when: (profile) => profile.workerTaskLeases, handler: (req) => ({json: workerTaskLeases(req)})},
]
