/**
 * Draining: take workers out of service (disable them, since Octopus leases no disabled worker),
 * then wait until none of them holds an active lease. The leases come from a lease source
 * (src/lib/leases: the lease API where the server has it, else executing tasks' logs); this file
 * only keeps the set of active leases and decides when the wait is over.
 */
import type {LeaseRecord, LeaseSource} from '../leases/types.js'
import {shellQuote} from '../render/shell.js'
import {formatDuration} from './floor.js'

/** The leases active now, however they are found. */
export interface LeaseWatch {
  active(): Promise<LeaseRecord[]>
}

/** Keeps the active set of a lease source: what `start()` found, plus Leased, minus Released events. */
export function watchLeases(source: LeaseSource): LeaseWatch {
  let current: Map<string, LeaseRecord> | undefined
  return {
    async active() {
      if (!current) {
        current = new Map((await source.start()).map((l) => [l.LeaseId, l]))
      } else {
        for (const event of await source.poll()) {
          if (event.Event === 'Leased') current.set(event.LeaseId, {...event, TakenAt: event.Time})
          else current.delete(event.LeaseId)
        }
      }
      return [...current.values()]
    },
  }
}

export interface DrainTarget {
  Id: string
  Name: string
  /** Enabled before the drain (so the drain disabled it, and undoing it means enabling it). */
  WasEnabled: boolean
}

/** `re-enabled`: no lease is left, but another change enabled the worker during the wait (so it is not drained). */
export type DrainOutcome = 'drained' | 'timed-out' | 'interrupted' | 're-enabled'

export interface WorkerDrainStatus extends DrainTarget {
  LeasesAtStart: number
  /** Seconds until the worker held no lease; null while it still holds one. */
  SecondsWaited: number | null
  Outcome: DrainOutcome
  /** Leases it still holds (empty once drained). */
  Leases: LeaseRecord[]
}

export interface DrainResult {
  Outcome: DrainOutcome
  ElapsedSeconds: number
  Workers: WorkerDrainStatus[]
}

export interface DrainWaitOptions {
  watch: LeaseWatch
  targets: DrainTarget[]
  timeoutMs: number
  intervalMs: number
  now?: () => number
  /** Resolves after ms, or early when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Ctrl-C: stop waiting (the workers stay as they are). */
  signal?: AbortSignal
  /** Called after each look at the leases with the workers still holding some. */
  onProgress?: (waiting: WorkerDrainStatus[], elapsedMs: number) => void
}

export function leasesOf(target: {Id: string; Name: string}, leases: LeaseRecord[]): LeaseRecord[] {
  return leases.filter((l) => l.WorkerId === target.Id || (l.WorkerId === null && l.WorkerName?.toLowerCase() === target.Name.toLowerCase()))
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, {once: true})
  })
}

/** Short tasks end between the first polls: 100 ms, doubling up to the interval. */
export function backoff(poll: number, intervalMs: number): number {
  return Math.min(intervalMs, 100 * 2 ** Math.min(poll, 10))
}

/**
 * Polls the leases until no target holds one, the timeout passes, or the signal aborts. Each
 * worker's SecondsWaited is when it was first seen free.
 */
export async function waitUntilDrained(opts: DrainWaitOptions): Promise<DrainResult> {
  const now = opts.now ?? Date.now
  const sleep = opts.sleep ?? abortableSleep
  const started = now()
  const statuses = new Map<string, WorkerDrainStatus>()
  for (let poll = 0; ; poll++) {
    const leases = await opts.watch.active()
    const elapsed = now() - started
    for (const target of opts.targets) {
      const held = leasesOf(target, leases)
      const status = statuses.get(target.Id) ?? {...target, LeasesAtStart: held.length, SecondsWaited: null, Outcome: 'drained' as DrainOutcome, Leases: held}
      status.Leases = held
      if (held.length === 0 && status.SecondsWaited === null) status.SecondsWaited = Math.round(elapsed / 1000)
      statuses.set(target.Id, status)
    }
    const all = opts.targets.map((t) => statuses.get(t.Id)!)
    const waiting = all.filter((s) => s.Leases.length > 0)
    opts.onProgress?.(waiting, elapsed)
    const stop: DrainOutcome | undefined = waiting.length === 0 ? 'drained' : opts.signal?.aborted ? 'interrupted' : elapsed >= opts.timeoutMs ? 'timed-out' : undefined
    if (stop) {
      for (const s of waiting) s.Outcome = stop
      return {Outcome: stop, ElapsedSeconds: Math.round(elapsed / 1000), Workers: all}
    }
    await sleep(Math.min(backoff(poll, opts.intervalMs), Math.max(0, opts.timeoutMs - elapsed)), opts.signal)
  }
}

