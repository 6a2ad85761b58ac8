/**
 * The one guard of every command that takes workers out of service (`worker disable`, `worker
 * update --remove-pool`, `worker delete`, `worker drain`, `worker upgrade --rolling`; a rolling
 * upgrade's step 1 is its batch plan, and it takes steps 2 to 4 from here, step 4 batch by batch):
 *
 * 1. the floor, on what the server says now: exit 5 naming each affected pool, its available count
 *    before and after, and the override (floor.ts: `floorViolations`, `floorRefusal`);
 * 2. after a confirmation prompt, the floor again on a fresh read (a prompt can wait for minutes
 *    while someone else changes the pools);
 * 3. each write is a read-merge-write: the worker is read just before its PUT and only this
 *    command's change is applied to that document, so a change someone made meanwhile (another
 *    pool added, a rename) is kept;
 * 4. after writing, the pools are read again: a pool below its floor then means another change ran
 *    at the same time (Octopus has no ETag or version on workers, so two commands can both pass
 *    step 1 and both write). This command then puts back what it changed (again read-merge-write)
 *    and refuses (exit 5, saying another change was seen).
 *
 * Step 4 leaves one race, and it is a safe one: two commands that both write and then both read
 * may both see the pool below its floor and both put their change back, so both refuse and the
 * pool keeps every worker. The pool cannot be left below its floor with both succeeding: whichever
 * reads last reads after both writes.
 */
import {CliError, ExitCode} from '../../text/errors.js'
import type {SpaceContext} from '../../octopus/client.js'
import {getWorker, listWorkerPools, listWorkers, updateWorker} from '../../octopus/repositories.js'
import type {WorkerPoolResource, WorkerResource} from '../../octopus/types.js'
import {shellQuote} from '../../text/shell.js'
import {isAvailable} from '../../domain/availability.js'
import {isDynamicPool} from '../../domain/pools.js'
import {floorRefusal, floorViolations, poolFloors, type FloorPool, type PoolFloor} from '../../domain/pool-floors.js'
import {plural} from '../../text/wording.js'

/** One command's change to one worker, applied to whatever the worker's document is at that moment. */
export interface WorkerChange {
  /** The document with this command's change, or undefined when it has nothing to change. */
  apply(current: WorkerResource): WorkerResource | undefined
  /** The current document with this command's change (and only it) taken back, or undefined when none of it is left. */
  undo(current: WorkerResource, applied: AppliedChange): WorkerResource | undefined
  /** The undo in words, for the refusal: `'build-01' enabled again`. */
  undoneWords(worker: WorkerResource): string
  /** The command that undoes it by hand, when the automatic undo could not be written. */
  undoCommand(bin: string, worker: WorkerResource, spaceName: string): string
}

/** A change this command wrote: the document just before its PUT, and what was PUT. */
export interface AppliedChange {
  before: WorkerResource
  after: WorkerResource
}

/** Taking a worker out of service by disabling it (Octopus leases no disabled worker). */
export const disableChange: WorkerChange = {
  apply: (current) => (current.IsDisabled ? undefined : {...current, IsDisabled: true}),
  undo: (current) => (current.IsDisabled ? {...current, IsDisabled: false} : undefined),
  undoneWords: (worker) => `'${worker.Name}' enabled again`,
  undoCommand: (bin, worker, spaceName) => `${bin} worker enable ${shellQuote(worker.Name)} --space ${shellQuote(spaceName)}`,
}

/** Putting a worker back in service; never guarded (it only adds available workers). */
export const enableChange: WorkerChange = {
  apply: (current) => (current.IsDisabled ? {...current, IsDisabled: false} : undefined),
  undo: (current) => (current.IsDisabled ? undefined : {...current, IsDisabled: true}),
  undoneWords: (worker) => `'${worker.Name}' disabled again`,
  undoCommand: (bin, worker, spaceName) => `${bin} worker disable ${shellQuote(worker.Name)} --space ${shellQuote(spaceName)} -y`,
}

/** Each target's document after the change (null: deleted), for `poolFloors`. Unchanged targets are left out. */
export function plannedAfter(targets: WorkerResource[], change: WorkerChange | 'delete'): Map<string, WorkerResource | null> {
  const after = new Map<string, WorkerResource | null>()
  for (const worker of targets) {
    if (change === 'delete') after.set(worker.Id, null)
    else {
      const next = change.apply(worker)
      if (next) after.set(worker.Id, next)
    }
  }
  return after
}

