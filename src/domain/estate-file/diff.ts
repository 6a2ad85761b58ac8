/**
 * The pure diff of a desired estate (the files) against what the server has: a plan of changes in
 * the order apply makes them, the resources the files leave alone, and the estate as it would be
 * after the change (for the guards). Names in the files are resolved here against the server's
 * pools, policies, accounts and proxies; an unknown one is exit 4, a contradiction exit 2, each
 * with the file and line, before anything is written.
 *
 * Semantics of what a file leaves out, chosen to match a declarative reading:
 * - `enabled` left out means enabled, a `proxy` left out means none, a pool `description` left out
 *   means empty (what export writes back);
 * - `machinePolicy` and an SSH `platform` left out mean "leave as it is" (every worker has a policy;
 *   a new one gets the server's default);
 * - `default` counts only when true: Octopus keeps exactly one default pool per space, so a file
 *   names it, and a space whose file names none keeps its default.
 */
import {CliError, ExitCode, notFoundError, usageError} from '../../text/errors.js'
import {closeMatches} from '../../text/fuzzy.js'
import type {EndpointResource, WorkerPoolResource, WorkerResource} from '../../octopus/types.js'
import {isDynamicPool} from '../pools.js'
import {workerKindPhrase} from '../workers/endpoint-facts.js'
import {where, type DesiredEstate, type DesiredSpace, type Located, type Place} from './desired.js'
import {orderFingerprint, poolFingerprint, workerFingerprint} from './fingerprint.js'
import type {PoolDecl, WorkerDecl, WorkerKind} from './schema.js'

export interface NamedThing {
  Id: string
  Name: string
  [key: string]: unknown
}

export interface ActualSpace {
  Id: string
  Name: string
  /** In the server's sort order. */
  pools: WorkerPoolResource[]
  workers: WorkerResource[]
  policies: NamedThing[]
  accounts: NamedThing[]
  proxies: NamedThing[]
}

export interface ActualEstate {
  spaces: ActualSpace[]
  /** Undefined when the features document could not be read. */
  builtInWorkerEnabled?: boolean
}

export type ChangeAction = 'create' | 'update' | 'delete' | 'reorder' | 'set-default' | 'install-agent'
export type ChangeResource = 'pool' | 'worker' | 'pool-order' | 'built-in-worker'
export type FieldValue = string | number | boolean | null | string[]

export interface FieldChange {
  Field: string
  Old: FieldValue
  New: FieldValue
}

/** What apply writes for a pool: a POST body's fields, or the writable fields merged into the current document. */
export interface PoolTarget {
  Name: string
  WorkerPoolType: 'StaticWorkerPool' | 'DynamicWorkerPool'
  WorkerType: string | null
  Description: string
}

/** What apply writes for a worker; pools by name, since a pool the same apply creates has no ID yet. */
export interface WorkerTarget {
  Name: string
  Kind: WorkerKind
  PoolNames: string[]
  IsDisabled: boolean
  /** Undefined: leave the worker's policy as it is (a new one gets the server's default). */
  MachinePolicyId?: string
  /** The endpoint's writable fields this file sets (none for Kubernetes agents). */
  Endpoint?: Partial<EndpointResource> & {CommunicationStyle: string}
}

export interface PlannedChange {
  Action: ChangeAction
  Resource: ChangeResource
  SpaceId: string | null
  SpaceName: string | null
  Name: string
  Id: string | null
  Fields: FieldChange[]
  /** `file:line` of the declaration, or null (a prune, the order). */
  Source: string | null
  /** The fingerprint of the resource as the plan read it (fingerprint.ts); null for a create. */
  Seen: string | null
  Pool?: PoolTarget
  Worker?: WorkerTarget
  /** The order to write (pool names; pools created by the same apply included). */
  Order?: string[]
  /** A Kubernetes agent the file declares but the server lacks: what to run. */
  Hint?: string
}

