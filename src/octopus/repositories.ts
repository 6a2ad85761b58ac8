/**
 * Thin, typed access to the worker-related routes of one space. Every list reads the whole
 * collection in one request (`/all` endpoints) — never one request per row (docs/ARCHITECTURE.md §4).
 *
 * URLs come from the server's links. A link a server does not publish is a resource it does not
 * have, so a route is only guessed for what every supported version (2019.7 on) has and links:
 * `OctopusServerNodes`, `FeaturesConfiguration`, `Tasks` (all in the 2019.7.12 root), for a root
 * that lists only some links. The one route no version links is `workertaskleases` (2024.2.5816
 * on, no link name in any published root): it is probed, and its 404 means "no lease API".
 */
import type {SpaceContext} from './client.js'
import {CliError, ExitCode} from '../text/errors.js'
import type {
  FeaturesConfigurationResource,
  MachinePolicyResource,
  ResourceCollection,
  TaskDetailsResource,
  TaskResource,
  WorkerPoolResource,
  WorkerPoolsSummaryResource,
  WorkerResource,
  WorkerTaskLeaseResource,
} from './types.js'
import type {TemplateParams} from './uri-template.js'
import {features, jsonDocument, leasePage, machinePolicyList, namedList, poolList, poolsSummary, resource, task, taskDetails, workerDocument, workerList} from './response-shapes.js'
import {inSpace, isSelective, ownedBySpace, taskPredicate, workerPredicate, type WorkerSelection} from './client-filter.js'

// ---- worker pools ---------------------------------------------------------------------------

/** All pools of the space, in the server's sort order. */
export async function listWorkerPools(space: SpaceContext): Promise<WorkerPoolResource[]> {
  const pools = inSpace(await space.client.get(space.link('WorkerPools', {id: 'all'}), poolList), space.spaceId)
  return [...pools].sort((a, b) => (a.SortOrder ?? 0) - (b.SortOrder ?? 0) || a.Name.localeCompare(b.Name))
}

export async function getWorkerPool(space: SpaceContext, id: string): Promise<WorkerPoolResource> {
  return requireSameId(await space.client.get(space.link('WorkerPools', {id}), resource<WorkerPoolResource>()), id, 'worker pool')
}

export function createWorkerPool(space: SpaceContext, body: Record<string, unknown>): Promise<WorkerPoolResource> {
  return space.client.post<WorkerPoolResource>(space.link('WorkerPools'), {SpaceId: space.spaceId, ...body})
}

/** PUT of the whole document (Octopus replaces it). */
export function updateWorkerPool(space: SpaceContext, pool: WorkerPoolResource): Promise<WorkerPoolResource> {
  return space.client.put<WorkerPoolResource>(space.link('WorkerPools', {id: pool.Id}), pool)
}

export function deleteWorkerPool(space: SpaceContext, id: string): Promise<unknown> {
  return space.client.delete(space.link('WorkerPools', {id}))
}

/** `PUT /workerpools/sortorder` with every pool ID, in the new order. */
export function setWorkerPoolSortOrder(space: SpaceContext, orderedIds: string[]): Promise<unknown> {
  return space.client.put(space.link('WorkerPoolsSortOrder'), orderedIds)
}

export function getWorkerPoolsSummary(space: SpaceContext, params: TemplateParams = {}): Promise<WorkerPoolsSummaryResource> {
  return space.client.get(space.link('WorkerPoolsSummary', params), poolsSummary)
}

export interface DynamicWorkerType {
  Id: string
  Type: string
  Description?: string | null
  StartDateUtc?: string | null
  DeprecationDateUtc?: string | null
  EndOfLifeDateUtc?: string | null
}

export async function listDynamicWorkerTypes(space: SpaceContext): Promise<DynamicWorkerType[]> {
  const doc = await space.client.get(space.link('WorkerPoolsDynamicWorkerTypes'), jsonDocument<{WorkerTypes?: DynamicWorkerType[]}>())
  return doc.WorkerTypes ?? []
}

// ---- workers --------------------------------------------------------------------------------

export type WorkerQuery = WorkerSelection

