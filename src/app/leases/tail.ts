/**
 * The `leases tail` loop: poll every source, print each event exactly once, and ride out network
 * errors and server restarts. Sources keep their state across a failed poll, so the first poll
 * after reconnecting reports whatever happened meanwhile that the server still shows.
 */
import {CliError, ExitCode} from '../../text/errors.js'
import type {LeaseEvent, LeaseRecord, LeaseSource} from '../../domain/leases/types.js'
import {leaseEvent} from '../../domain/leases/types.js'
import {abortableSleep} from '../../text/sleep.js'

export interface LeaseFilter {
  workerIds?: Set<string>
  workerNames?: Set<string>
  poolIds?: Set<string>
  poolNames?: Set<string>
}

/** Matches by ID, or by name (lower-case) when a log named something the directory does not know. */
export function matchesFilter(lease: Pick<LeaseEvent, 'WorkerId' | 'WorkerName' | 'WorkerPoolId' | 'WorkerPoolName'>, filter: LeaseFilter): boolean {
  const hit = (id: string | null, name: string | null, ids?: Set<string>, names?: Set<string>) =>
    (!ids && !names) || (id !== null && Boolean(ids?.has(id))) || (name !== null && Boolean(names?.has(name.toLowerCase())))
  return hit(lease.WorkerId, lease.WorkerName, filter.workerIds, filter.workerNames) && hit(lease.WorkerPoolId, lease.WorkerPoolName, filter.poolIds, filter.poolNames)
}

/**
 * What following leases tells its operator besides the events. `poll-failed`: a transient failure
 * (`lostContact` when the network or the timeout gave way, else the server answered with an error),
 * its message without the closing full stop, and when the next poll is due; `reconnected`: a poll
 * worked again, after failing for `afterMs`.
 */
export type TailNotice =
  | {kind: 'poll-failed'; lostContact: boolean; message: string; retryInMs: number}
  | {kind: 'reconnected'; afterMs: number}

export interface TailOptions {
  sources: LeaseSource[]
  intervalMs: number
  /** Print the leases active at start as `Leased` first (`--include-active`). */
  includeActive: boolean
  filter: LeaseFilter
  emit: (event: LeaseEvent) => void
  /** Called once the baseline (what is active now) has been read, with the number of active leases the filter matches: events from here on are printed. */
  onReady?: (activeLeases: number) => void
  /** Told when polling fails and when it works again (src/views/leases/events.ts tailNoticeLine words each). */
  notice: (notice: TailNotice) => void
  debug?: (line: string) => void
  /** Ctrl-C. */
  signal: AbortSignal
  maxEvents?: number
  durationMs?: number
  /** Longest wait between reconnection attempts. */
  maxBackoffMs?: number
  /** A MONOTONIC clock in ms (default performance.now): every time the loop compares is one it measured. */
  now?: () => number
  /** Waits ms or until the signal (injectable so tests can run the schedule on a virtual clock). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  requestCount?: () => number
}

/** Failed polls retried at the normal interval before backing off: a blip costs no blind gap. */
export const QUICK_RETRIES = 3

export type TailStop = 'interrupted' | 'max-events' | 'duration'

/** Remembers printed events (bounded), so no event is ever printed twice. */
export class EventLedger {
  private keys = new Set<string>()
  constructor(private readonly capacity = 200_000) {}

  /** True the first time an event is offered. */
  admit(event: LeaseEvent): boolean {
    const key = `${event.SpaceId}|${event.Event}|${event.LeaseId}|${event.TaskId}`
    if (this.keys.has(key)) return false
    this.keys.add(key)
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.values().next().value as string)
    return true
  }
}


/**
 * Network failures, timeouts, server errors (5xx, or a 404 from a half-started server) and bodies
 * that are not what a poll needs are waited out; revoked credentials, a lease API that vanished,
 * and bugs are not.
 */
export function isTransient(error: unknown): boolean {
  return error instanceof CliError && error.exitCode !== ExitCode.Auth && error.code !== 'no-lease-api' && error.exitCode !== ExitCode.Usage
}

