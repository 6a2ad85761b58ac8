/**
 * The floor of a maintenance run: after workers are taken out of service, every pool they serve
 * must keep at least N available workers (enabled, Healthy or HasWarnings: src/domain/availability.ts).
 * Pure functions over worker and pool documents, so every command that takes workers out of service
 * (`worker disable`, `update --remove-pool`, `delete`, `drain`, `upgrade --rolling`) refuses the
 * same way. The floor of a pool is defined once, in src/domain/floor.ts; the requests around these
 * checks (read again after a prompt, verify after writing) are in guard.ts.
 */
import {CliError, ExitCode} from '../text/errors.js'
import {isAvailable, type AvailabilityFacts} from './availability.js'
import {isDynamicPool} from './pools.js'
import {plural} from '../text/wording.js'

export interface FloorWorker extends AvailabilityFacts {
  Id: string
  Name: string
  WorkerPoolIds?: string[] | null
}

export interface FloorPool {
  Id: string
  Name: string
  WorkerPoolType?: string | null
}

export interface PoolFloor {
  PoolId: string
  PoolName: string
  /** The minimum number of available workers the pool must keep. */
  Floor: number
  /** Workers in the pool. */
  Workers: number
  AvailableNow: number
  /** Available workers left while the given workers are out of service. */
  AvailableAfter: number
  /** Out-of-service workers that are available now (the ones that lower the count). */
  TakenOut: number
}

/**
 * The floor of every static pool that a changed worker belonged to, in pool order. A change is
 * either `out` (worker IDs taken out of service: disabled) or `after` (each changed worker's
 * document after the change; null when it is deleted), so a move out of one pool counts against
 * that pool only. A pool counts as affected only if a changed worker was in it; dynamic pools have
 * no workers of their own.
 */
export function poolFloors(opts: {pools: FloorPool[]; workers: FloorWorker[]; out?: Iterable<string>; after?: ReadonlyMap<string, FloorWorker | null>; floorOf: (pool: FloorPool) => number}): PoolFloor[] {
  const out = new Set(opts.out ?? [])
  const afterOf = (w: FloorWorker): FloorWorker | null => {
    if (opts.after?.has(w.Id)) return opts.after.get(w.Id) ?? null
    return out.has(w.Id) ? {...w, IsDisabled: true} : w
  }
  const changed = (w: FloorWorker) => out.has(w.Id) || (opts.after?.has(w.Id) ?? false)
  const affected = new Set<string>()
  for (const w of opts.workers) if (changed(w)) for (const id of w.WorkerPoolIds ?? []) affected.add(id)
  const floors: PoolFloor[] = []
  for (const pool of opts.pools) {
    if (!affected.has(pool.Id) || isDynamicPool(pool)) continue
    const inPool = (w: FloorWorker | null): w is FloorWorker => w !== null && (w.WorkerPoolIds ?? []).includes(pool.Id)
    const members = opts.workers.filter(inPool)
    const available = members.filter(isAvailable)
    const availableAfter = opts.workers.map(afterOf).filter((w): w is FloorWorker => inPool(w) && isAvailable(w))
    const keptIds = new Set(availableAfter.map((w) => w.Id))
    floors.push({
      PoolId: pool.Id, PoolName: pool.Name, Floor: opts.floorOf(pool), Workers: members.length,
      AvailableNow: available.length, AvailableAfter: availableAfter.length, TakenOut: available.filter((w) => !keptIds.has(w.Id)).length,
    })
  }
  return floors
}

/**
 * Pools the change would take below their floor. What counts is the count after the change: a
 * pool already below its floor (one worker, floor 2) may not lose its last available worker
 * either. A pool that loses no available worker is not a violation even when it is below its
 * floor: taking an unavailable worker out changes nothing Octopus could lease, and refusing would
 * block fixing a broken worker.
 */
export function floorViolations(floors: PoolFloor[]): PoolFloor[] {
  return floors.filter((f) => f.TakenOut > 0 && f.AvailableAfter < f.Floor)
}

/** "Pool 'Linux' has 2 available workers; draining would leave 1 (its floor is 2)". */
export function describeViolation(f: PoolFloor, verb: string): string {
  return `pool '${f.PoolName}' has ${plural(f.AvailableNow, 'available worker')}; ${verb} would leave ${f.AvailableAfter} (its floor is ${f.Floor})`
}

/** Exit 5, nothing changed: names each pool, its available count and what the change would leave. */
export function floorRefusal(violations: PoolFloor[], opts: {verb: string; override: string}): CliError {
  const parts = violations.map((f) => describeViolation(f, opts.verb))
  return new CliError(`Refusing: ${parts.join('; ')}. Nothing was changed.`, ExitCode.Unsafe, {
    code: 'below-floor',
    hint: `Available means enabled and Healthy or HasWarnings. ${opts.override}`,
    details: {pools: violations},
  })
}
