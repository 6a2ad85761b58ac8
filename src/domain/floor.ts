/**
 * The one definition of a pool's floor: the number of available workers (availability.ts)
 * a pool must keep. `check`'s redundancy rule reports pools below it; every command that takes
 * workers out of service refuses to go below it (maintenance/guard). Both read it from here so
 * they cannot disagree.
 *
 * The floor is `--keep-healthy N` when a command was given one, else the first per-pool
 * `minWorkers` override of `.octoworkers.yaml` whose name or glob matches the pool (or its ID),
 * else the file's `thresholds.minWorkers`, else 2 (Octopus: "For redundancy, have at least two
 * workers per pool").
 */
import type {PolicyConfig, PoolOverride} from '../config/octoworkers-yaml/load.js'
import {globMatches} from './policy/glob.js'

/** What a floor depends on: a pool's identity (per-pool overrides match its name or ID). */
export interface FloorPoolIdentity {
  Id: string
  Name: string
}

/** The first per-pool override with a minimum whose name/glob (or ID) matches the pool. */
export function minWorkersOverride(config: PolicyConfig, pool: FloorPoolIdentity): PoolOverride | undefined {
  return config.pools.find((o) => o.minWorkers !== undefined && (globMatches(o.match, pool.Name) || o.match.toLowerCase() === pool.Id.toLowerCase()))
}

/** The configured minimum for a pool: the first matching per-pool override, else the global one. */
export function minWorkersFor(config: PolicyConfig, pool: FloorPoolIdentity): number {
  return minWorkersOverride(config, pool)?.minWorkers ?? config.minWorkers
}

/** The floor of every pool for one command: `--keep-healthy N` for all pools, else the configured minimum. */
export function floorFunction(keepHealthy: number | undefined, config: PolicyConfig): (pool: FloorPoolIdentity) => number {
  if (keepHealthy !== undefined) return () => keepHealthy
  return (pool) => minWorkersFor(config, pool)
}
