/**
 * The items by key, each group in the items' order, the groups in the order their keys first
 * appear; an item whose key is undefined is in no group.
 */
export function groupOf<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    if (k === undefined) continue
    const list = groups.get(k)
    if (list) list.push(item)
    else groups.set(k, [item])
  }
  return groups
}
