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
 *
 * Writes that take workers out of service (a move out of a pool, a disable, a delete) go through
 * the out-of-service guard every worker command uses (guarded.ts, src/app/maintenance/guard.ts):
 * once a phase's writes are made, the pools are read again, and a pool below its floor (another
 * change ran meanwhile) puts that phase's writes back and stops the run, reported as refused.
 */
import type {SpaceContext} from '../../octopus/client.js'
import type {WorkerPoolResource, WorkerResource} from '../../octopus/types.js'
import {CliError, ExitCode, type ExitCodeValue} from '../../text/errors.js'
import {createWorker, createWorkerPool, deleteWorker, deleteWorkerPool, getFeatures, getWorker, getWorkerPool, listWorkerPools, listWorkers, putFeatures, setWorkerPoolSortOrder, updateWorker, updateWorkerPool} from '../../octopus/repositories.js'
import {applyPhase, type PlannedChange} from '../../domain/estate-file/diff.js'
import {orderFingerprint, poolFingerprint, workerFingerprint} from '../../domain/estate-file/fingerprint.js'
import {disableChange, undoChanges, verifyFloorsAfterWrite, writeChange, type AppliedChange} from '../maintenance/guard.js'
import {confirmStillDisabled, drainWorkers} from '../maintenance/drain-run.js'
import type {DrainResult, DrainWaitEvent} from '../maintenance/drain.js'
import {estateWorkerChange, takesOutOfService} from './guarded.js'
import type {PlanContext} from './plan.js'

export type ItemStatus = 'done' | 'conflict' | 'refused' | 'failed' | 'not attempted' | 'install agent'

export interface ApplyItem {
  Action: PlannedChange['Action']
  Resource: PlannedChange['Resource']
  SpaceName: string | null
  Name: string
  Status: ItemStatus
  Message: string | null
}

/** The out-of-service guard's refusal after a write (guarded.ts, step 4): what it saw and put back. */
export interface ApplyRefusal {
  Message: string
  Hint: string | null
  /** 5 when everything was put back, 1 when something could not be (the hint says how). */
  ExitCode: number
  Code: string | null
}

export interface ApplyResult {
  Results: ApplyItem[]
  Done: number
  Conflicts: number
  Refused: number
  Failed: number
  NotAttempted: number
  Refusal: ApplyRefusal | null
  /** A Ctrl-C or SIGTERM stopped the drain before the deletes (--drain). */
  Interrupted: boolean
  HttpRequests: number
}

class Conflict extends Error {}

/** What `estate apply --drain` reports while it drains the workers it deletes (src/views/maintenance-progress.ts words it). */
export type EstateDrainEvent =
  | DrainWaitEvent
  /** The wait timed out or was stopped: those workers stay disabled and are not deleted. */
  | {kind: 'unfinished'; result: DrainResult; spaceName: string; timeoutMs: number}

export interface ApplyOptions {
  /** Called before each item's fresh read (tests make another client's change here). */
  beforeItem?: (change: PlannedChange) => Promise<void> | void
  /**
   * --drain: the workers to delete are drained first, as `worker delete --drain` does (disabled,
   * then waited on until no lease holds them); without it they are disabled, then deleted (the
   * command has already refused a worker that holds a lease).
   */
  drain?: {
    timeoutMs: number
    /** Called just before the wait: from then on Ctrl-C or SIGTERM stops the wait, not the process. */
    startWaiting: () => AbortSignal
    stopWaiting: () => void
    progress: (event: EstateDrainEvent) => void
    debug?: (line: string) => void
  }
}

interface SpaceState {
  context: SpaceContext
  /** Pool IDs by lower-cased name, as this apply has left them. */
  poolIds: Map<string, string>
  /** Pool names by ID (for the guard's words). */
  poolNames: Map<string, string>
  createdPoolIds: string[]
  /** The workers this apply registered: the guard counts them as available, as the plan did. */
  registered: Set<string>
  /** The fingerprint each resource should have now: what the plan saw, then what this apply wrote. */
  expected: Map<string, string>
  /** Workers whose disable waits for its phase: the fingerprint after their other changes. */
  pendingDisables: Map<string, string>
  /** Each changed worker's document after the plan (null: deleted). */
  changedWorkers: ReadonlyMap<string, WorkerResource | null>
  loadedNames: boolean
}

