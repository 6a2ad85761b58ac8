import {queryBool, queryList, queryValue, validationError} from '../http.js'
import type {ModelContext} from '../context.js'
import {assertUniqueName, loadDoc, matchesCommonFilters, spacePath, stamp} from '../docs.js'
import {Fields, slugify} from '../validate.js'
import type {PoolDoc, WorkerDoc, WorkerPoolType} from './documents.js'
import {filterWorkers, workerFilterFromQuery, type WorkerFilter} from './workers.js'

export type {PoolDoc, WorkerPoolType}

/** The dynamic worker images this sandbox offers (the list newer servers and Terraform know). */
export const DYNAMIC_WORKER_TYPES = [
  {Id: 'Ubuntu2204', Type: 'Ubuntu2204', Description: 'Ubuntu Server 22.04'},
  {Id: 'UbuntuDefault', Type: 'UbuntuDefault', Description: 'Ubuntu (default)'},
  {Id: 'Windows2019', Type: 'Windows2019', Description: 'Windows Server Core 2019'},
  {Id: 'Windows2022', Type: 'Windows2022', Description: 'Windows Server Core 2022'},
  {Id: 'WindowsDefault', Type: 'WindowsDefault', Description: 'Windows (default)'},
]

export function poolLinks(spaceId: string, id: string): Record<string, string> {
  return {
    Self: spacePath(spaceId, `workerpools/${id}`),
    Workers: spacePath(spaceId, `workerpools/${id}/workers{?skip,take}`),
  }
}

export function buildPool(ctx: ModelContext, spaceId: string, id: string, fields: Omit<PoolDoc, 'Id' | 'SpaceId' | 'Slug' | 'CanAddWorkers' | 'Links' | 'LastModifiedOn' | 'LastModifiedBy'>): PoolDoc {
  const doc: PoolDoc = {
    Id: id,
    Name: fields.Name,
    Slug: slugify(fields.Name),
    Description: fields.Description,
    IsDefault: fields.IsDefault,
    SortOrder: fields.SortOrder,
    SpaceId: spaceId,
    WorkerPoolType: fields.WorkerPoolType,
    CanAddWorkers: fields.WorkerPoolType === 'StaticWorkerPool',
    ...stamp(ctx),
    Links: poolLinks(spaceId, id),
  }
  if (fields.WorkerPoolType === 'DynamicWorkerPool') doc.WorkerType = fields.WorkerType
  return doc
}

/** Reads and checks a pool document from a POST or PUT body; PUT replaces the whole document. */
function readPool(ctx: ModelContext, routeSpaceId: string, body: unknown, existing?: PoolDoc) {
  const f = Fields.of(body)
  const name = f.requiredString('Name')
  const description = f.optionalString('Description')
  const isDefault = f.optionalBoolean('IsDefault', false)
  const sortOrder = f.optionalInteger('SortOrder', existing?.SortOrder ?? nextSortOrder(ctx, routeSpaceId))
  const typeRaw = f.optionalString('WorkerPoolType') ?? existing?.WorkerPoolType ?? 'StaticWorkerPool'
  const spaceId = f.optionalString('SpaceId')
  const workerType = f.optionalString('WorkerType')
  if (typeRaw !== 'StaticWorkerPool' && typeRaw !== 'DynamicWorkerPool') f.errors.push(`WorkerPoolType must be StaticWorkerPool or DynamicWorkerPool, not '${typeRaw}'.`)
  const type = typeRaw as WorkerPoolType
  if (existing && type !== existing.WorkerPoolType) f.errors.push('The type of a worker pool cannot be changed.')
  if (spaceId && spaceId !== routeSpaceId) f.errors.push(`SpaceId '${spaceId}' does not match the space of this route (${routeSpaceId}).`)
  if (type === 'DynamicWorkerPool') {
    if (!workerType) f.errors.push(`A dynamic worker pool needs a WorkerType; one of: ${DYNAMIC_WORKER_TYPES.map((t) => t.Type).join(', ')}.`)
    else if (!DYNAMIC_WORKER_TYPES.some((t) => t.Type === workerType)) f.errors.push(`WorkerType '${workerType}' is not a known dynamic worker type; one of: ${DYNAMIC_WORKER_TYPES.map((t) => t.Type).join(', ')}.`)
  } else if (workerType) f.errors.push('WorkerType applies only to dynamic worker pools.')
  if (name.length > 200) f.errors.push('Name must be at most 200 characters.')
  f.check()
  return {Name: name, Description: description, IsDefault: isDefault, SortOrder: sortOrder, WorkerPoolType: type, WorkerType: workerType ?? undefined}
}

