/**
 * Draining: take workers out of service (disable them, since Octopus leases no disabled worker),
 * then wait until none of them holds an active lease. The leases come from a lease source
 * (src/app/leases: the lease API where the server has it, else executing tasks' logs); this file
 * only keeps the set of active leases and decides when the wait is over.
 */
import type {LeaseRecord, LeaseSource} from '../../domain/leases/types.js'
import {isCompletedTaskState, leaseStaleness, type LeaseStaleness, type TaskEnd} from '../leases/stale.js'
import {abortableSleep} from '../../text/sleep.js'

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

/** A lease the server still lists although its task has finished: it holds nothing, so it is not waited on. */
export type StaleLease = LeaseRecord & LeaseStaleness

export interface WorkerDrainStatus extends DrainTarget {
  /** Leases of running tasks at the start (stale ones not counted). */
  LeasesAtStart: number
  /** Seconds until the worker held no lease; null while it still holds one. */
  SecondsWaited: number | null
  Outcome: DrainOutcome
  /** Leases of running tasks it still holds (empty once drained). */
  Leases: LeaseRecord[]
  /** Leases the server lists for it whose task has finished (not waited on). */
  StaleLeases: StaleLease[]
}

export interface DrainResult {
  Outcome: DrainOutcome
  ElapsedSeconds: number
  Workers: WorkerDrainStatus[]
}

/** What a drain reports while it waits, for its caller to show (src/views/maintenance-progress.ts). */
export type DrainWaitEvent =
  /** A lease whose task has finished, seen for the first time: not waited on. */
  | {kind: 'stale-lease'; worker: WorkerDrainStatus; lease: StaleLease}
  /** After each look at the leases: the workers still holding some. */
  | {kind: 'waiting'; waiting: WorkerDrainStatus[]; elapsedMs: number}

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
  /**
   * The states of the named tasks (one batched request): a lease whose task has finished is
   * stale and not waited on. Without it every listed lease is waited on.
   */
  taskEnds?: (taskIds: string[]) => Promise<ReadonlyMap<string, TaskEnd>>
  /** Called once per stale lease, when first seen. */
  onStale?: (worker: WorkerDrainStatus, lease: StaleLease) => void
}

export function leasesOf(target: {Id: string; Name: string}, leases: LeaseRecord[]): LeaseRecord[] {
  return leases.filter((l) => l.WorkerId === target.Id || (l.WorkerId === null && l.WorkerName?.toLowerCase() === target.Name.toLowerCase()))
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
  // A finished task stays finished: its state is read once; running ones are asked again each poll.
  const finished = new Map<string, TaskEnd>()
  for (let poll = 0; ; poll++) {
    const leases = await opts.watch.active()
    const heldBy = new Map(opts.targets.map((t) => [t.Id, leasesOf(t, leases)]))
    if (opts.taskEnds) {
      const unknown = [...new Set([...heldBy.values()].flat().map((l) => l.TaskId))].filter((id) => !finished.has(id))
      if (unknown.length > 0) {
        for (const [id, end] of await opts.taskEnds(unknown)) if (isCompletedTaskState(end.State)) finished.set(id, end)
      }
    }
    const elapsed = now() - started
    for (const target of opts.targets) {
      const listed = heldBy.get(target.Id)!
      const held = listed.filter((l) => !finished.has(l.TaskId))
      const stale = listed.filter((l) => finished.has(l.TaskId)).map((l): StaleLease => ({...l, ...leaseStaleness(l, finished)}))
      const status = statuses.get(target.Id) ?? {...target, LeasesAtStart: held.length, SecondsWaited: null, Outcome: 'drained' as DrainOutcome, Leases: held, StaleLeases: []}
      status.Leases = held
      for (const lease of stale) {
        if (status.StaleLeases.some((s) => s.LeaseId === lease.LeaseId)) continue
        status.StaleLeases.push(lease)
        opts.onStale?.(status, lease)
      }
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
