/** Bounded parallelism for reading many documents without flooding the server. */

/**
 * Maps with at most `limit` calls in flight; results keep the input order. `onDone` gets the count
 * finished so far. The first failure rejects the whole map and no further call starts (calls
 * already in flight finish, their results unused): a failed report must not keep reading logs.
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>, onDone?: (done: number) => void): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  let done = 0
  let failed = false
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++
      try {
        results[index] = await fn(items[index], index)
      } catch (error) {
        failed = true
        throw error
      }
      onDone?.(++done)
    }
  }
  await Promise.all(Array.from({length: Math.min(Math.max(1, limit), items.length)}, worker))
  return results
}