export interface Unmanaged {
  SpaceName: string
  Resource: 'pool' | 'worker'
  Name: string
  /** Why --prune leaves it too (a worker of a kind a file cannot declare), or null. */
  Kept: string | null
}

/** A space as it would be after the change: what the guards and `check`'s rules evaluate. */
export interface SpaceAfter {
  space: ActualSpace
  pools: Array<WorkerPoolResource & {New?: boolean}>
  workers: Array<WorkerResource & {New?: boolean}>
  /** Each changed existing worker's document after the change; null when it is deleted. */
  changedWorkers: Map<string, WorkerResource | null>
  deletedPools: WorkerPoolResource[]
}

export interface EstateDiff {
  changes: PlannedChange[]
  unmanaged: Unmanaged[]
  after: SpaceAfter[]
  builtInWorkerAfter?: boolean
}

const lower = (s: string | null | undefined) => (s ?? '').trim().toLowerCase()
const sameText = (a: string | null | undefined, b: string | null | undefined) => lower(a) === lower(b)

const KIND_OF_STYLE: Record<string, WorkerKind> = {TentaclePassive: 'listening', TentacleActive: 'polling', Ssh: 'ssh', KubernetesTentacle: 'kubernetes'}
const STYLE_OF_KIND: Record<WorkerKind, string> = {listening: 'TentaclePassive', polling: 'TentacleActive', ssh: 'Ssh', kubernetes: 'KubernetesTentacle'}

/** The kind a file would declare for a worker, or undefined for one it cannot (imported `None` workers, no endpoint). */
export function kindOf(worker: Pick<WorkerResource, 'Endpoint'>): WorkerKind | undefined {
  return KIND_OF_STYLE[worker.Endpoint?.CommunicationStyle ?? '']
}

function findNamed<T extends {Name: string}>(items: T[], name: string, kind: string, place: Place, spaceName: string): T {
  const found = items.find((i) => sameText(i.Name, name))
  if (found) return found
  const close = closeMatches(name, items.map((i) => i.Name))
  throw notFoundError(`${where(place)}: no ${kind} '${name}' in space '${spaceName}'.${close.length ? ` Did you mean: ${close.join(', ')}?` : ''}`, {
    code: 'unknown-name',
    details: {File: place.file, Line: place.line ?? null, Kind: kind, Name: name, candidates: items.map((i) => i.Name)},
  })
}

function poolTypeName(decl: PoolDecl): 'StaticWorkerPool' | 'DynamicWorkerPool' {
  return decl.type === 'dynamic' ? 'DynamicWorkerPool' : 'StaticWorkerPool'
}

function fieldIfChanged(fields: FieldChange[], field: string, old: FieldValue, next: FieldValue, same = (a: FieldValue, b: FieldValue) => JSON.stringify(a) === JSON.stringify(b)): void {
  if (!same(old, next)) fields.push({Field: field, Old: old, New: next})
}

const sameIgnoringCase = (a: FieldValue, b: FieldValue) => String(a ?? '').toLowerCase() === String(b ?? '').toLowerCase()

export interface DiffOptions {
  prune: boolean
}

