import {queryBool, queryList, queryValue, validationError} from '../http.js'
import type {SandboxContext} from '../context.js'
import {arrayJson, collectionJson, paging} from '../collections.js'
import {assertUniqueName, loadDoc, loadJson, spacePath, stamp} from '../docs.js'
import {endpointIdentity, readEndpoint, reportedTentacleVersion, type EndpointDoc} from '../endpoints.js'
import {machineStatus, statusSummary, type HealthStatus} from '../health.js'
import {queryTemplate} from '../profiles.js'
import {Fields, slugify} from '../validate.js'
import type {Request, Route} from '../router.js'
import {assertPoolsAcceptWorkers} from './pools.js'

export interface WorkerDoc {
  Id: string
  Name: string
  Slug: string
  SpaceId: string
  WorkerPoolIds: string[]
  MachinePolicyId: string
  IsDisabled: boolean
  HealthStatus: HealthStatus
  /** MachineModelStatus: stored for every version, left out of responses where the version lacks it (context.ts). */
  Status: string
  StatusSummary: string
  HasLatestCalamari: boolean
  IsInProcess: boolean
  Thumbprint: string | null
  Uri: string | null
  /** Null on some real workers (documents from Octopus's own client tests); never created by this sandbox's POST. */
  Endpoint: EndpointDoc | null
  OperatingSystem: string
  /** Newer servers only (left out of older versions' responses). */
  OperatingSystemVersion: string | null
  /** 2024.3.285+: writable on create; left out of older versions' responses. */
  SkipInitialHealthCheck: boolean
  ShellName: string
  ShellVersion: string
  Architecture: string
  LastModifiedOn: string
  LastModifiedBy: string
  Links: Record<string, string>
}

export interface WorkerFilter {
  ids?: string[]
  name?: string
  partialName?: string
  isDisabled?: boolean
  healthStatuses?: string[]
  commStyles?: string[]
  workerPoolIds?: string[]
  thumbprint?: string
  shellNames?: string[]
  operatingSystemNames?: string[]
}

export function workerFilterFromQuery(query: URLSearchParams): WorkerFilter {
  return {
    ids: queryList(query, 'ids'),
    name: queryValue(query, 'name'),
    partialName: queryValue(query, 'partialName'),
    isDisabled: queryBool(query, 'isDisabled'),
    healthStatuses: queryList(query, 'healthStatuses'),
    commStyles: queryList(query, 'commStyles'),
    workerPoolIds: queryList(query, 'workerPoolIds'),
    thumbprint: queryValue(query, 'thumbprint'),
    shellNames: queryList(query, 'shellNames'),
    operatingSystemNames: queryList(query, 'operatingSystemNames'),
  }
}

export function hasWorkerFilter(filter: WorkerFilter): boolean {
  return Object.values(filter).some((v) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))
}

const lowerSet = (values?: string[]) => (values && values.length ? new Set(values.map((v) => v.toLowerCase())) : undefined)

export function filterWorkers<T extends WorkerDoc>(workers: T[], filter: WorkerFilter): T[] {
  const ids = lowerSet(filter.ids)
  const health = lowerSet(filter.healthStatuses)
  const styles = lowerSet(filter.commStyles)
  const pools = lowerSet(filter.workerPoolIds)
  const shells = lowerSet(filter.shellNames)
  const systems = lowerSet(filter.operatingSystemNames)
  const name = filter.name?.toLowerCase()
  const partial = filter.partialName?.toLowerCase()
  const thumbprint = filter.thumbprint?.toUpperCase()
  return workers.filter((w) =>
    (!ids || ids.has(w.Id.toLowerCase())) &&
    (!name || w.Name.toLowerCase() === name) &&
    (!partial || w.Name.toLowerCase().includes(partial)) &&
    (filter.isDisabled === undefined || w.IsDisabled === filter.isDisabled) &&
    (!health || health.has(w.HealthStatus.toLowerCase())) &&
    (!styles || styles.has((w.Endpoint?.CommunicationStyle ?? '').toLowerCase())) &&
    (!pools || w.WorkerPoolIds.some((p) => pools.has(p.toLowerCase()))) &&
    (!thumbprint || (w.Thumbprint ?? '').toUpperCase() === thumbprint) &&
    (!shells || shells.has(w.ShellName.toLowerCase())) &&
    (!systems || systems.has(w.OperatingSystem.toLowerCase())))
}

export function workerLinks(spaceId: string, id: string): Record<string, string> {
  return {Self: spacePath(spaceId, `workers/${id}`), Connection: spacePath(spaceId, `workers/${id}/connection`)}
}

