/** Resolves `--pool`/`--worker` names or IDs to a filter, before anything is followed or read. */
import {notFoundError} from '../../text/errors.js'
import {closeMatches} from '../../text/fuzzy.js'
import {findByNameOrId} from '../../octopus/names.js'
import type {NameDirectory} from './directory.js'
import type {LeaseFilter} from './tail.js'

/**
 * Each input must name a pool/worker in at least one of the spaces (exit 4 with close matches
 * otherwise; an ambiguous name is exit 2). Matching keeps both IDs and names, because a task log
 * names workers and pools only by name.
 */
export function resolveLeaseFilter(directories: ReadonlyArray<Pick<NameDirectory, 'allPools' | 'allWorkers'>>, pools: string[] = [], workers: string[] = []): LeaseFilter {
  const filter: LeaseFilter = {}
  if (pools.length > 0) [filter.poolIds, filter.poolNames] = resolveAll(directories.map((d) => d.allPools), pools, 'worker pool')
  if (workers.length > 0) [filter.workerIds, filter.workerNames] = resolveAll(directories.map((d) => d.allWorkers), workers, 'worker')
  return filter
}

/** The IDs and lower-case names of everything the inputs name, in any space. */
function resolveAll<T extends {Id: string; Name: string}>(lists: ReadonlyArray<readonly T[]>, inputs: string[], kind: string): [Set<string>, Set<string>] {
  const ids = new Set<string>()
  const names = new Set<string>()
  for (const input of inputs) {
    for (const item of resolveInEachSpace(lists, input, kind)) {
      ids.add(item.Id)
      names.add(item.Name.toLowerCase())
    }
  }
  return [ids, names]
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