function nextSortOrder(ctx: ModelContext, spaceId: string): number {
  const max = ctx.store.prepare(`SELECT MAX(sort_order) FROM documents WHERE kind = 'WorkerPool' AND space_id = ?`).pluck().get(spaceId) as number | null
  return (max ?? 0) + 1
}

/** Clears IsDefault on every other pool of the space (there is always exactly one default). */
function moveDefaultTo(ctx: ModelContext, spaceId: string, poolId: string): void {
  for (const row of ctx.store.listDocs('WorkerPool', spaceId)) {
    if (row.id === poolId) continue
    const pool = JSON.parse(row.json) as PoolDoc
    if (pool.IsDefault) ctx.store.putDoc('WorkerPool', {...pool, IsDefault: false, ...stamp(ctx)})
  }
}

export function createPool(ctx: ModelContext, spaceId: string, body: unknown): PoolDoc {
  const fields = readPool(ctx, spaceId, body)
  return ctx.store.transaction(() => {
    assertUniqueName(ctx, 'WorkerPool', spaceId, fields.Name)
    const {id, num} = ctx.store.nextId('WorkerPool')
    const hasDefault = ctx.store.listDocs('WorkerPool', spaceId).some((r) => (JSON.parse(r.json) as PoolDoc).IsDefault)
    const doc = buildPool(ctx, spaceId, id, {...fields, IsDefault: fields.IsDefault || !hasDefault})
    if (doc.IsDefault) moveDefaultTo(ctx, spaceId, id)
    ctx.store.putDoc('WorkerPool', doc, num)
    return doc
  })
}

export function loadPool(ctx: ModelContext, spaceId: string, id: string): PoolDoc {
  return loadDoc<PoolDoc>(ctx, 'WorkerPool', id, spaceId)
}

/** A full replace of `existing` (loaded first, so an unknown ID is 404 whatever the body). */
export function updatePool(ctx: ModelContext, spaceId: string, existing: PoolDoc, body: unknown): PoolDoc {
  const fields = readPool(ctx, spaceId, body, existing)
  if (existing.IsDefault && !fields.IsDefault) {
    throw validationError(`'${existing.Name}' is the default worker pool of this space. Make another pool the default (PUT it with IsDefault: true) instead of clearing the flag.`)
  }
  if (fields.WorkerPoolType === 'DynamicWorkerPool' && ctx.store.poolWorkerCount(existing.Id) > 0) throw validationError('A dynamic worker pool cannot contain workers.')
  return ctx.store.transaction(() => {
    assertUniqueName(ctx, 'WorkerPool', spaceId, fields.Name, existing.Id)
    const doc = buildPool(ctx, spaceId, existing.Id, fields)
    if (doc.IsDefault && !existing.IsDefault) moveDefaultTo(ctx, spaceId, doc.Id)
    ctx.store.putDoc('WorkerPool', doc)
    return doc
  })
}

/**
 * Deleting a pool removes it from its workers' WorkerPoolIds. Octopus does not document this case;
 * the sandbox refuses (400) when a worker would be left in no pool at all, since a worker must be
 * in at least one pool, and names those workers.
 */
export function deletePool(ctx: ModelContext, spaceId: string, id: string): void {
  const pool = loadDoc<PoolDoc>(ctx, 'WorkerPool', id, spaceId)
  if (pool.IsDefault) throw validationError(`The default worker pool '${pool.Name}' cannot be deleted. Make another pool the default first.`)
  ctx.store.transaction(() => {
    const members = ctx.store.poolWorkerIds(pool.Id).map((id) => loadDoc<WorkerDoc>(ctx, 'Worker', id))
    const stranded = members.filter((w) => w.WorkerPoolIds.length <= 1)
    if (stranded.length) {
      throw validationError(`Worker pool '${pool.Name}' cannot be deleted: ${stranded.length === 1 ? 'worker' : 'workers'} ${stranded.map((w) => `'${w.Name}'`).join(', ')} would be left in no pool. Move or delete ${stranded.length === 1 ? 'it' : 'them'} first.`)
    }
    for (const worker of members) {
      const updated = {...worker, WorkerPoolIds: worker.WorkerPoolIds.filter((id) => id !== pool.Id), ...stamp(ctx)}
      ctx.store.putDoc('Worker', updated)
      ctx.store.setPoolMembers(worker.Id, updated.WorkerPoolIds)
    }
    ctx.store.deleteDoc(pool.Id)
  })
}

export function listPools(ctx: ModelContext, spaceId: string, query: URLSearchParams): PoolDoc[] {
  const ids = queryList(query, 'ids')
  const name = queryValue(query, 'name')
  const partialName = queryValue(query, 'partialName')
  return ctx.store.listDocs('WorkerPool', spaceId).map((r) => JSON.parse(r.json) as PoolDoc).filter((p) => matchesCommonFilters(p, ids, name, partialName))
}

