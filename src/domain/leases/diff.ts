/** Pure snapshot diffing for the lease API source: new IDs are `Leased`, vanished IDs `Released`. */

export interface SnapshotDiff<T> {
  added: T[]
  removed: T[]
}

/** Compares the previous snapshot (by ID) with the current list. Order: as the lists give them. */
export function diffSnapshots<T extends {Id: string}>(previous: ReadonlyMap<string, T>, current: readonly T[]): SnapshotDiff<T> {
  const currentIds = new Set(current.map((item) => item.Id))
  const added = current.filter((item) => !previous.has(item.Id))
  const removed = [...previous.values()].filter((item) => !currentIds.has(item.Id))
  return {added, removed}
}

/** Sorts by a timestamp, then by the number in an Octopus ID (`WorkerTaskLeases-12` before `-102`). */
export function byTimeThenId<T>(time: (item: T) => string, id: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => Date.parse(time(a)) - Date.parse(time(b)) || idNumber(id(a)) - idNumber(id(b)) || id(a).localeCompare(id(b))
}

export function idNumber(id: string): number {
  const m = /(\d+)$/.exec(id)
  return m ? Number(m[1]) : 0
}