export function defaultMachinePolicyId(ctx: SandboxContext, spaceId: string): string | undefined {
  return ctx.store.listDocs('MachinePolicy', spaceId).map((r) => JSON.parse(r.json) as {Id: string; IsDefault: boolean}).find((p) => p.IsDefault)?.Id
}

/** Reads and checks a worker document (POST or a full-replace PUT). */
function readWorker(ctx: SandboxContext, req: Request, existing?: WorkerDoc): WorkerDoc {
  const f = Fields.of(req.body())
  const name = f.requiredString('Name', 'worker name')
  const isDisabled = f.optionalBoolean('IsDisabled', false)
  const poolIds = f.stringArray('WorkerPoolIds')
  const policyId = f.optionalString('MachinePolicyId') ?? defaultMachinePolicyId(ctx, req.spaceId) ?? 'MachinePolicies-1'
  const spaceId = f.optionalString('SpaceId')
  const endpointFields = f.object('Endpoint')
  const skipInitialHealthCheck = ctx.profile.fields.skipInitialHealthCheck ? f.optionalBoolean('SkipInitialHealthCheck', existing?.SkipInitialHealthCheck ?? false) : false
  const errors = [...f.errors]
  if (spaceId && spaceId !== req.spaceId) errors.push(`SpaceId '${spaceId}' does not match the space of this route (${req.spaceId}).`)
  if (!f.errors.some((e) => e.startsWith('WorkerPoolIds'))) errors.push(...assertPoolsAcceptWorkers(ctx, req.spaceId, poolIds))
  const policy = ctx.store.getDoc('MachinePolicy', policyId)
  if (!policy || policy.space_id !== req.spaceId) errors.push(`Machine policy '${policyId}' does not exist in ${req.spaceId}.`)
  // A worker stored without an endpoint may be PUT back as it is (Endpoint still null).
  const keepsNoEndpoint = existing !== undefined && existing.Endpoint === null && !endpointFields
  const endpoint = keepsNoEndpoint ? null : readEndpoint(ctx, req.spaceId, endpointFields, errors, existing?.Endpoint)
  if (errors.length || endpoint === undefined) throw validationError(...errors)
  const identity = endpoint ? endpointIdentity(endpoint) : {Uri: existing?.Uri ?? null, Thumbprint: existing?.Thumbprint ?? null}
  const id = existing?.Id ?? ''
  const health = existing?.HealthStatus ?? 'Unknown'
  return {
    Id: id,
    Name: name,
    Slug: slugify(name),
    SpaceId: req.spaceId,
    WorkerPoolIds: [...new Set(poolIds.map((p) => ctx.store.getDoc('WorkerPool', p)!.id))],
    MachinePolicyId: policy!.id,
    IsDisabled: isDisabled,
    HealthStatus: health,
    Status: machineStatus(health, isDisabled, reportedTentacleVersion(endpoint)),
    StatusSummary: existing?.StatusSummary ?? statusSummary(health),
    HasLatestCalamari: existing?.HasLatestCalamari ?? false,
    IsInProcess: false,
    Thumbprint: identity.Thumbprint,
    Uri: identity.Uri,
    Endpoint: endpoint,
    OperatingSystem: existing?.OperatingSystem ?? 'Unknown',
    OperatingSystemVersion: existing?.OperatingSystemVersion ?? null,
    SkipInitialHealthCheck: skipInitialHealthCheck,
    ShellName: existing?.ShellName ?? 'Unknown',
    ShellVersion: existing?.ShellVersion ?? 'Unknown',
    Architecture: existing?.Architecture ?? 'Unknown',
    ...stamp(ctx),
    Links: workerLinks(req.spaceId, id),
  }
}

function createWorker(ctx: SandboxContext, req: Request): WorkerDoc {
  const doc = readWorker(ctx, req)
  return ctx.store.transaction(() => {
    assertUniqueName(ctx, 'Worker', req.spaceId, doc.Name, undefined, 'worker name')
    const {id, num} = ctx.store.nextId('Worker')
    const created = {...doc, Id: id, Links: workerLinks(req.spaceId, id)}
    ctx.store.putDoc('Worker', created, num)
    ctx.store.setPoolMembers(id, created.WorkerPoolIds)
    return created
  })
}

function updateWorker(ctx: SandboxContext, req: Request): WorkerDoc {
  const existing = loadDoc<WorkerDoc>(ctx, 'Worker', req.params.id, req.spaceId)
  const doc = readWorker(ctx, req, existing)
  return ctx.store.transaction(() => {
    assertUniqueName(ctx, 'Worker', req.spaceId, doc.Name, existing.Id, 'worker name')
    ctx.store.putDoc('Worker', doc)
    ctx.store.setPoolMembers(doc.Id, doc.WorkerPoolIds)
    return doc
  })
}

