/** Throttles progress lines: a line when what is waited on changes, else at most one per interval. */
export function progressThrottle(intervalMs = 15_000, now: () => number = Date.now): (key: string) => boolean {
  let lastKey: string | undefined
  let lastAt = -Infinity
  return (key) => {
    const t = now()
    if (key === lastKey && t - lastAt < intervalMs) return false
    lastKey = key
    lastAt = t
    return true
  }
}