export function diffEstate(desired: DesiredEstate, actual: ActualEstate, options: DiffOptions): EstateDiff {
  const changes: PlannedChange[] = []
  const unmanaged: Unmanaged[] = []
  const after: SpaceAfter[] = []
  for (const space of desired.spaces) {
    const server = actual.spaces.find((s) => sameText(s.Name, space.name) || sameText(s.Id, space.name))
    if (!server) {
      const names = actual.spaces.map((s) => s.Name)
      throw notFoundError(`${where(space)}: no space '${space.name}' on the server.${names.length ? ` Spaces: ${names.join(', ')}.` : ''}`, {code: 'unknown-name', details: {File: space.file, Line: space.line ?? null, candidates: names}})
    }
    const result = diffSpace(space, server, options)
    changes.push(...result.changes)
    unmanaged.push(...result.unmanaged)
    after.push(result.after)
  }
  let builtInWorkerAfter = actual.builtInWorkerEnabled
  if (desired.builtInWorker) {
    const wanted = desired.builtInWorker.decl === 'enabled'
    if (actual.builtInWorkerEnabled === undefined) {
      throw new CliError(`${where(desired.builtInWorker)}: the file sets builtInWorker, but the server's features configuration could not be read.`, ExitCode.Auth, {hint: 'Use a key that can read and write the features configuration (an administrator), or leave builtInWorker out.'})
    }
    if (wanted !== actual.builtInWorkerEnabled) {
      changes.push({
        Action: 'update', Resource: 'built-in-worker', SpaceId: null, SpaceName: null, Name: 'built-in worker', Id: null,
        Fields: [{Field: 'enabled', Old: actual.builtInWorkerEnabled, New: wanted}], Source: where(desired.builtInWorker), Seen: JSON.stringify(actual.builtInWorkerEnabled),
      })
      builtInWorkerAfter = wanted
    }
  }
  return {changes: orderForApply(changes), unmanaged, after, builtInWorkerAfter}
}

/** The safe order (docs/ARCHITECTURE.md §2, `estate apply`): pools, workers, default, order, disables, deletes. */
export function applyPhase(change: PlannedChange): number {
  if (change.Resource === 'built-in-worker') return change.Fields[0]?.New === true ? 0 : 6
  if (change.Resource === 'pool' && change.Action === 'create') return 1
  if (change.Resource === 'pool' && change.Action === 'update') return 2
  if (change.Resource === 'worker' && (change.Action === 'create' || change.Action === 'update' || change.Action === 'install-agent')) return 3
  if (change.Action === 'set-default') return 4
  if (change.Action === 'reorder') return 5
  if (change.Resource === 'worker' && change.Action === 'delete') return 7
  return 8
}

function orderForApply(changes: PlannedChange[]): PlannedChange[] {
  return changes.map((c, i) => ({c, i})).sort((a, b) => applyPhase(a.c) - applyPhase(b.c) || a.i - b.i).map(({c}) => c)
}

