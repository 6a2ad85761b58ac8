/**
 * `estate apply`: make a plan's changes in its order (src/domain/estate-file/diff.ts applyPhase:
 * pools, workers, the default pool, the order, disables, deletes), each one a read-merge-write of
 * the resource as it is now, never a rebuilt document.
 *
 * Octopus has no concurrency token on workers and pools (the last write wins), so right before each
 * write the resource is read again and its writable fields compared with what the plan saw (or with
 * what this apply wrote to it last). Different means another client changed it: that item is not
 * written and is reported as a conflict, the others go on, and the run exits 1. The window between
 * that read and the write cannot be closed without help from the server; it is one request long.
 * A server error stops the run: what was done, what failed and what was not attempted are reported,
 * and a rerun (plan again) converges, since every step compares with the server as it is.
 */
import type {SpaceContext} from '../../octopus/client.js'
import type {WorkerPoolResource, WorkerResource} from '../../octopus/types.js'
import {createWorker, createWorkerPool, deleteWorker, deleteWorkerPool, getFeatures, getWorker, getWorkerPool, listWorkerPools, listWorkers, putFeatures, setWorkerPoolSortOrder, updateWorker, updateWorkerPool} from '../../octopus/repositories.js'
import {applyPhase, type PlannedChange} from '../../domain/estate-file/diff.js'
import {orderFingerprint, poolFingerprint, workerFingerprint} from '../../domain/estate-file/fingerprint.js'
import type {PlanContext} from './plan.js'

export type ItemStatus = 'done' | 'conflict' | 'failed' | 'not attempted' | 'install agent'

export interface ApplyItem {
  Action: PlannedChange['Action']
  Resource: PlannedChange['Resource']
  SpaceName: string | null
  Name: string
  Status: ItemStatus
  Message: string | null
}

export interface ApplyResult {
  Results: ApplyItem[]
  Done: number
  Conflicts: number
  Failed: number
  NotAttempted: number
  HttpRequests: number
}

class Conflict extends Error {}

export interface ApplyHooks {
  /** Called before each item's fresh read (tests make another client's change here). */
  beforeItem?: (change: PlannedChange) => Promise<void> | void
}

interface SpaceState {
  context: SpaceContext
  /** Pool IDs by lower-cased name, as this apply has left them. */
  poolIds: Map<string, string>
  createdPoolIds: string[]
  /** The fingerprint each resource should have now: what the plan saw, then what this apply wrote. */
  expected: Map<string, string>
  /** Workers whose disable waits for its phase: the fingerprint after their other changes. */
  pendingDisables: Map<string, string>
  loadedNames: boolean
}

export async function applyPlan(context: PlanContext, hooks: ApplyHooks = {}): Promise<ApplyResult> {
  const {plan, spaces} = context
  const client = spaces[0]?.client
  const states = new Map<string, SpaceState>()
  for (const space of context.actual.spaces) {
    states.set(space.Id, {
      context: spaces.find((s) => s.spaceId === space.Id)!,
      poolIds: new Map(space.pools.map((p) => [p.Name.toLowerCase(), p.Id])),
      createdPoolIds: [],
      expected: new Map(),
      pendingDisables: new Map(),
      loadedNames: false,
    })
  }
  const results: ApplyItem[] = []
  let stopped = false
  // Disables run in their own phase (after the order), so a worker's update is two steps.
  const steps: Array<{change: PlannedChange; disable: boolean}> = []
  for (const change of plan.Changes) {
    const disables = change.Resource === 'worker' && change.Action === 'update' && change.Worker?.IsDisabled === true && change.Fields.some((f) => f.Field === 'enabled')
    if (!disables || change.Fields.length > 1) steps.push({change, disable: false})
    if (disables) steps.push({change, disable: true})
  }
  steps.sort((a, b) => phaseOf(a) - phaseOf(b))
  for (const {change, disable} of steps) {
    const item: ApplyItem = {Action: change.Action, Resource: change.Resource, SpaceName: change.SpaceName, Name: change.Name, Status: 'done', Message: disable ? 'disabled' : null}
    results.push(item)
    if (stopped) {
      item.Status = 'not attempted'
      continue
    }
    if (change.Action === 'install-agent') {
      item.Status = 'install agent'
      item.Message = change.Hint ?? null
      continue
    }
    try {
      await hooks.beforeItem?.(change)
      const state = change.SpaceId ? states.get(change.SpaceId)! : undefined
      await applyOne(change, disable, state, client)
    } catch (error) {
      if (error instanceof Conflict) {
        item.Status = 'conflict'
        item.Message = error.message
      } else {
        item.Status = 'failed'
        item.Message = (error as Error).message
        stopped = true
      }
    }
  }
  const count = (s: ItemStatus) => results.filter((r) => r.Status === s).length
  return {Results: results, Done: count('done'), Conflicts: count('conflict'), Failed: count('failed'), NotAttempted: count('not attempted'), HttpRequests: client?.requestCount ?? 0}
}