export interface FloorCheck {
  floors: PoolFloor[]
  violations: PoolFloor[]
}

/** The floors the change keeps, over the given documents (pure). */
export function checkFloors(opts: {workers: WorkerResource[]; pools: FloorPool[]; targets: WorkerResource[]; change: WorkerChange | 'delete'; floorOf: (pool: FloorPool) => number}): FloorCheck {
  const floors = poolFloors({pools: opts.pools, workers: opts.workers, after: plannedAfter(opts.targets, opts.change), floorOf: opts.floorOf})
  return {floors, violations: floorViolations(floors)}
}

export interface GuardWording {
  /** `draining`, `disabling`, `deleting`, `removing them from the pool`. */
  verb: string
  /** The override, for the refusal's hint: `Pass --keep-healthy with a lower number, or --force, ...`. */
  override: string
}

/** Step 1: exit 5 when the change would take a pool below its floor; nothing changed. */
export function refuseBelowFloor(check: FloorCheck, wording: GuardWording): void {
  if (check.violations.length > 0) throw floorRefusal(check.violations, wording)
}

/**
 * Step 2, after a confirmation prompt: the workers and pools read again and the floor checked
 * again on them. Returns the targets as they are now (a target deleted meanwhile is exit 4).
 */
export async function recheckAfterPrompt(space: SpaceContext, opts: {targets: WorkerResource[]; change: WorkerChange | 'delete'; floorOf: (pool: FloorPool) => number} & GuardWording): Promise<FloorCheck & {targets: WorkerResource[]; workers: WorkerResource[]; pools: WorkerPoolResource[]}> {
  const fresh = await readAgainAfterPrompt(space, opts.targets)
  const check = checkFloors({workers: fresh.workers, pools: fresh.pools, targets: fresh.targets, change: opts.change, floorOf: opts.floorOf})
  if (check.violations.length > 0) throw refusedAfterPrompt(floorRefusal(check.violations, opts))
  return {...check, ...fresh}
}

/**
 * The first half of step 2, for a command whose floor check is its own (a rolling upgrade plans
 * batches): the targets as they are now, with every worker and pool (a target deleted meanwhile
 * is exit 4, nothing changed).
 */
export async function readAgainAfterPrompt(space: SpaceContext, targets: WorkerResource[]): Promise<{targets: WorkerResource[]; workers: WorkerResource[]; pools: WorkerPoolResource[]}> {
  const [workers, pools] = await Promise.all([listWorkers(space), listWorkerPools(space)])
  const byId = new Map(workers.map((w) => [w.Id, w]))
  const gone = targets.filter((t) => !byId.has(t.Id))
  if (gone.length > 0) {
    throw new CliError(`${gone.map((w) => `'${w.Name}' (${w.Id})`).join(', ')} ${gone.length === 1 ? 'was' : 'were'} deleted by another change while you were asked; nothing was changed.`, ExitCode.NotFound, {code: 'concurrent-change'})
  }
  return {targets: targets.map((t) => byId.get(t.Id)!), workers, pools}
}

/** A floor refusal found on the read after the confirmation, saying so (the plan shown before it was fine). */
export function refusedAfterPrompt(error: CliError): CliError {
  error.message = error.message.replace(/^Refusing: /, 'Refusing (checked again after the confirmation: another change was made meanwhile): ')
  return error
}

/** Step 3: reads the worker now, applies this command's change to that document and PUTs it; undefined when there was nothing to change. */
export async function writeChange(space: SpaceContext, workerId: string, change: WorkerChange): Promise<AppliedChange | undefined> {
  const before = await getWorker(space, workerId)
  const next = change.apply(before)
  if (!next) return undefined
  const after = await updateWorker(space, next)
  return {before, after: after && typeof after === 'object' && after.Id ? after : next}
}

/** Pools an applied change took an available worker out of: the ones the verification re-reads. */
export function poolsTakenFrom(applied: AppliedChange[]): Set<string> {
  const pools = new Set<string>()
  for (const {before, after} of applied) {
    if (!isAvailable(before)) continue
    for (const id of before.WorkerPoolIds ?? []) if (!isAvailable(after) || !(after.WorkerPoolIds ?? []).includes(id)) pools.add(id)
  }
  return pools
}