/** An out-of-service write of the current phase, verified (and put back if need be) when the phase ends. */
interface GuardedWrite {
  item: ApplyItem
  state: SpaceState
  applied: AppliedChange
}

export async function applyPlan(context: PlanContext, options: ApplyOptions = {}): Promise<ApplyResult> {
  const {plan, spaces} = context
  const client = spaces[0]?.client
  const states = new Map<string, SpaceState>()
  for (const space of context.actual.spaces) {
    states.set(space.Id, {
      context: spaces.find((s) => s.spaceId === space.Id)!,
      poolIds: new Map(space.pools.map((p) => [p.Name.toLowerCase(), p.Id])),
      poolNames: new Map(space.pools.map((p) => [p.Id, p.Name])),
      createdPoolIds: [],
      registered: new Set(),
      expected: new Map(),
      pendingDisables: new Map(),
      changedWorkers: context.after.find((a) => a.space.Id === space.Id)?.changedWorkers ?? new Map(),
      loadedNames: false,
    })
  }
  const results: ApplyItem[] = []
  let stopped = false
  let refusal: ApplyRefusal | null = null
  let interrupted = false
  let guarded: GuardedWrite[] = []

  /** Step 4 of the guard for the phase just written: the pools read again; below a floor, the phase's writes are put back. */
  const verifyPhase = async (): Promise<void> => {
    const writes = guarded
    guarded = []
    for (const state of new Set(writes.map((w) => w.state))) {
      const mine = writes.filter((w) => w.state === state)
      const applied = mine.map((w) => w.applied)
      try {
        await verifyFloorsAfterWrite(state.context, {
          applied, change: estateWorkerChange({after: state.changedWorkers, applied, poolName: (id) => state.poolNames.get(id) ?? id}),
          floorOf: context.floorOf, bin: context.bin, registered: state.registered,
        })
      } catch (error) {
        if (!(error instanceof CliError)) throw error
        for (const w of mine) {
          w.item.Status = 'refused'
          w.item.Message = 'put back: another change took a pool below its floor meanwhile'
        }
        refusal = {Message: error.message, Hint: error.hint ?? null, ExitCode: error.exitCode, Code: error.code ?? null}
        stopped = true
      }
    }
  }

  // Disables run in their own phase (after the order), so a worker's update is two steps.
  const steps: Array<{change: PlannedChange; disable: boolean}> = []
  for (const change of plan.Changes) {
    const disables = change.Resource === 'worker' && change.Action === 'update' && change.Worker?.IsDisabled === true && change.Fields.some((f) => f.Field === 'enabled')
    if (!disables || change.Fields.length > 1) steps.push({change, disable: false})
    if (disables) steps.push({change, disable: true})
  }
  steps.sort((a, b) => phaseOf(a) - phaseOf(b))
  let phase: number | undefined
  for (let i = 0; i < steps.length; i++) {
    const {change, disable} = steps[i]
    if (phaseOf(steps[i]) !== phase) {
      if (!stopped) await verifyPhase()
      phase = phaseOf(steps[i])
    }
    if (change.Resource === 'worker' && change.Action === 'delete') {
      // The deletes are one batch, as `worker delete` takes its selection: all disabled, the floor verified, then deleted.
      const batch = steps.slice(i).filter((s) => s.change.Resource === 'worker' && s.change.Action === 'delete').map((s) => s.change)
      i += batch.length - 1
      if (stopped) {
        for (const c of batch) results.push({...itemOf(c, false), Status: 'not attempted'})
        continue
      }
      const outcome = await deleteWorkers(batch, states, results, options, context, (w) => guarded.push(w), verifyPhase, () => stopped)
      stopped = outcome.stopped || stopped
      interrupted = outcome.interrupted
      continue
    }
    const item = itemOf(change, disable)
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
      await options.beforeItem?.(change)
      const state = change.SpaceId ? states.get(change.SpaceId)! : undefined
      const applied = await applyOne(change, disable, state, client)
      if (applied && state && takesOutOfService(applied)) guarded.push({item, state, applied})
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
  if (!stopped) await verifyPhase()
  const count = (s: ItemStatus) => results.filter((r) => r.Status === s).length
  return {
    Results: results, Done: count('done'), Conflicts: count('conflict'), Refused: count('refused'), Failed: count('failed'), NotAttempted: count('not attempted'),
    Refusal: refusal, Interrupted: interrupted, HttpRequests: client?.requestCount ?? 0,
  }
}

/**
 * 0 when everything was applied; 130 when a signal stopped the drain; 5 when the guard refused and
 * put back the first writes (nothing else was written); 1 otherwise (conflicts, failures, or a
 * refusal after other writes were made).
 */
export function applyExitCode(result: ApplyResult | null): ExitCodeValue {
  if (!result) return ExitCode.Success
  if (result.Interrupted) return ExitCode.Interrupted
  if (result.Refusal) return result.Refusal.ExitCode === ExitCode.Unsafe && result.Done === 0 && result.Conflicts === 0 ? ExitCode.Unsafe : ExitCode.Failure
  return result.Conflicts > 0 || result.Failed > 0 ? ExitCode.Failure : ExitCode.Success
}

function itemOf(change: PlannedChange, disable: boolean): ApplyItem {
  return {Action: change.Action, Resource: change.Resource, SpaceName: change.SpaceName, Name: change.Name, Status: 'done', Message: disable ? 'disabled' : null}
}

/**
 * The workers the plan deletes, as `worker delete` deletes: each disabled first (a read-merge-write
 * that is a conflict when another client changed the worker since the plan), the floor verified on
 * a fresh read (below it, the disables are put back and refused), with --drain the wait for their
 * leases, then each read again and deleted. One not deleted (a failure stopped the run) is enabled
 * again.
 */
async function deleteWorkers(batch: PlannedChange[], states: Map<string, SpaceState>, results: ApplyItem[], options: ApplyOptions, context: PlanContext, guard: (w: GuardedWrite) => void, verifyPhase: () => Promise<void>, isStopped: () => boolean): Promise<{stopped: boolean; interrupted: boolean}> {
  const pending: Array<{item: ApplyItem; change: PlannedChange; state: SpaceState; applied?: AppliedChange}> = []
  let stopped = false
  for (const change of batch) {
    const item = itemOf(change, false)
    results.push(item)
    if (stopped) {
      item.Status = 'not attempted'
      continue
    }
    const state = states.get(change.SpaceId!)!
    try {
      await options.beforeItem?.(change)
      const applied = await writeChange(state.context, change.Id!, {
        ...disableChange,
        apply: (current) => {
          requireSame(state.expected.get(current.Id) ?? change.Seen, workerFingerprint(current), `Worker '${current.Name}'`)
          return disableChange.apply(current)
        },
      })
      if (applied) {
        state.expected.set(applied.after.Id, workerFingerprint(applied.after))
        if (takesOutOfService(applied)) guard({item, state, applied})
      }
      pending.push({item, change, state, applied})
    } catch (error) {
      item.Status = error instanceof Conflict ? 'conflict' : 'failed'
      item.Message = (error as Error).message
      if (!(error instanceof Conflict)) stopped = true
    }
  }
  await verifyPhase()
  if (stopped || isStopped()) {
    for (const p of pending) if (p.item.Status === 'done') p.item.Status = 'not attempted'
    await putBack(pending.filter((p) => p.item.Status === 'not attempted'))
    return {stopped: true, interrupted: false}
  }
  if (options.drain) {
    const drain = options.drain
    for (const state of new Set(pending.map((p) => p.state))) {
      const mine = pending.filter((p) => p.state === state)
      const targets = mine.map((p) => context.actual.spaces.find((s) => s.Id === state.context.spaceId)!.workers.find((w) => w.Id === p.change.Id)!)
      const waited = await drainWorkers(state.context, targets, {
        timeoutMs: drain.timeoutMs, signal: drain.startWaiting(), debug: drain.debug,
        onStale: (worker, lease) => drain.progress({kind: 'stale-lease', worker, lease}),
        onProgress: (waiting, elapsedMs) => drain.progress({kind: 'waiting', waiting, elapsedMs}),
      })
      drain.stopWaiting()
      const drained = await confirmStillDisabled(state.context, waited)
      if (drained.Outcome === 'drained') continue
      if (drained.Outcome !== 're-enabled') drain.progress({kind: 'unfinished', result: drained, spaceName: state.context.space.Name, timeoutMs: drain.timeoutMs})
      const why = drained.Outcome === 'interrupted' ? 'the drain was stopped' : drained.Outcome === 're-enabled' ? 'another change enabled it again during the drain' : 'the drain did not finish'
      for (const p of pending) {
        p.item.Status = p.state === state ? 'failed' : 'not attempted'
        if (p.state === state) p.item.Message = `${why}; not deleted (left disabled)`
      }
      return {stopped: true, interrupted: drained.Outcome === 'interrupted'}
    }
  }
  for (const [n, p] of pending.entries()) {
    try {
      const fresh = await getWorker(p.state.context, p.change.Id!)
      requireSame(p.state.expected.get(fresh.Id) ?? p.change.Seen, workerFingerprint(fresh), `Worker '${fresh.Name}'`)
      await deleteWorker(p.state.context, fresh.Id)
    } catch (error) {
      p.item.Status = error instanceof Conflict ? 'conflict' : 'failed'
      p.item.Message = (error as Error).message
      if (error instanceof Conflict) continue
      const rest = pending.slice(n + 1)
      for (const r of rest) r.item.Status = 'not attempted'
      await putBack([p, ...rest])
      return {stopped: true, interrupted: false}
    }
  }
  return {stopped: false, interrupted: false}
}

/** Enables again the workers this apply disabled to delete but did not delete. */
async function putBack(items: Array<{item: ApplyItem; state: SpaceState; applied?: AppliedChange}>): Promise<void> {
  for (const p of items) {
    if (!p.applied) continue
    const [restored] = await undoChanges(p.state.context, [p.applied], disableChange)
    p.item.Message = `${p.item.Message ? `${p.item.Message}; ` : ''}${restored.error ? `disabled to be deleted and could not be enabled again (${restored.error})` : 'enabled again'}`
  }
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

async function applyOne(change: PlannedChange, disable: boolean, state: SpaceState | undefined, client: SpaceContext['client'] | undefined): Promise<AppliedChange | undefined> {
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
      state!.poolNames.set(created.Id, created.Name)
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
      state!.poolNames.set(fresh.Id, target.Name)
      state!.expected.set(fresh.Id, poolFingerprint(written ?? next))
      return
    }
    case 'worker:create': {
      const target = change.Worker!
      const existing = (await listWorkers(space)).find((w) => w.Name.toLowerCase() === target.Name.toLowerCase())
      if (existing) throw new Conflict(`a worker named '${existing.Name}' was registered by someone else since the plan; not written`)
      const poolIds = await Promise.all(target.PoolNames.map((n) => poolIdOf(state!, n)))
      const created = await createWorker(space, {
        Name: target.Name, Endpoint: target.Endpoint, WorkerPoolIds: poolIds, IsDisabled: target.IsDisabled,
        ...(target.MachinePolicyId ? {MachinePolicyId: target.MachinePolicyId} : {}),
      })
      if (created?.Id) state!.registered.add(created.Id)
      return undefined
    }
    case 'worker:update': {
      const fresh = await getWorker(space, change.Id!)
      if (disable) {
        requireSame(state!.pendingDisables.get(fresh.Id) ?? expectedOf(fresh.Id), workerFingerprint(fresh), `Worker '${fresh.Name}'`)
        const written = (await updateWorker(space, {...fresh, IsDisabled: true})) ?? {...fresh, IsDisabled: true}
        state!.expected.set(fresh.Id, workerFingerprint(written))
        return {before: fresh, after: written}
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
      const written = (await updateWorker(space, next)) ?? next
      const print = workerFingerprint(written)
      state!.expected.set(fresh.Id, print)
      state!.pendingDisables.set(fresh.Id, print)
      return {before: fresh, after: written}
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