type Counts = Record<string, number>

function summarise(workers: WorkerDoc[]) {
  const health: Counts = {Healthy: 0, Unhealthy: 0, Unknown: 0, Unavailable: 0, HasWarnings: 0}
  const endpoints: Counts = {}
  const tentacleUpgrade: string[] = []
  const calamariUpgrade: string[] = []
  let disabled = 0
  for (const w of workers) {
    if (w.IsDisabled) disabled++
    health[w.HealthStatus] = (health[w.HealthStatus] ?? 0) + 1
    const style = w.Endpoint?.CommunicationStyle ?? 'None'
    endpoints[style] = (endpoints[style] ?? 0) + 1
    // Kubernetes agents are counted here too when they report a due upgrade (UNCONFIRMED for real servers).
    const agentStatus = w.Endpoint?.KubernetesAgentDetails?.UpgradeStatus
    if (w.Endpoint?.TentacleVersionDetails?.UpgradeSuggested || (agentStatus && agentStatus !== 'NoUpgrades')) tentacleUpgrade.push(w.Id)
    if (!w.HasLatestCalamari) calamariUpgrade.push(w.Id)
  }
  return {
    TotalMachines: workers.length,
    TotalDisabledMachines: disabled,
    MachineHealthStatusSummaries: health,
    MachineEndpointSummaries: endpoints,
    TentacleUpgradesRequired: tentacleUpgrade.length > 0,
    MachineIdsForTentacleUpgrade: tentacleUpgrade,
    MachineIdsForCalamariUpgrade: calamariUpgrade,
  }
}

export function poolSummary(ctx: ModelContext, spaceId: string, query: URLSearchParams) {
  const ids = queryList(query, 'ids')
  const partialName = queryValue(query, 'partialName')
  const hideEmpty = queryBool(query, 'hideEmptyWorkerPools') ?? false
  // `ids` and `partialName` select pools here; machinePartialName selects workers.
  const filter: WorkerFilter = {...workerFilterFromQuery(query), ids: undefined, partialName: undefined}
  const machinePartialName = queryValue(query, 'machinePartialName')
  if (machinePartialName) filter.partialName = machinePartialName
  const allWorkers = filterWorkers(ctx.store.listJson('Worker', spaceId, true).map((t) => JSON.parse(t) as WorkerDoc), filter)
  const pools = ctx.store.listDocs('WorkerPool', spaceId).map((r) => JSON.parse(r.json) as PoolDoc).filter((p) => matchesCommonFilters(p, ids, undefined, partialName))
  // Workers grouped by pool in one pass, not one pass per pool (40 pools x 2,000 workers).
  const byPool = new Map<string, WorkerDoc[]>()
  for (const worker of allWorkers) {
    for (const poolId of new Set(worker.WorkerPoolIds)) {
      const members = byPool.get(poolId)
      if (members) members.push(worker)
      else byPool.set(poolId, [worker])
    }
  }
  const summaries = pools
    .map((pool) => ({WorkerPool: pool, ...summarise(byPool.get(pool.Id) ?? [])}))
    .filter((s) => !hideEmpty || s.TotalMachines > 0)
  return {...summarise(allWorkers), WorkerPoolSummaries: summaries}
}

export function setPoolSortOrder(ctx: ModelContext, spaceId: string, body: unknown): void {
  if (!Array.isArray(body) || body.some((v) => typeof v !== 'string')) throw validationError('The body must be a JSON array of worker pool IDs.')
  const ids = body as string[]
  const pools = ctx.store.listDocs('WorkerPool', spaceId)
  const known = new Map(pools.map((r) => [r.id.toLowerCase(), r]))
  const unknown = ids.filter((id) => !known.has(id.toLowerCase()))
  const seen = new Set(ids.map((id) => id.toLowerCase()))
  const missing = pools.filter((r) => !seen.has(r.id.toLowerCase())).map((r) => r.id)
  const errors: string[] = []
  if (unknown.length) errors.push(`Unknown worker pool IDs: ${unknown.join(', ')}.`)
  if (missing.length) errors.push(`The ID of every worker pool must be specified; missing: ${missing.join(', ')}.`)
  if (seen.size !== ids.length) errors.push('Each worker pool ID must appear only once.')
  if (errors.length) throw validationError(...errors)
  ctx.store.transaction(() => {
    ids.forEach((id, index) => {
      const pool = JSON.parse(known.get(id.toLowerCase())!.json) as PoolDoc
      ctx.store.putDoc('WorkerPool', {...pool, SortOrder: index + 1, ...stamp(ctx)})
    })
  })
}