/**
 * Workers of the space matching the query. Without filters: `/workers/all` (one request). With
 * filters: the paged list with the filters as the server's own query parameters (in the spelling
 * of its template, or plain where the template lacks one) and a large `take`, following
 * `Page.Next`. Either way the filters are applied again here: a server that ignored one (or all)
 * answers with more workers than were asked for, and the caller must get exactly those asked for.
 */
export async function listWorkers(space: SpaceContext, query: WorkerQuery = {}): Promise<WorkerResource[]> {
  if (!isSelective(query)) return inSpace(await space.client.get(space.link('Workers', {id: 'all'}), workerList), space.spaceId)
  const url = space.link('Workers', {...query, skip: 0, take: 2_147_483_647} as TemplateParams)
  return inSpace(await space.client.getAllPages(url, resource<WorkerResource>()), space.spaceId).filter(workerPredicate(query))
}

/**
 * Every worker of the space (`/workers/all`, one request), each reduced by `keep` as the list
 * arrives: only what the caller keeps of 10,000 or 100,000 worker documents is held at once. A
 * worker of another space (a server that ignored the space in the path) is left out, as `listWorkers` does.
 */
export function listWorkersAs<R>(space: SpaceContext, keep: (worker: WorkerResource) => R): Promise<R[]> {
  const isOwn = ownedBySpace(space.spaceId)
  return space.client.getList(space.link('Workers', {id: 'all'}), workerList, (worker) => (isOwn(worker) ? keep(worker) : undefined))
}

/** One worker by ID; a document for another ID (a server or proxy that answered wrongly) is an error, never acted on. */
export async function getWorker(space: SpaceContext, id: string): Promise<WorkerResource> {
  const worker = await space.client.get(space.link('Workers', {id}), workerDocument)
  return requireSameId(worker, id, 'worker')
}

function requireSameId<T extends {Id?: string}>(doc: T, id: string, kind: string): T {
  if (!doc || typeof doc !== 'object' || typeof doc.Id !== 'string' || doc.Id.toLowerCase() !== id.toLowerCase()) {
    throw new CliError(`The server answered a request for ${kind} ${id} with ${doc && typeof doc === 'object' && typeof doc.Id === 'string' ? `a different one (${doc.Id})` : 'something that is not one'}; nothing was changed.`, ExitCode.Failure, {code: 'unexpected-response'})
  }
  return doc
}

export function createWorker(space: SpaceContext, body: Record<string, unknown>): Promise<WorkerResource> {
  return space.client.post<WorkerResource>(space.link('Workers'), {SpaceId: space.spaceId, ...body})
}

export function updateWorker(space: SpaceContext, worker: WorkerResource): Promise<WorkerResource> {
  return space.client.put<WorkerResource>(space.link('Workers', {id: worker.Id}), worker)
}

export function deleteWorker(space: SpaceContext, id: string): Promise<unknown> {
  return space.client.delete(space.link('Workers', {id}))
}

// ---- machine policies, accounts, proxies, deployment targets, nodes ------------------------

interface NamedResource {
  Id: string
  Name: string
  [key: string]: unknown
}

export function listMachinePolicies(space: SpaceContext): Promise<MachinePolicyResource[]> {
  return space.client.get(space.link('MachinePolicies', {id: 'all'}), machinePolicyList)
}

export interface AccountResource extends NamedResource {
  AccountType: string
}

export function listAccounts(space: SpaceContext): Promise<AccountResource[]> {
  return space.client.get(space.link('Accounts', {id: 'all'}), namedList<AccountResource>())
}

export function listProxies(space: SpaceContext): Promise<NamedResource[]> {
  return space.client.get(space.link('Proxies', {id: 'all'}), namedList<NamedResource>())
}

/** Deployment targets (`/machines/all`), for checks that compare them with workers. */
export function listDeploymentTargets(space: SpaceContext): Promise<Array<NamedResource & {Thumbprint?: string | null; Endpoint?: {CommunicationStyle?: string; Uri?: string | null; Thumbprint?: string | null}}>> {
  return space.client.get(space.link('Machines', {id: 'all'}), namedList())
}

