/** Resolves `--pool`/`--worker` names or IDs to a filter, before anything is followed or read. */
import {notFoundError} from '../errors.js'
import {closeMatches, findByNameOrId} from '../octopus/names.js'
import type {NameDirectory} from './directory.js'
import type {LeaseFilter} from './tail.js'

/**
 * Each input must name a pool/worker in at least one of the spaces (exit 4 with close matches
 * otherwise; an ambiguous name is exit 2). Matching keeps both IDs and names, because a task log
 * names workers and pools only by name.
 */
export async function resolveLeaseFilter(directories: NameDirectory[], pools: string[] = [], workers: string[] = []): Promise<LeaseFilter> {
  const filter: LeaseFilter = {}
  if (pools.length > 0) {
    filter.poolIds = new Set()
    filter.poolNames = new Set()
    for (const input of pools) {
      for (const pool of resolveInEachSpace(directories.map((d) => d.allPools), input, 'worker pool')) {
        filter.poolIds.add(pool.Id)
        filter.poolNames.add(pool.Name.toLowerCase())
      }
    }
  }
  if (workers.length > 0) {
    filter.workerIds = new Set()
    filter.workerNames = new Set()
    for (const input of workers) {
      for (const worker of resolveInEachSpace(directories.map((d) => d.allWorkers), input, 'worker')) {
        filter.workerIds.add(worker.Id)
        filter.workerNames.add(worker.Name.toLowerCase())
      }
    }
  }
  return filter
}

function resolveInEachSpace<T extends {Id: string; Name: string}>(lists: ReadonlyArray<readonly T[]>, input: string, kind: string): T[] {
  if (lists.length === 1) return [findByNameOrId([...lists[0]], input, kind)]
  const wanted = input.trim().toLowerCase()
  const found = lists.flatMap((items) => items.filter((i) => i.Id.toLowerCase() === wanted || i.Name.toLowerCase() === wanted))
  if (found.length > 0) return found
  const names = [...new Set(lists.flatMap((items) => items.map((i) => i.Name)))]
  const close = closeMatches(input, names)
  throw notFoundError(`No ${kind} '${input}' in any space. ${close.length ? `Did you mean: ${close.join(', ')}?` : `Known: ${names.slice(0, 10).join(', ') || '(none)'}.`}`, {details: {candidates: close}})
}