/** A pool below its floor after this command wrote, with what is available in it now. */
export interface FloorBreach {
  PoolId: string
  PoolName: string
  Floor: number
  AvailableNow: number
}

/**
 * The pools (of those this command took workers from) that are below their floor on the documents
 * given (pure). `registered`: workers this command itself registered, counted as available while
 * enabled (Octopus health-checks a new worker when it registers; the plan counted them so).
 */
export function floorBreaches(opts: {applied: AppliedChange[]; workers: WorkerResource[]; pools: FloorPool[]; floorOf: (pool: FloorPool) => number; registered?: ReadonlySet<string>}): FloorBreach[] {
  const taken = poolsTakenFrom(opts.applied)
  const counts = (w: WorkerResource) => isAvailable(w) || (opts.registered?.has(w.Id) === true && w.IsDisabled !== true)
  const breaches: FloorBreach[] = []
  for (const pool of opts.pools) {
    if (!taken.has(pool.Id) || isDynamicPool(pool)) continue
    const floor = opts.floorOf(pool)
    const available = opts.workers.filter((w) => (w.WorkerPoolIds ?? []).includes(pool.Id) && counts(w)).length
    if (available < floor) breaches.push({PoolId: pool.Id, PoolName: pool.Name, Floor: floor, AvailableNow: available})
  }
  return breaches
}

/**
 * Step 4: after this command's writes, the pools read again. If one it took workers from is below
 * its floor, another change ran meanwhile: this command's changes are put back (read-merge-write,
 * newest first) and it refuses with exit 5, or exit 1 when a change could not be put back (the
 * message then gives the command that does it).
 */
export async function verifyFloorsAfterWrite(space: SpaceContext, opts: {applied: AppliedChange[]; change: WorkerChange; floorOf: (pool: FloorPool) => number; bin: string; registered?: ReadonlySet<string>}): Promise<void> {
  if (opts.applied.length === 0) return
  const [workers, pools] = await Promise.all([listWorkers(space), listWorkerPools(space)])
  const breaches = floorBreaches({applied: opts.applied, workers, pools, floorOf: opts.floorOf, registered: opts.registered})
  if (breaches.length === 0) return
  const restored = await undoChanges(space, opts.applied, opts.change)
  const seen = breaches.map((b) => `pool '${b.PoolName}' has ${plural(b.AvailableNow, 'available worker')} now (its floor is ${b.Floor})`).join('; ')
  const failed = restored.filter((r) => r.error)
  const putBack = restored.filter((r) => !r.error).map((r) => opts.change.undoneWords(r.worker))
  const message = `Refusing: another change was seen while this command ran: ${seen}. Put back what this command changed${putBack.length ? `: ${putBack.join(', ')}` : ''}${failed.length ? `; could not put back ${failed.map((r) => `'${r.worker.Name}' (${r.error})`).join(', ')}` : ''}.`
  const details = {pools: breaches, restored: restored.filter((r) => !r.error).map((r) => ({Id: r.worker.Id, Name: r.worker.Name})), notRestored: failed.map((r) => ({Id: r.worker.Id, Name: r.worker.Name, Error: r.error}))}
  if (failed.length > 0) {
    throw new CliError(message, ExitCode.Failure, {code: 'concurrent-change', details, hint: `To put the rest back: ${failed.map((r) => opts.change.undoCommand(opts.bin, r.worker, space.space.Name)).join(' && ')}`})
  }
  throw new CliError(message, ExitCode.Unsafe, {code: 'concurrent-change', details, hint: 'Another command took workers of the same pool out of service at the same time. Check the pool (worker list --pool) and run this again if it is still what you want.'})
}

/** Puts back this command's changes, newest first, each on the worker's current document. */
export async function undoChanges(space: SpaceContext, applied: AppliedChange[], change: WorkerChange): Promise<Array<{worker: WorkerResource; error?: string}>> {
  const out: Array<{worker: WorkerResource; error?: string}> = []
  for (const item of [...applied].reverse()) {
    try {
      const current = await getWorker(space, item.before.Id)
      const back = change.undo(current, item)
      if (back) await updateWorker(space, back)
      out.push({worker: current})
    } catch (error) {
      out.push({worker: item.before, error: (error as Error).message})
    }
  }
  return out.reverse()
}