/** A worker holding an active lease cannot be deleted (as in Octopus: "it is currently in use"). */
function deleteWorker(ctx: SandboxContext, req: Request): void {
  const worker = loadDoc<WorkerDoc>(ctx, 'Worker', req.params.id, req.spaceId)
  ctx.store.transaction(() => {
    const lease = ctx.store.prepare('SELECT num, task_id FROM leases WHERE worker_id = ? AND released_at IS NULL ORDER BY num LIMIT 1').get(worker.Id) as {num: number; task_id: string} | undefined
    if (lease) {
      throw validationError(`Worker ${worker.Name} is currently leased by ${lease.task_id} (WorkerTaskLeases-${lease.num}) and cannot be deleted. Wait for the task to finish or cancel it, then try again.`)
    }
    ctx.store.deleteDoc(worker.Id)
  })
}

function connectionStatus(ctx: SandboxContext, req: Request) {
  const worker = loadDoc<WorkerDoc>(ctx, 'Worker', req.params.id, req.spaceId)
  const last = ctx.store.prepare(`SELECT l.occurred_at, l.message, l.category FROM task_log l JOIN tasks t ON t.id = l.task_id
    WHERE t.name = 'Health' AND l.message LIKE ? ORDER BY t.num DESC, l.seq DESC LIMIT 1`).get(`${worker.Name}: %`) as {occurred_at: string; message: string; category: string} | undefined
  return {
    Id: null,
    MachineId: worker.Id,
    Status: worker.HealthStatus === 'Unknown' ? 'Unknown' : worker.HealthStatus === 'Unavailable' ? 'Offline' : 'Online',
    CurrentTentacleVersion: reportedTentacleVersion(worker.Endpoint),
    LastChecked: last?.occurred_at ?? null,
    Logs: last ? [{Category: last.category, MessageText: last.message, OccurredAt: last.occurred_at, Detail: null, Number: 1, GapLastNumber: null}] : [],
    Links: {Self: spacePath(req.spaceId, `workers/${worker.Id}/connection`)},
  }
}

export const workerRoutes: Route[] = [
  {method: 'GET', path: 'workers', scope: 'space', query: 'Workers', handler: (req) => {
    const filter = workerFilterFromQuery(req.query)
    const texts = req.ctx.store.listJson('Worker', req.spaceId, true)
    const items = hasWorkerFilter(filter) ? filterWorkers(texts.map((t) => JSON.parse(t) as WorkerDoc), filter).map((w) => JSON.stringify(w)) : texts
    return {jsonText: collectionJson(req.ctx, 'Worker', items, paging(req.query), spacePath(req.spaceId, 'workers'), spacePath(req.spaceId, `workers${queryTemplate(req.ctx.profile, 'Workers')}`), req.query)}
  }},
  {method: 'GET', path: 'workers/all', scope: 'space', query: 'WorkersAll', handler: (req) => {
    const filter = workerFilterFromQuery(req.query)
    const texts = req.ctx.store.listJson('Worker', req.spaceId, true)
    // The fast path: stored JSON concatenated, never parsed (2,000 workers well under 300 ms).
    if (!hasWorkerFilter(filter)) return {jsonText: arrayJson(texts)}
    return {jsonText: arrayJson(filterWorkers(texts.map((t) => JSON.parse(t) as WorkerDoc), filter).map((w) => JSON.stringify(w)))}
  }},
  {method: 'POST', path: 'workers', scope: 'space', handler: (req) => ({status: 201, json: createWorker(req.ctx, req)})},
  {method: 'GET', path: 'workers/operatingsystem/names/all', scope: 'space', handler: (req) => ({json: distinct(req, 'OperatingSystem')})},
  {method: 'GET', path: 'workers/operatingsystem/shells/all', scope: 'space', handler: (req) => ({json: distinct(req, 'ShellName')})},
  {method: 'GET', path: 'workers/{id}', scope: 'space', handler: (req) => ({jsonText: loadJson(req.ctx, 'Worker', req.params.id, req.spaceId)})},
  {method: 'PUT', path: 'workers/{id}', scope: 'space', handler: (req) => ({json: updateWorker(req.ctx, req)})},
  {method: 'DELETE', path: 'workers/{id}', scope: 'space', handler: (req) => {
    deleteWorker(req.ctx, req)
    return {json: null}
  }},
  {method: 'GET', path: 'workers/{id}/connection', scope: 'space', handler: (req) => ({json: connectionStatus(req.ctx, req)})},
]

function distinct(req: Request, field: 'OperatingSystem' | 'ShellName'): string[] {
  const values = new Set(req.ctx.store.listJson('Worker', req.spaceId).map((t) => (JSON.parse(t) as WorkerDoc)[field]))
  return [...values].sort()
}