function phaseOf(step: {change: PlannedChange; disable: boolean}): number {
  return step.disable ? 6 : applyPhase(step.change)
}

function requireSame(expected: string | null | undefined, fresh: string, what: string): void {
  if (expected !== undefined && expected !== null && expected !== fresh) throw new Conflict(`${what} was changed by someone else since the plan read it; not written`)
}

async function poolIdOf(state: SpaceState, name: string): Promise<string> {
  let id = state.poolIds.get(name.toLowerCase())
  if (!id && !state.loadedNames) {
    state.loadedNames = true
    for (const p of await listWorkerPools(state.context)) state.poolIds.set(p.Name.toLowerCase(), p.Id)
    id = state.poolIds.get(name.toLowerCase())
  }
  if (!id) throw new Conflict(`pool '${name}' does not exist (was its creation a conflict?); not written`)
  return id
}

async function applyOne(change: PlannedChange, disable: boolean, state: SpaceState | undefined, client: SpaceContext['client'] | undefined): Promise<void> {
  if (change.Resource === 'built-in-worker') {
    const fresh = await getFeatures({client: client!})
    requireSame(change.Seen, JSON.stringify(fresh.IsBuiltInWorkerEnabled === true), 'The built-in worker setting')
    await putFeatures({client: client!}, {...fresh, IsBuiltInWorkerEnabled: change.Fields[0].New === true})
    return
  }
  const space = state!.context
  const expectedOf = (id: string) => state!.expected.get(id) ?? change.Seen
  switch (`${change.Resource}:${change.Action}`) {
    case 'pool:create': {
      const target = change.Pool!
      const existing = (await listWorkerPools(space)).find((p) => p.Name.toLowerCase() === target.Name.toLowerCase())
      if (existing) throw new Conflict(`a pool named '${existing.Name}' was created by someone else since the plan; not written`)
      const body: Record<string, unknown> = {Name: target.Name, WorkerPoolType: target.WorkerPoolType, IsDefault: false, Description: target.Description}
      if (target.WorkerType) body.WorkerType = target.WorkerType
      const created = await createWorkerPool(space, body)
      state!.poolIds.set(created.Name.toLowerCase(), created.Id)
      state!.createdPoolIds.push(created.Id)
      state!.expected.set(created.Id, poolFingerprint(created))
      return
    }
    case 'pool:update': {
      const fresh = await getWorkerPool(space, change.Id!)
      requireSame(expectedOf(change.Id!), poolFingerprint(fresh), `Pool '${fresh.Name}'`)
      const target = change.Pool!
      const next = {...fresh, Name: target.Name, Description: target.Description, ...(target.WorkerType ? {WorkerType: target.WorkerType} : {})} as WorkerPoolResource
      const written = await updateWorkerPool(space, next)
      state!.poolIds.delete(fresh.Name.toLowerCase())
      state!.poolIds.set(target.Name.toLowerCase(), fresh.Id)
      state!.expected.set(fresh.Id, poolFingerprint(written ?? next))
      return
    }
    case 'worker:create': {
      const target = change.Worker!
      const existing = (await listWorkers(space)).find((w) => w.Name.toLowerCase() === target.Name.toLowerCase())
      if (existing) throw new Conflict(`a worker named '${existing.Name}' was registered by someone else since the plan; not written`)
      const poolIds = await Promise.all(target.PoolNames.map((n) => poolIdOf(state!, n)))
      await createWorker(space, {
        Name: target.Name, Endpoint: target.Endpoint, WorkerPoolIds: poolIds, IsDisabled: target.IsDisabled,
        ...(target.MachinePolicyId ? {MachinePolicyId: target.MachinePolicyId} : {}),
      })
      return
    }
    case 'worker:update': {
      const fresh = await getWorker(space, change.Id!)
      if (disable) {
        requireSame(state!.pendingDisables.get(fresh.Id) ?? expectedOf(fresh.Id), workerFingerprint(fresh), `Worker '${fresh.Name}'`)
        const written = await updateWorker(space, {...fresh, IsDisabled: true})
        state!.expected.set(fresh.Id, workerFingerprint(written ?? {...fresh, IsDisabled: true}))
        return
      }
      requireSame(expectedOf(fresh.Id), workerFingerprint(fresh), `Worker '${fresh.Name}'`)
      const target = change.Worker!
      const poolIds = await Promise.all(target.PoolNames.map((n) => poolIdOf(state!, n)))
      const next: WorkerResource = {
        ...fresh,
        Name: target.Name,
        WorkerPoolIds: poolIds,
        // A disable waits for its own phase, after the default pool and the order; enabling is now.
        IsDisabled: target.IsDisabled ? fresh.IsDisabled : false,
        MachinePolicyId: target.MachinePolicyId ?? fresh.MachinePolicyId,
        Endpoint: fresh.Endpoint && target.Endpoint ? {...fresh.Endpoint, ...target.Endpoint} : fresh.Endpoint,
      }
      const written = await updateWorker(space, next)
      const print = workerFingerprint(written ?? next)
      state!.expected.set(fresh.Id, print)
      state!.pendingDisables.set(fresh.Id, print)
      return
    }
    case 'pool:set-default': {
      const pools = await listWorkerPools(space)
      const seen = JSON.parse(change.Seen ?? '{}') as {pool: string | null; default: string | null}
      const currentDefault = pools.find((p) => p.IsDefault)
      if ((currentDefault?.Id ?? null) !== seen.default) throw new Conflict(`the default pool was moved by someone else since the plan; not written`)
      const id = await poolIdOf(state!, change.Name)
      const fresh = pools.find((p) => p.Id === id)
      if (!fresh) throw new Conflict(`pool '${change.Name}' is gone; not written`)
      requireSame(state!.expected.get(id) ?? seen.pool, poolFingerprint(fresh), `Pool '${fresh.Name}'`)
      const written = await updateWorkerPool(space, {...fresh, IsDefault: true})
      state!.expected.set(id, poolFingerprint(written ?? {...fresh, IsDefault: true}))
      // Octopus clears the old default itself; what this apply expects of it follows.
      if (currentDefault) state!.expected.set(currentDefault.Id, poolFingerprint({...currentDefault, IsDefault: false}))
      return
    }
    case 'pool-order:reorder': {
      const pools = await listWorkerPools(space)
      const seenIds = JSON.parse(change.Seen ?? '[]') as string[]
      const expectedIds = [...seenIds, ...state!.createdPoolIds]
      const freshIds = pools.map((p) => p.Id)
      if (orderFingerprint([...freshIds].sort()) !== orderFingerprint([...expectedIds].sort()) || orderFingerprint(freshIds.filter((id) => seenIds.includes(id))) !== orderFingerprint(seenIds)) {
        throw new Conflict('the pools or their order were changed by someone else since the plan; not written')
      }
      const wanted = await Promise.all(change.Order!.map((n) => poolIdOf(state!, n)))
      // The server takes every pool ID; pools this apply deletes later go last.
      await setWorkerPoolSortOrder(space, [...wanted, ...freshIds.filter((id) => !wanted.includes(id))])
      return
    }
    case 'worker:delete': {
      const fresh = await getWorker(space, change.Id!)
      requireSame(expectedOf(fresh.Id), workerFingerprint(fresh), `Worker '${fresh.Name}'`)
      await deleteWorker(space, fresh.Id)
      return
    }
    case 'pool:delete': {
      const fresh = await getWorkerPool(space, change.Id!)
      requireSame(expectedOf(fresh.Id), poolFingerprint(fresh), `Pool '${fresh.Name}'`)
      await deleteWorkerPool(space, fresh.Id)
      return
    }
    default:
      throw new Error(`no way to apply ${change.Action} of a ${change.Resource}`)
  }
}
