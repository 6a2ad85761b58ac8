import {HttpError, queryBool, queryInt, queryList, queryValue, validationError} from '../http.js'
import {collectionJson, paging} from '../collections.js'
import {spacePath} from '../docs.js'
import type {PresentedJson} from '../present.js'
import {queryTemplate} from '../profiles.js'
import {activeLeasePage, workerTaskLease} from '../model/leases.js'
import type {Activity, TaskDoc} from '../model/tasks/store.js'
import {listTaskJson, listTaskLog, type TaskListFilter, type TaskLogRow} from '../model/tasks/queries.js'
import type {Request, Route} from '../router.js'

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

function listTasks(req: Request): PresentedJson {
  const {query, ctx} = req
  const filter: TaskListFilter = {
    spaces: req.explicitSpace ? [req.spaceId] : queryList(query, 'spaces'),
    states: queryList(query, 'states'),
    names: queryList(query, 'name'),
    fromCompleted: isoParam(query, 'fromCompletedDate'),
    toCompleted: isoParam(query, 'toCompletedDate'),
    ids: queryList(query, 'ids'),
    active: queryBool(query, 'active'),
    running: queryBool(query, 'running'),
    partialName: queryValue(query, 'partialName')?.toLowerCase(),
    description: queryValue(query, 'description')?.toLowerCase(),
    hasWarnings: queryBool(query, 'hasWarningsOrErrors'),
    fromQueue: isoParam(query, 'fromQueueDate'),
    toQueue: isoParam(query, 'toQueueDate'),
    fromStart: isoParam(query, 'fromStartDate'),
    toStart: isoParam(query, 'toStartDate'),
  }
  const texts = listTaskJson(ctx, filter)
  const base = req.explicitSpace ? spacePath(req.spaceId, 'tasks') : '/api/tasks'
  return collectionJson(ctx, 'Task', texts, paging(query), base, `${base}${queryTemplate(ctx.profile, 'Tasks')}`, query)
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
  const rows = listTaskLog(req.ctx, task.Id)
  const byActivity = new Map<string, TaskLogRow[]>()
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
  for (const row of listTaskLog(req.ctx, task.Id)) {
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
  const {total, rows} = activeLeasePage(req.ctx, req.spaceId, skip, take)
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
