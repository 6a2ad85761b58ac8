import {queryBool, queryList, queryValue, validationError} from '../http.js'
import type {ModelContext} from '../context.js'
import {assertUniqueName, loadDoc, spacePath, stamp} from '../docs.js'
import {endpointIdentity, readEndpoint, reportedTentacleVersion} from '../endpoints.js'
import {machineStatus, statusSummary} from '../health.js'
import {Fields, slugify} from '../validate.js'
import type {PoolDoc, WorkerDoc} from './documents.js'
import {firstActiveLeaseOf} from './leases.js'

export type {WorkerDoc}

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

export function defaultMachinePolicyId(ctx: ModelContext, spaceId: string): string | undefined {
  return ctx.store.listDocs('MachinePolicy', spaceId).map((r) => JSON.parse(r.json) as {Id: string; IsDefault: boolean}).find((p) => p.IsDefault)?.Id
}

/** Reads and checks a worker document (POST or a full-replace PUT). */
function readWorker(ctx: ModelContext, routeSpaceId: string, body: unknown, existing?: WorkerDoc): WorkerDoc {
  const f = Fields.of(body)
  const name = f.requiredString('Name', 'worker name')
  const isDisabled = f.optionalBoolean('IsDisabled', false)
  const poolIds = f.stringArray('WorkerPoolIds')
  const policyId = f.optionalString('MachinePolicyId') ?? defaultMachinePolicyId(ctx, routeSpaceId) ?? 'MachinePolicies-1'
  const spaceId = f.optionalString('SpaceId')
  const endpointFields = f.object('Endpoint')
  const skipInitialHealthCheck = ctx.profile.fields.skipInitialHealthCheck ? f.optionalBoolean('SkipInitialHealthCheck', existing?.SkipInitialHealthCheck ?? false) : false
  const errors = [...f.errors]
  if (spaceId && spaceId !== routeSpaceId) errors.push(`SpaceId '${spaceId}' does not match the space of this route (${routeSpaceId}).`)
  if (!f.errors.some((e) => e.startsWith('WorkerPoolIds'))) errors.push(...assertPoolsAcceptWorkers(ctx, routeSpaceId, poolIds))
  const policy = ctx.store.getDoc('MachinePolicy', policyId)
  if (!policy || policy.space_id !== routeSpaceId) errors.push(`Machine policy '${policyId}' does not exist in ${routeSpaceId}.`)
  // A worker stored without an endpoint may be PUT back as it is (Endpoint still null).
  const keepsNoEndpoint = existing !== undefined && existing.Endpoint === null && !endpointFields
  const endpoint = keepsNoEndpoint ? null : readEndpoint(ctx, routeSpaceId, endpointFields, errors, existing?.Endpoint)
  if (errors.length || endpoint === undefined) throw validationError(...errors)
  const identity = endpoint ? endpointIdentity(endpoint) : {Uri: existing?.Uri ?? null, Thumbprint: existing?.Thumbprint ?? null}
  const id = existing?.Id ?? ''
  const health = existing?.HealthStatus ?? 'Unknown'
  return {
    Id: id,
    Name: name,
    Slug: slugify(name),
    SpaceId: routeSpaceId,
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
    Links: workerLinks(routeSpaceId, id),
  }
}

export function createWorker(ctx: ModelContext, spaceId: string, body: unknown): WorkerDoc {
  const doc = readWorker(ctx, spaceId, body)
  return ctx.store.transaction(() => {
    assertUniqueName(ctx, 'Worker', spaceId, doc.Name, undefined, 'worker name')
    const {id, num} = ctx.store.nextId('Worker')
    const created = {...doc, Id: id, Links: workerLinks(spaceId, id)}
    ctx.store.putDoc('Worker', created, num)
    ctx.store.setPoolMembers(id, created.WorkerPoolIds)
    return created
  })
}

export function loadWorker(ctx: ModelContext, spaceId: string, id: string): WorkerDoc {
  return loadDoc<WorkerDoc>(ctx, 'Worker', id, spaceId)
}

/** A full replace of `existing` (loaded first, so an unknown ID is 404 whatever the body). */
export function updateWorker(ctx: ModelContext, spaceId: string, existing: WorkerDoc, body: unknown): WorkerDoc {
  const doc = readWorker(ctx, spaceId, body, existing)
  return ctx.store.transaction(() => {
    assertUniqueName(ctx, 'Worker', spaceId, doc.Name, existing.Id, 'worker name')
    ctx.store.putDoc('Worker', doc)
    ctx.store.setPoolMembers(doc.Id, doc.WorkerPoolIds)
    return doc
  })
}

/** A worker holding an active lease cannot be deleted (as in Octopus: "it is currently in use"). */
export function deleteWorker(ctx: ModelContext, spaceId: string, id: string): void {
  const worker = loadDoc<WorkerDoc>(ctx, 'Worker', id, spaceId)
  ctx.store.transaction(() => {
    const lease = firstActiveLeaseOf(ctx, worker.Id)
    if (lease) {
      throw validationError(`Worker ${worker.Name} is currently leased by ${lease.task_id} (WorkerTaskLeases-${lease.num}) and cannot be deleted. Wait for the task to finish or cancel it, then try again.`)
    }
    ctx.store.deleteDoc(worker.Id)
  })
}

export function connectionStatus(ctx: ModelContext, spaceId: string, id: string) {
  const worker = loadDoc<WorkerDoc>(ctx, 'Worker', id, spaceId)
  const last = ctx.store.prepare(`SELECT l.occurred_at, l.message, l.category FROM task_log l JOIN tasks t ON t.id = l.task_id
    WHERE t.name = 'Health' AND l.message LIKE ? ORDER BY t.num DESC, l.seq DESC LIMIT 1`).get(`${worker.Name}: %`) as {occurred_at: string; message: string; category: string} | undefined
  return {
    Id: null,
    MachineId: worker.Id,
    Status: worker.HealthStatus === 'Unknown' ? 'Unknown' : worker.HealthStatus === 'Unavailable' ? 'Offline' : 'Online',
    CurrentTentacleVersion: reportedTentacleVersion(worker.Endpoint),
    LastChecked: last?.occurred_at ?? null,
    Logs: last ? [{Category: last.category, MessageText: last.message, OccurredAt: last.occurred_at, Detail: null, Number: 1, GapLastNumber: null}] : [],
    Links: {Self: spacePath(spaceId, `workers/${worker.Id}/connection`)},
  }
}

/** The distinct operating systems or shells of a space's workers, sorted. */
export function distinctWorkerValues(ctx: ModelContext, spaceId: string, field: 'OperatingSystem' | 'ShellName'): string[] {
  const values = new Set(ctx.store.listJson('Worker', spaceId).map((t) => (JSON.parse(t) as WorkerDoc)[field]))
  return [...values].sort()
}

/** A worker needs at least one existing static pool of its own space. */
export function assertPoolsAcceptWorkers(ctx: ModelContext, spaceId: string, poolIds: string[]): string[] {
  const errors: string[] = []
  if (poolIds.length === 0) errors.push('A worker must belong to at least one worker pool (WorkerPoolIds).')
  for (const id of poolIds) {
    const row = ctx.store.getDoc('WorkerPool', id)
    if (!row || row.space_id !== spaceId) errors.push(`Worker pool '${id}' does not exist in ${spaceId}.`)
    else if ((JSON.parse(row.json) as PoolDoc).WorkerPoolType !== 'StaticWorkerPool') errors.push(`Worker pool '${(JSON.parse(row.json) as PoolDoc).Name}' (${id}) is a dynamic worker pool and cannot contain workers.`)
  }
  return errors
}
