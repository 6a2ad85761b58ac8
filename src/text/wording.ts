/** Small pieces of English the messages share. */

/** `1 worker`, `3 workers`: a count with its noun (regular plurals only). */
export function plural(n: number, word: string): string {
  return `${n} ${nounFor(n, word)}`
}

/** "worker" or "workers" as `count` asks, where the number is written apart from the noun or not at all. */
export function nounFor(count: number, word: string): string {
  return count === 1 ? word : `${word}s`
}

/** "process 4242 on build-host since 2026-01-02T03:04:05.000Z": which run holds something, and since when. */
export function describeProcess(owner: {Pid: number; Host: string; ClaimedAt: string}): string {
  return `process ${owner.Pid} on ${owner.Host} since ${owner.ClaimedAt}`
}

/** `a, b, c, d, e and 2 more`: names listed up to `limit`, the rest counted. */
export function shortList(names: string[], limit = 5): string {
  return names.length <= limit ? names.join(', ') : `${names.slice(0, limit).join(', ')} and ${names.length - limit} more`
}