export interface ServerNodeResource extends NamedResource {
  IsInMaintenanceMode?: boolean
  MaxConcurrentTasks?: number
  LastSeen?: string
}

/** Server nodes (global; an HA cluster has several, each with its own built-in worker). */
export async function listServerNodes(space: SpaceContext): Promise<ServerNodeResource[]> {
  const url = space.hasLink('OctopusServerNodes') ? space.link('OctopusServerNodes', {id: 'all'}) : '/api/octopusservernodes/all'
  return space.client.get(url, namedList<ServerNodeResource>())
}

// ---- features (global) -----------------------------------------------------------------------

export function getFeatures(space: SpaceContext | {client: SpaceContext['client']}): Promise<FeaturesConfigurationResource> {
  const client = space.client
  return client.get(client.hasLink('FeaturesConfiguration') ? client.link('FeaturesConfiguration') : '/api/featuresconfiguration', features)
}

/** PUT of the whole features document as read, so no other flag changes. */
export function putFeatures(space: SpaceContext | {client: SpaceContext['client']}, features: FeaturesConfigurationResource): Promise<FeaturesConfigurationResource> {
  const client = space.client
  return client.put<FeaturesConfigurationResource>(client.hasLink('FeaturesConfiguration') ? client.link('FeaturesConfiguration') : '/api/featuresconfiguration', features)
}

// ---- tasks -----------------------------------------------------------------------------------

export interface TaskQuery {
  states?: string[]
  name?: string[] | string
  ids?: string[]
  fromCompletedDate?: string
  toCompletedDate?: string
  skip?: number
  take?: number
}

function taskParams(space: SpaceContext, query: TaskQuery): TemplateParams {
  return {...query, name: Array.isArray(query.name) ? query.name.join(',') : query.name, spaces: space.spaceId} as TemplateParams
}

/** Every task matching the query, with a large page size (few requests), filtered again on the client. */
export async function listTasks(space: SpaceContext, query: TaskQuery = {}): Promise<TaskResource[]> {
  const url = space.link('Tasks', {...taskParams(space, query), skip: 0, take: query.take ?? 1000})
  const tasks = await space.client.getAllPages(url, task)
  return tasks.filter(taskPredicate({...query, spaces: space.spaceId}))
}

export function getTask(space: SpaceContext, id: string): Promise<TaskResource> {
  return space.client.get(space.link('Tasks', {id}), task)
}

/** Starts a task (`POST /api/{space}/tasks`), e.g. a `Health` check of workers. */
export function createTask(space: SpaceContext, body: {Name: string; Description: string; Arguments: Record<string, unknown>}): Promise<TaskResource> {
  return space.client.post<TaskResource>(space.path('tasks'), {SpaceId: space.spaceId, ...body})
}

export function getTaskDetails(space: SpaceContext, id: string, params: {verbose?: boolean; tail?: number} = {}): Promise<TaskDetailsResource> {
  return space.client.get(space.link('Tasks', {id}) + '/details', taskDetails, params)
}

// ---- worker task leases (newer servers only) ---------------------------------------------------

/**
 * Active leases of the space, or `undefined` when the server has no lease API (404 on older
 * servers): callers then fall back to task logs.
 */
export async function listWorkerTaskLeases(space: SpaceContext): Promise<WorkerTaskLeaseResource[] | undefined> {
  const items: WorkerTaskLeaseResource[] = []
  const take = 1000
  for (let skip = 0; ; skip += take) {
    const response = await space.client.request<{WorkerTaskLeases?: ResourceCollection<WorkerTaskLeaseResource>}>('GET', space.path('workertaskleases'), {
      query: {skip, take},
      allowStatus: [404],
      expect: leasePage,
    })
    if (response.status === 404) return undefined
    const page = response.data.WorkerTaskLeases
    const got = page?.Items ?? []
    items.push(...got)
    // A lease of another space (a server that ignored the space in the path) is not this space's.
    if (got.length < take || items.length >= (page?.TotalResults ?? 0)) return inSpace(items, space.spaceId)
  }
}