/** `build-01: 2 leases (ServerTasks-12, ServerTasks-13)`, one worker still waited on. */
export function describeHeld(status: WorkerDrainStatus): string {
  const tasks = [...new Set(status.Leases.map((l) => l.TaskId))]
  return `${status.Name}: ${status.Leases.length} lease${status.Leases.length === 1 ? '' : 's'} (${tasks.join(', ')})`
}

/** One stderr progress line: which workers, how many leases, which tasks, elapsed. */
export function progressLine(waiting: WorkerDrainStatus[], elapsedMs: number): string {
  if (waiting.length === 0) return `All drained (${formatDuration(elapsedMs)}).`
  return `Waiting for ${waiting.map(describeHeld).join('; ')} [${formatDuration(elapsedMs)}]`
}

/** The command that puts the drained workers back: enable those the drain disabled. */
export function reenableCommand(bin: string, targets: DrainTarget[], spaceName: string): string | undefined {
  const names = targets.filter((t) => t.WasEnabled).map((t) => shellQuote(t.Name))
  return names.length ? `${bin} worker enable ${names.join(' ')} --space ${shellQuote(spaceName)}` : undefined
}

/** One stdout line per worker. */
export function describeDrainStatus(s: WorkerDrainStatus): string {
  const before = s.WasEnabled ? 'disabled' : 'was already disabled'
  const leases = `${s.LeasesAtStart} lease${s.LeasesAtStart === 1 ? '' : 's'} at start`
  switch (s.Outcome) {
    case 'drained': return `${s.Name}: drained (${before}; ${leases}; free after ${s.SecondsWaited ?? 0} s)`
    case 'timed-out': return `${s.Name}: NOT drained (${before}; still held by ${[...new Set(s.Leases.map((l) => l.TaskId))].join(', ')})`
    case 'interrupted': return `${s.Name}: waiting stopped (${before}; still held by ${[...new Set(s.Leases.map((l) => l.TaskId))].join(', ')})`
    case 're-enabled': return `${s.Name}: NOT drained (enabled again by another change during the wait; it can be leased)`
  }
}

/** The closing lines after a wait that did not finish: what holds the workers, their state, the way back. */
export function unfinishedSummary(result: DrainResult, opts: {bin: string; spaceName: string; timeoutMs?: number}): string[] {
  const waiting = result.Workers.filter((w) => w.Leases.length > 0)
  const tasks = [...new Set(waiting.flatMap((w) => w.Leases.map((l) => l.TaskId)))]
  const lines = [result.Outcome === 'timed-out'
    ? `Timed out after ${formatDuration(opts.timeoutMs ?? result.ElapsedSeconds * 1000)}: ${tasks.length} task${tasks.length === 1 ? '' : 's'} still hold${tasks.length === 1 ? 's' : ''} leases (${tasks.join(', ')}).`
    : `Stopped waiting after ${formatDuration(result.ElapsedSeconds * 1000)}; ${tasks.length} task${tasks.length === 1 ? '' : 's'} still hold${tasks.length === 1 ? 's' : ''} leases (${tasks.join(', ')}).`]
  const disabled = result.Workers.map((w) => `'${w.Name}'`)
  lines.push(`Left disabled: ${disabled.join(', ')} (no new task will lease ${disabled.length === 1 ? 'it' : 'them'}; running tasks go on).`)
  const undo = reenableCommand(opts.bin, result.Workers, opts.spaceName)
  if (undo) lines.push(`To put them back in service: ${undo}`)
  return lines
}