/**
 * When the next poll starts. Polls keep a fixed cadence on the monotonic clock (the interval is
 * measured from one poll's START to the next), so a slow server does not stretch the gap between
 * snapshots to interval + latency; a poll that overran starts the next at once (no burst to catch
 * up). After a failure: QUICK_RETRIES retries at the interval, then exponential back-off.
 */
export function nextPollAt(input: {pollStartedAt: number; now: number; intervalMs: number; consecutiveFailures: number; maxBackoffMs: number}): number {
  const {pollStartedAt, now, intervalMs, consecutiveFailures, maxBackoffMs} = input
  if (consecutiveFailures === 0 || consecutiveFailures <= QUICK_RETRIES) return Math.max(now, pollStartedAt + intervalMs)
  const backoff = Math.min(maxBackoffMs, Math.max(intervalMs, 500) * 2 ** (consecutiveFailures - QUICK_RETRIES - 1))
  return now + Math.max(intervalMs, backoff)
}

export async function followLeases(options: TailOptions): Promise<{events: number; stop: TailStop}> {
  const now = options.now ?? (() => performance.now())
  const wait = options.sleep ?? abortableSleep
  const started = now()
  const deadline = options.durationMs === undefined ? Infinity : started + options.durationMs
  const ledger = new EventLedger()
  let printed = 0
  const offer = (event: LeaseEvent): boolean => {
    if (!matchesFilter(event, options.filter) || !ledger.admit(event)) return false
    options.emit(event)
    printed++
    return options.maxEvents !== undefined && printed >= options.maxEvents
  }

  const active: LeaseRecord[] = []
  for (const source of options.sources) active.push(...(await source.start()))
  // The header counts what this run follows: leases outside --pool/--worker are not "active now" to it.
  options.onReady?.(active.filter((record) => matchesFilter(record, options.filter)).length)
  if (options.includeActive) {
    active.sort((a, b) => Date.parse(a.TakenAt) - Date.parse(b.TakenAt))
    for (const record of active) if (offer(leaseEvent('Leased', record.TakenAt, record))) return {events: printed, stop: 'max-events'}
  }

  const maxBackoff = options.maxBackoffMs ?? 30_000
  let failingSince: number | undefined
  let failures = 0
  let pollCount = 0
  let pollAt = started + options.intervalMs
  while (!options.signal.aborted) {
    if (pollAt > deadline) {
      await wait(Math.max(0, deadline - now()), options.signal)
      return {events: printed, stop: options.signal.aborted ? 'interrupted' : 'duration'}
    }
    await wait(Math.max(0, pollAt - now()), options.signal)
    if (options.signal.aborted) break
    const pollStartedAt = now()
    pollCount++
    // Spaces are polled side by side (one slow space does not delay the others' snapshots); events
    // are offered in source order once all have answered.
    const outcomes = await Promise.allSettled(options.sources.map(async (source) => {
      const before = options.requestCount?.()
      const events = await source.poll()
      if (options.debug) {
        const used = before === undefined ? '' : `${options.requestCount!() - before} requests, `
        options.debug(`poll ${pollCount} (${source.kind}, ${source.spaceId}): ${used}${events.length} events`)
      }
      return events
    }))
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as unknown)
    for (const error of failed) if (!isTransient(error)) throw error
    if (failed.length === 0) {
      if (failingSince !== undefined) {
        options.notice({kind: 'reconnected', afterMs: now() - failingSince})
        failingSince = undefined
      }
      failures = 0
    } else {
      failingSince ??= pollStartedAt
      failures++
    }
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') for (const event of outcome.value) if (offer(event)) return {events: printed, stop: 'max-events'}
    }
    pollAt = nextPollAt({pollStartedAt, now: now(), intervalMs: options.intervalMs, consecutiveFailures: failures, maxBackoffMs: maxBackoff})
    if (failed.length > 0) {
      const error = failed[0]
      const message = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '')
      const delay = Math.max(0, pollAt - now())
      const lostContact = error instanceof CliError && (error.code === 'network' || error.code === 'timeout')
      options.notice({kind: 'poll-failed', lostContact, message, retryInMs: delay})
    }
  }
  return {events: printed, stop: 'interrupted'}
}
