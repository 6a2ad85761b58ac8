/**
 * The `leases tail` loop: poll every source, print each event exactly once, and ride out network
 * errors and server restarts. Sources keep their state across a failed poll, so the first poll
 * after reconnecting reports whatever happened meanwhile that the server still shows.
 */
import {CliError, ExitCode} from '../errors.js'
import type {LeaseEvent, LeaseRecord, LeaseSource} from './types.js'
import {leaseEvent} from './types.js'

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

export interface TailOptions {
  sources: LeaseSource[]
  intervalMs: number
  /** Print the leases active at start as `Leased` first (`--include-active`). */
  includeActive: boolean
  filter: LeaseFilter
  emit: (event: LeaseEvent) => void
  /** Called once the baseline (what is active now) has been read: events from here on are printed. */
  onReady?: (activeLeases: number) => void
  /** One-line notices for stderr (lost connection, reconnected). */
  notice: (message: string) => void
  debug?: (line: string) => void
  /** Ctrl-C. */
  signal: AbortSignal
  maxEvents?: number
  durationMs?: number
  /** Longest wait between reconnection attempts. */
  maxBackoffMs?: number
  now?: () => number
  requestCount?: () => number
}

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

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, {once: true})
  })
}

/**
 * Network failures, timeouts and server errors (5xx, or a 404 from a half-started server) are
 * waited out; revoked credentials, a lease API that vanished, and bugs are not.
 */
export function isTransient(error: unknown): boolean {
  return error instanceof CliError && error.exitCode !== ExitCode.Auth && error.code !== 'no-lease-api' && error.exitCode !== ExitCode.Usage
}

export async function followLeases(options: TailOptions): Promise<{events: number; stop: TailStop}> {
  const now = options.now ?? Date.now
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
  options.onReady?.(active.length)
  if (options.includeActive) {
    active.sort((a, b) => Date.parse(a.TakenAt) - Date.parse(b.TakenAt))
    for (const record of active) if (offer(leaseEvent('Leased', record.TakenAt, record))) return {events: printed, stop: 'max-events'}
  }

  const maxBackoff = options.maxBackoffMs ?? 30_000
  let failingSince: number | undefined
  let backoff = options.intervalMs
  let pollCount = 0
  while (!options.signal.aborted) {
    const wait = failingSince === undefined ? options.intervalMs : backoff
    if (now() + wait > deadline) {
      await sleep(Math.max(0, deadline - now()), options.signal)
      return {events: printed, stop: options.signal.aborted ? 'interrupted' : 'duration'}
    }
    await sleep(wait, options.signal)
    if (options.signal.aborted) break
    pollCount++
    try {
      for (const source of options.sources) {
        const before = options.requestCount?.()
        const events = await source.poll()
        if (options.debug) {
          const used = before === undefined ? '' : `${options.requestCount!() - before} requests, `
          options.debug(`poll ${pollCount} (${source.kind}, ${source.spaceId}): ${used}${events.length} events`)
        }
        if (failingSince !== undefined) {
          options.notice(`Reconnected after ${Math.round((now() - failingSince) / 1000)}s; catching up with what the server still shows.`)
          failingSince = undefined
          backoff = options.intervalMs
        }
        for (const event of events) if (offer(event)) return {events: printed, stop: 'max-events'}
      }
    } catch (error) {
      if (!isTransient(error)) throw error
      const message = error instanceof Error ? error.message : String(error)
      if (failingSince === undefined) {
        failingSince = now()
        backoff = Math.max(options.intervalMs, 500)
      } else backoff = Math.min(maxBackoff, backoff * 2)
      options.notice(`Lost contact with the server (${message}); retrying in ${(backoff / 1000).toFixed(backoff < 10_000 ? 1 : 0)}s.`)
    }
  }
  return {events: printed, stop: 'interrupted'}
}