function diffSpace(space: DesiredSpace, server: ActualSpace, options: DiffOptions): {changes: PlannedChange[]; unmanaged: Unmanaged[]; after: SpaceAfter} {
  const changes: PlannedChange[] = []
  const unmanaged: Unmanaged[] = []
  const base = {SpaceId: server.Id, SpaceName: server.Name}

  // ---- pools ----
  const matchOf = new Map<Located<PoolDecl>, WorkerPoolResource | undefined>()
  const claimed = new Set<string>()
  for (const pool of space.pools) {
    let match = server.pools.find((p) => sameText(p.Name, pool.decl.name))
    if (!match && pool.decl.renamedFrom) match = server.pools.find((p) => sameText(p.Name, pool.decl.renamedFrom))
    if (match && claimed.has(match.Id)) throw usageError(`${where(pool)}: pool '${pool.decl.name}' names the same server pool ('${match.Name}') as another declaration.`)
    if (match) claimed.add(match.Id)
    matchOf.set(pool, match)
  }
  const poolsAfter: SpaceAfter['pools'] = server.pools.map((p) => ({...p}))
  const afterPool = (id: string) => poolsAfter.find((p) => p.Id === id)!
  for (const pool of space.pools) {
    const {decl} = pool
    const match = matchOf.get(pool)
    const type = poolTypeName(decl)
    if (type === 'DynamicWorkerPool' && !decl.workerType) throw usageError(`${where(pool)}: dynamic pool '${decl.name}' needs a workerType (e.g. UbuntuDefault).`)
    if (type === 'StaticWorkerPool' && decl.workerType) throw usageError(`${where(pool)}: workerType applies only to dynamic pools ('${decl.name}' is static).`)
    const target: PoolTarget = {Name: decl.name, WorkerPoolType: type, WorkerType: decl.workerType ?? null, Description: decl.description ?? ''}
    if (!match) {
      const fields: FieldChange[] = [{Field: 'type', Old: null, New: decl.type ?? 'static'}]
      if (decl.workerType) fields.push({Field: 'workerType', Old: null, New: decl.workerType})
      if (target.Description) fields.push({Field: 'description', Old: null, New: target.Description})
      changes.push({...base, Action: 'create', Resource: 'pool', Name: decl.name, Id: null, Fields: fields, Source: where(pool), Seen: null, Pool: target})
      poolsAfter.push({Id: `new:${decl.name}`, Name: decl.name, WorkerPoolType: type, IsDefault: false, WorkerType: target.WorkerType, Description: target.Description, New: true} as SpaceAfter['pools'][number])
      continue
    }
    if ((match.WorkerPoolType ?? 'StaticWorkerPool') !== type) {
      throw usageError(`${where(pool)}: pool '${match.Name}' is ${isDynamicPool(match) ? 'dynamic' : 'static'} on the server; a pool's type cannot change. Delete it and declare a new one, or fix the file.`)
    }
    const fields: FieldChange[] = []
    fieldIfChanged(fields, 'name', match.Name, decl.name, (a, b) => a === b)
    fieldIfChanged(fields, 'description', match.Description ?? '', target.Description)
    if (type === 'DynamicWorkerPool') fieldIfChanged(fields, 'workerType', match.WorkerType ?? null, target.WorkerType)
    if (fields.length > 0) {
      changes.push({...base, Action: 'update', Resource: 'pool', Name: decl.name, Id: match.Id, Fields: fields, Source: where(pool), Seen: poolFingerprint(match), Pool: target})
      Object.assign(afterPool(match.Id), {Name: decl.name, Description: target.Description, WorkerType: target.WorkerType})
    }
  }
  const currentDefault = server.pools.find((p) => p.IsDefault)
  const declaredDefault = space.pools.find((p) => p.decl.default === true)
  if (declaredDefault) {
    const match = matchOf.get(declaredDefault)
    if (!match || !match.IsDefault) {
      changes.push({
        ...base, Action: 'set-default', Resource: 'pool', Name: declaredDefault.decl.name, Id: match?.Id ?? null,
        Fields: [{Field: 'default', Old: currentDefault?.Name ?? null, New: declaredDefault.decl.name}], Source: where(declaredDefault),
        Seen: JSON.stringify({pool: match ? poolFingerprint(match) : null, default: currentDefault?.Id ?? null}),
      })
      for (const p of poolsAfter) p.IsDefault = false
      poolsAfter.find((p) => p.Id === (match?.Id ?? `new:${declaredDefault.decl.name}`))!.IsDefault = true
    }
  }
  const deletedPools: WorkerPoolResource[] = []
  for (const pool of server.pools) {
    if (claimed.has(pool.Id)) continue
    if (!options.prune) {
      unmanaged.push({SpaceName: server.Name, Resource: 'pool', Name: pool.Name, Kept: null})
      continue
    }
    if (pool.IsDefault && !declaredDefault) {
      throw usageError(`${where(space)}: --prune would delete '${pool.Name}', the default pool of space '${server.Name}'; declare it, or declare another pool with default: true.`, {code: 'delete-default'})
    }
    deletedPools.push(pool)
    changes.push({...base, Action: 'delete', Resource: 'pool', Name: pool.Name, Id: pool.Id, Fields: [], Source: null, Seen: poolFingerprint(pool)})
  }
  const deletedIds = new Set(deletedPools.map((p) => p.Id))

  // ---- the order ----
  const declaredOrder = space.pools.map((p) => ({name: p.decl.name, id: matchOf.get(p)?.Id}))
  const current = server.pools.filter((p) => !deletedIds.has(p.Id))
  const existingInFileOrder = declaredOrder.filter((d) => d.id !== undefined)
  const queue = [...existingInFileOrder]
  const slotted: Array<{name: string; id?: string}> = current.map((p) => (claimed.has(p.Id) ? queue.shift()! : {name: afterPool(p.Id).Name, id: p.Id}))
  for (let i = 0; i < declaredOrder.length; i++) {
    const d = declaredOrder[i]
    if (d.id !== undefined) continue
    const previous = declaredOrder.slice(0, i).reverse().find((e) => slotted.includes(e))
    slotted.splice(previous ? slotted.indexOf(previous) + 1 : 0, 0, d)
  }
  const naturalAfter = [...current.map((p) => afterPool(p.Id).Name), ...declaredOrder.filter((d) => d.id === undefined).map((d) => d.name)]
  const wantedOrder = slotted.map((d) => d.name)
  if (JSON.stringify(wantedOrder) !== JSON.stringify(naturalAfter)) {
    changes.push({
      ...base, Action: 'reorder', Resource: 'pool-order', Name: 'pool order', Id: null,
      Fields: [{Field: 'order', Old: naturalAfter, New: wantedOrder}], Source: null, Seen: orderFingerprint(server.pools.map((p) => p.Id)), Order: wantedOrder,
    })
  }
  poolsAfter.sort((a, b) => wantedOrder.indexOf(a.Name) - wantedOrder.indexOf(b.Name))

  // ---- workers ----
  const poolByName = new Map<string, SpaceAfter['pools'][number]>()
  for (const p of poolsAfter) if (!deletedIds.has(p.Id)) poolByName.set(lower(p.Name), p)
  const claimedWorkers = new Set<string>()
  const changedWorkers = new Map<string, WorkerResource | null>()
  const workersAfter: SpaceAfter['workers'] = server.workers.map((w) => ({...w}))
  // By name once: a find per declaration is quadratic (10,000 workers: seconds).
  const serverWorkerByName = new Map<string, WorkerResource>()
  for (const w of server.workers) if (!serverWorkerByName.has(lower(w.Name))) serverWorkerByName.set(lower(w.Name), w)
  for (const worker of space.workers) {
    const {decl} = worker
    const poolNames = decl.pools.map((name) => {
      const pool = poolByName.get(lower(name))
      if (!pool) {
        const gone = server.pools.find((p) => sameText(p.Name, name))
        if (gone && deletedIds.has(gone.Id)) throw usageError(`${where(worker)}: worker '${decl.name}' is in pool '${name}', which --prune deletes (it is not in the files).`)
        findNamed([...poolByName.values()], name, 'worker pool', worker, server.Name)
      }
      if (isDynamicPool(pool!)) throw usageError(`${where(worker)}: worker '${decl.name}' cannot be in '${pool!.Name}': it is a dynamic pool (Octopus provides its workers).`)
      return pool!.Name
    })
    const policy = decl.machinePolicy ? findNamed(server.policies, decl.machinePolicy, 'machine policy', worker, server.Name) : undefined
    const endpoint = endpointOf(decl, server, worker)
    const target: WorkerTarget = {Name: decl.name, Kind: decl.kind, PoolNames: poolNames, IsDisabled: decl.enabled === false, MachinePolicyId: policy?.Id, Endpoint: endpoint}
    const match = serverWorkerByName.get(lower(decl.name))
    const poolIds = poolNames.map((n) => poolByName.get(lower(n))!.Id)
    if (!match) {
      if (decl.kind === 'kubernetes') {
        changes.push({...base, Action: 'install-agent', Resource: 'worker', Name: decl.name, Id: null, Fields: [{Field: 'pools', Old: null, New: poolNames}], Source: where(worker), Seen: null, Worker: target})
        continue
      }
      const fields: FieldChange[] = [{Field: 'kind', Old: null, New: decl.kind}, {Field: 'pools', Old: null, New: poolNames}]
      for (const [field, value] of Object.entries(endpointDisplay(decl))) fields.push({Field: field, Old: null, New: value})
      if (policy) fields.push({Field: 'machinePolicy', Old: null, New: policy.Name})
      if (target.IsDisabled) fields.push({Field: 'enabled', Old: null, New: false})
      changes.push({...base, Action: 'create', Resource: 'worker', Name: decl.name, Id: null, Fields: fields, Source: where(worker), Seen: null, Worker: target})
      workersAfter.push({Id: `new:${decl.name}`, Name: decl.name, IsDisabled: target.IsDisabled, HealthStatus: 'Healthy', WorkerPoolIds: poolIds, Endpoint: {CommunicationStyle: STYLE_OF_KIND[decl.kind], ...endpoint}, MachinePolicyId: policy?.Id, New: true} as SpaceAfter['workers'][number])
      continue
    }
    claimedWorkers.add(match.Id)
    const kind = kindOf(match)
    if (kind !== decl.kind) {
      throw usageError(`${where(worker)}: worker '${match.Name}' is ${kind ? `a ${kind} worker` : workerKindPhrase(match.Endpoint?.CommunicationStyle)} on the server, not ${decl.kind}; a worker's kind cannot change. Delete it and register it again, or fix the file.`)
    }
    const poolName = (id: string) => server.pools.find((p) => p.Id === id)?.Name ?? id
    const fields: FieldChange[] = []
    fieldIfChanged(fields, 'name', match.Name, decl.name, (a, b) => a === b)
    const oldPools = (match.WorkerPoolIds ?? []).map(poolName)
    if (JSON.stringify([...(match.WorkerPoolIds ?? [])].sort()) !== JSON.stringify([...poolIds].sort())) fields.push({Field: 'pools', Old: oldPools, New: poolNames})
    const display = endpointDisplay(decl)
    const currentDisplay = endpointDisplayOf(match, server)
    for (const [field, value] of Object.entries(display)) {
      fieldIfChanged(fields, field, currentDisplay[field] ?? null, value, field === 'thumbprint' || field === 'host' || field === 'account' || field === 'proxy' ? sameIgnoringCase : undefined)
    }
    if (policy) fieldIfChanged(fields, 'machinePolicy', server.policies.find((p) => p.Id === match.MachinePolicyId)?.Name ?? match.MachinePolicyId ?? null, policy.Name)
    fieldIfChanged(fields, 'enabled', !match.IsDisabled, !target.IsDisabled)
    if (fields.length === 0) continue
    changes.push({...base, Action: 'update', Resource: 'worker', Name: decl.name, Id: match.Id, Fields: fields, Source: where(worker), Seen: workerFingerprint(match), Worker: target})
    const next: WorkerResource = {...match, Name: decl.name, IsDisabled: target.IsDisabled, WorkerPoolIds: poolIds, MachinePolicyId: policy?.Id ?? match.MachinePolicyId, Endpoint: match.Endpoint ? {...match.Endpoint, ...endpoint} : match.Endpoint}
    changedWorkers.set(match.Id, next)
    workersAfter.splice(workersAfter.findIndex((w) => w.Id === match.Id), 1, next)
  }
  for (const worker of server.workers) {
    if (claimedWorkers.has(worker.Id)) continue
    const declarable = kindOf(worker) !== undefined
    if (!options.prune || !declarable) {
      unmanaged.push({SpaceName: server.Name, Resource: 'worker', Name: worker.Name, Kept: declarable ? null : `${workerKindPhrase(worker.Endpoint?.CommunicationStyle)}, which a file cannot declare`})
      continue
    }
    changes.push({...base, Action: 'delete', Resource: 'worker', Name: worker.Name, Id: worker.Id, Fields: [], Source: null, Seen: workerFingerprint(worker)})
    changedWorkers.set(worker.Id, null)
    workersAfter.splice(workersAfter.findIndex((w) => w.Id === worker.Id), 1)
  }
  // A deleted pool leaves the workers that stay (Octopus removes it from them).
  for (const w of workersAfter) if ((w.WorkerPoolIds ?? []).some((id) => deletedIds.has(id))) w.WorkerPoolIds = w.WorkerPoolIds.filter((id) => !deletedIds.has(id))
  return {changes, unmanaged, after: {space: server, pools: poolsAfter.filter((p) => !deletedIds.has(p.Id)), workers: workersAfter, changedWorkers, deletedPools}}
}

