/**
 * Capacity over time, from the same lease intervals as the `leases report` tables: per pool, how
 * many leases were open and how many of its workers were busy at each moment (a step series), how
 * long every worker was busy and how long its workers sat idle; per worker, busy time by day and
 * hour (UTC); per pool, the distribution of lease durations. Pure: the HTML view draws it.
 */
import type {LeaseInterval} from '../../domain/leases/types.js'
import type {Interval} from '../../domain/leases/intervals.js'
import {groupOf} from '../../text/group.js'

const HOUR_MS = 3_600_000

/** One change point of a pool's step series: from `At` on, `Leases` leases were open on `BusyWorkers` distinct workers. */
export interface CapacityStep {
  At: number
  Leases: number
  BusyWorkers: number
}

export interface DurationDistribution {
  Count: number
  /** Seconds. */
  P50: number
  P90: number
  P99: number
  Max: number
  /** Leases per duration bucket, each bucket up to (and including) its bound in seconds; the last is unbounded (null). */
  Buckets: Array<{UpToSeconds: number | null; Leases: number}>
}

export interface PoolCapacity {
  SpaceName: string
  WorkerPoolName: string
  /** Members of the pool that are enabled now: the workers a lease could have been given (health is not known over time). */
  AvailableWorkers: number
  /** Starts at the window's start; the series holds its last value until the window's end. */
  Steps: CapacityStep[]
  PeakConcurrentLeases: number
  /** Time every available worker held at least one lease (0 for a pool with no available worker). */
  AllBusySeconds: number
  /** Time more leases were open than the pool had available workers (leases sharing a worker). */
  OverSeconds: number
  /** Time steps waited for a worker of the pool before their lease (step start to lease line). */
  LeaseWaitSeconds: number
  /** Share of the available workers' time (window × workers) that no lease covered; null with no available worker. */
  IdleFraction: number | null
  Durations: DurationDistribution
}

export interface WorkerHeat {
  SpaceName: string
  WorkerName: string
  WorkerPoolNames: string[]
  /** Busy seconds (overlapping leases counted once) per UTC day (`YYYY-MM-DD`) and hour (0–23); only non-zero cells. */
  Cells: Array<{Day: string; Hour: number; BusySeconds: number}>
  BusySeconds: number
  /** Time its leases' steps waited on another script's mutex on it. */
  MutexWaitSeconds: number
  /** Time the steps that leased it waited for a worker first. */
  LeaseWaitSeconds: number
}

export interface Capacity {
  Since: string
  Until: string
  Pools: PoolCapacity[]
  Workers: WorkerHeat[]
}

/** Bucket bounds of the duration bars, in seconds: short steps to long deployments. */
export const DURATION_BUCKETS = [10, 30, 60, 300, 900, 1800, 3600] as const

/** What the capacity needs of a worker (report.ts's WorkerInfo has these). */
export interface CapacityWorker {
  Id: string
  Name: string
  WorkerPoolIds: string[]
  IsDisabled?: boolean
}

export interface CapacityInput {
  spaceName: string
  since: number
  until: number
  intervals: readonly LeaseInterval[]
  workers: readonly CapacityWorker[]
  pools: ReadonlyArray<{Id: string; Name: string}>
}

const seconds = (ms: number) => Math.round(ms / 100) / 10

export function capacityOf(input: CapacityInput): Capacity {
  const clip = (i: LeaseInterval): LeaseInterval | undefined => {
    const start = Math.max(i.start, input.since)
    const end = Math.min(i.end, input.until)
    return end > start || (i.start === i.end && i.start >= input.since && i.start <= input.until) ? {...i, start, end: Math.max(start, end)} : undefined
  }
  const clipped = input.intervals.map(clip).filter((i): i is LeaseInterval => i !== undefined)
  const windowMs = Math.max(0, input.until - input.since)
  const poolKey = (id: string | null, name: string) => id ?? `name:${name.toLowerCase()}`
  const byPool = new Map<string, {name: string; available: number; list: LeaseInterval[]}>()
  for (const pool of input.pools) {
    const available = input.workers.filter((w) => w.WorkerPoolIds.includes(pool.Id) && !w.IsDisabled).length
    byPool.set(pool.Id, {name: pool.Name, available, list: []})
  }
  for (const i of clipped) {
    const key = poolKey(i.WorkerPoolId, i.WorkerPoolName)
    let entry = byPool.get(key)
    if (!entry) byPool.set(key, (entry = {name: i.WorkerPoolName, available: 0, list: []}))
    entry.list.push(i)
  }
  const pools: PoolCapacity[] = [...byPool.values()].map(({name, available, list}) => {
    const steps = stepSeries(list, input.since)
    let allBusy = 0
    let over = 0
    steps.forEach((step, n) => {
      const until = n + 1 < steps.length ? steps[n + 1].At : input.until
      const length = Math.max(0, until - step.At)
      if (available > 0 && step.BusyWorkers >= available) allBusy += length
      if (step.Leases > available) over += length
    })
    const busyMs = [...groupOf(list, workerKeyOf).values()].reduce((sum, spans) => sum + unionLength(spans), 0)
    const capacityMs = available * windowMs
    return {
      SpaceName: input.spaceName,
      WorkerPoolName: name,
      AvailableWorkers: available,
      Steps: steps,
      PeakConcurrentLeases: Math.max(0, ...steps.map((s) => s.Leases)),
      AllBusySeconds: seconds(allBusy),
      OverSeconds: seconds(over),
      LeaseWaitSeconds: seconds(list.reduce((sum, i) => sum + (i.LeaseWaitMs ?? 0), 0)),
      IdleFraction: capacityMs > 0 ? Math.max(0, 1 - busyMs / capacityMs) : null,
      Durations: distribution(list.map((i) => (i.end - i.start) / 1000)),
    }
  })
  // The pools short of workers first: longest all-busy time, then the highest peak.
  pools.sort((a, b) => b.AllBusySeconds - a.AllBusySeconds || b.PeakConcurrentLeases - a.PeakConcurrentLeases || a.WorkerPoolName.localeCompare(b.WorkerPoolName))

  const byWorker = groupOf(clipped, workerKeyOf)
  const workersById = new Map(input.workers.map((w) => [w.Id, w]))
  const poolName = new Map(input.pools.map((p) => [p.Id, p.Name]))
  const workers: WorkerHeat[] = [...byWorker.values()].map((list) => {
    const known = list[0].WorkerId ? workersById.get(list[0].WorkerId) : undefined
    const merged = union(list)
    return {
      SpaceName: input.spaceName,
      WorkerName: known?.Name ?? list[0].WorkerName,
      WorkerPoolNames: known ? known.WorkerPoolIds.map((id) => poolName.get(id) ?? id) : [...new Set(list.map((i) => i.WorkerPoolName))],
      Cells: hourCells(merged),
      BusySeconds: seconds(merged.reduce((sum, i) => sum + i.end - i.start, 0)),
      MutexWaitSeconds: seconds(list.reduce((sum, i) => sum + (i.MutexWaitMs ?? 0), 0)),
      LeaseWaitSeconds: seconds(list.reduce((sum, i) => sum + (i.LeaseWaitMs ?? 0), 0)),
    }
  })
  workers.sort((a, b) => b.BusySeconds - a.BusySeconds || a.WorkerName.localeCompare(b.WorkerName))
  return {Since: new Date(input.since).toISOString(), Until: new Date(input.until).toISOString(), Pools: pools, Workers: workers}
}

