/** Pure interval arithmetic for lease reports. */

export interface Interval {
  start: number
  end: number
}

export interface Peak {
  /** Largest number of intervals open at the same instant. */
  peak: number
  /** The first instant the peak was reached (undefined when there are no intervals). */
  at?: number
}

/**
 * Peak concurrency by a sweep over start/end points. Intervals are half-open [start, end): a lease
 * released at the instant another is taken does not overlap it.
 */
export function peakConcurrency(intervals: readonly Interval[]): Peak {
  const points: Array<[number, number]> = []
  for (const i of intervals) {
    points.push([i.start, +1])
    points.push([Math.max(i.start, i.end), -1])
  }
  // Ends before starts at the same instant.
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  let open = 0
  let best: Peak = {peak: 0}
  for (const [time, delta] of points) {
    open += delta
    if (open > best.peak) best = {peak: open, at: time}
  }
  return best
}

/** Total length of the intervals (overlaps counted once per interval, i.e. lease-time, not wall time). */
export function totalLength(intervals: readonly Interval[]): number {
  return intervals.reduce((sum, i) => sum + Math.max(0, i.end - i.start), 0)
}