/** The endpoint fields a declaration sets, in the server's shape (names resolved to IDs). */
function endpointOf(decl: WorkerDecl, server: ActualSpace, place: Place): WorkerTarget['Endpoint'] {
  const proxyId = (name: string | undefined) => (name ? findNamed(server.proxies, name, 'proxy', place, server.Name).Id : null)
  switch (decl.kind) {
    case 'listening':
      return {CommunicationStyle: 'TentaclePassive', Uri: decl.url, Thumbprint: decl.thumbprint, ProxyId: proxyId(decl.proxy)}
    case 'polling':
      return {CommunicationStyle: 'TentacleActive', Uri: decl.uri.endsWith('/') ? decl.uri : `${decl.uri}/`, Thumbprint: decl.thumbprint}
    case 'ssh': {
      const account = findNamed(server.accounts, decl.account, 'account', place, server.Name)
      if (!['SshKeyPair', 'UsernamePassword'].includes(String(account.AccountType))) {
        throw usageError(`${where(place)}: account '${account.Name}' is a ${String(account.AccountType)} account; an SSH worker needs an SSH key pair or a username/password account.`)
      }
      const port = decl.port ?? 22
      return {
        CommunicationStyle: 'Ssh', Host: decl.host, Port: port, Fingerprint: decl.fingerprint, AccountId: account.Id, Uri: `ssh://${decl.host}:${port}/`,
        ProxyId: proxyId(decl.proxy), ...(decl.platform ? {DotNetCorePlatform: decl.platform} : {}),
      }
    }
    case 'kubernetes':
      return undefined
  }
}