/** Capacity of several spaces' reports over the same window, side by side. */
export function combineCapacity(parts: readonly Capacity[]): Capacity {
  return {
    Since: parts[0].Since,
    Until: parts[0].Until,
    Pools: parts.flatMap((p) => p.Pools),
    Workers: parts.flatMap((p) => p.Workers),
  }
}

const workerKeyOf = (i: LeaseInterval) => i.WorkerId ?? `name:${i.WorkerName.toLowerCase()}`

/**
 * The step series of open leases and busy workers: one point at `from`, then one at each instant
 * either changes. Half-open intervals: a lease released when another is taken does not overlap it.
 */
export function stepSeries(list: readonly LeaseInterval[], from: number): CapacityStep[] {
  const events: Array<[number, number, string]> = []
  for (const i of list) {
    events.push([i.start, +1, workerKeyOf(i)], [Math.max(i.start, i.end), -1, workerKeyOf(i)])
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const perWorker = new Map<string, number>()
  let leases = 0
  const steps: CapacityStep[] = [{At: from, Leases: 0, BusyWorkers: 0}]
  let n = 0
  while (n < events.length) {
    const at = events[n][0]
    while (n < events.length && events[n][0] === at) {
      const [, delta, worker] = events[n]
      leases += delta
      const count = (perWorker.get(worker) ?? 0) + delta
      if (count === 0) perWorker.delete(worker)
      else perWorker.set(worker, count)
      n++
    }
    const step = {At: Math.max(at, from), Leases: leases, BusyWorkers: perWorker.size}
    const last = steps[steps.length - 1]
    if (last.At === step.At) steps[steps.length - 1] = step
    else if (last.Leases !== step.Leases || last.BusyWorkers !== step.BusyWorkers) steps.push(step)
  }
  return steps
}

function union(list: readonly Interval[]): Interval[] {
  const sorted = [...list].sort((a, b) => a.start - b.start)
  const out: Interval[] = []
  for (const i of sorted) {
    const last = out[out.length - 1]
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end)
    else out.push({start: i.start, end: i.end})
  }
  return out
}

const unionLength = (list: readonly Interval[]) => union(list).reduce((sum, i) => sum + i.end - i.start, 0)

function hourCells(merged: readonly Interval[]): WorkerHeat['Cells'] {
  const cells = new Map<number, number>()
  for (const i of merged) {
    let at = i.start
    while (at < i.end) {
      const hour = Math.floor(at / HOUR_MS)
      const next = Math.min(i.end, (hour + 1) * HOUR_MS)
      cells.set(hour, (cells.get(hour) ?? 0) + next - at)
      at = next
    }
  }
  return [...cells.entries()].sort((a, b) => a[0] - b[0]).map(([hour, ms]) => {
    const iso = new Date(hour * HOUR_MS).toISOString()
    return {Day: iso.slice(0, 10), Hour: Number(iso.slice(11, 13)), BusySeconds: seconds(ms)}
  })
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

export function distribution(durations: readonly number[]): DurationDistribution {
  const sorted = [...durations].sort((a, b) => a - b)
  const buckets: DurationDistribution['Buckets'] = [...DURATION_BUCKETS.map((b) => ({UpToSeconds: b as number | null, Leases: 0})), {UpToSeconds: null, Leases: 0}]
  for (const d of sorted) buckets.find((b) => b.UpToSeconds === null || d <= b.UpToSeconds)!.Leases++
  const r = (s: number) => Math.round(s * 10) / 10
  return {Count: sorted.length, P50: r(percentile(sorted, 50)), P90: r(percentile(sorted, 90)), P99: r(percentile(sorted, 99)), Max: r(sorted[sorted.length - 1] ?? 0), Buckets: buckets}
}