/** The endpoint as the file says it, field by field, for the plan's `old -> new` lines. */
function endpointDisplay(decl: WorkerDecl): Record<string, FieldValue> {
  switch (decl.kind) {
    case 'listening':
      return {url: decl.url, thumbprint: decl.thumbprint, proxy: decl.proxy ?? null}
    case 'polling':
      return {uri: decl.uri.endsWith('/') ? decl.uri : `${decl.uri}/`, thumbprint: decl.thumbprint}
    case 'ssh':
      return {host: decl.host, port: decl.port ?? 22, fingerprint: decl.fingerprint, account: decl.account, ...(decl.platform ? {platform: decl.platform} : {}), proxy: decl.proxy ?? null}
    case 'kubernetes':
      return {}
  }
}

/** The same fields read from a server document (IDs shown as names). */
export function endpointDisplayOf(worker: WorkerResource, server: Pick<ActualSpace, 'accounts' | 'proxies'>): Record<string, FieldValue> {
  const e = worker.Endpoint
  const nameOf = (items: NamedThing[], id: string | null | undefined) => (id ? items.find((i) => i.Id === id)?.Name ?? id : null)
  switch (kindOf(worker)) {
    case 'listening':
      return {url: e?.Uri ?? worker.Uri ?? null, thumbprint: e?.Thumbprint ?? worker.Thumbprint ?? null, proxy: nameOf(server.proxies, e?.ProxyId)}
    case 'polling':
      return {uri: e?.Uri ?? worker.Uri ?? null, thumbprint: e?.Thumbprint ?? worker.Thumbprint ?? null}
    case 'ssh':
      return {host: e?.Host ?? null, port: e?.Port ?? 22, fingerprint: e?.Fingerprint ?? null, account: nameOf(server.accounts, e?.AccountId), platform: e?.DotNetCorePlatform ?? null, proxy: nameOf(server.proxies, e?.ProxyId)}
    default:
      return {}
  }
}
