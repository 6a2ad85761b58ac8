/**
 * Pure parsers for the task-log lines that record worker leases. The documented wording is
 * `Leased worker <name> from pool <pool> (lease WorkerTaskLeases-N)`, but its exact punctuation
 * is UNCONFIRMED (octopus-api/README.md §5.2), so the `(lease …)` part and a trailing period are
 * optional, names may contain spaces (and parentheses), and a raw-log prefix
 * (`12:00:01   Verbose  |   `) is skipped.
 *
 * No public Octopus material shows a line for a successful release, so none is looked for: a lease
 * ends when the step that logged it ends (its activity's `Ended`), or else when the task ends. The
 * one evidenced release line is a FAILURE — `Unable to release worker Workers-1 from lease
 * WorkerTaskLeases-123.  Continuing anyway. …` — after which the server still holds the lease
 * until it clears it, so it is recorded as such, never as the release.
 */

import {mutexWaitsOfStep} from './mutex-wait.js'

export interface LeaseLine {
  workerName: string
  poolName: string
  leaseId?: string
  exclusive: boolean
}

export interface ReleaseFailureLine {
  /** The worker as the line names it (an ID such as `Workers-1` on the servers seen). */
  worker: string
  leaseId: string
}

const LEASED = /(?:^|[\s|:])Leased (?:(exclusive) )?worker (.+?) from (?:worker )?pool (.+?)(?: ?\(lease:? ?([^)\s,]+)(?:, ?(exclusive))?\))?[.!]?\s*$/i
const RELEASE_FAILED = /(?:^|[\s|:])Unable to release worker (.+?) from lease ([^\s.,;)]+)/i

/** Parses a lease line, or returns undefined when the text is not one. */
export function parseLeaseLine(text: string): LeaseLine | undefined {
  const m = LEASED.exec(text.replace(/\r$/, ''))
  if (!m) return undefined
  const workerName = unquote(m[2])
  const poolName = unquote(m[3])
  if (!workerName || !poolName) return undefined
  return {workerName, poolName, leaseId: m[4]?.trim() || undefined, exclusive: Boolean(m[1] || m[5])}
}

/** Parses `Unable to release worker <worker> from lease <lease>…` (the server failed to release). */
export function parseReleaseFailureLine(text: string): ReleaseFailureLine | undefined {
  const m = RELEASE_FAILED.exec(text.replace(/\r$/, ''))
  if (!m) return undefined
  const worker = unquote(m[1])
  return worker ? {worker, leaseId: m[2]} : undefined
}

function unquote(s: string): string {
  const t = s.trim()
  const q = /^(['"`])(.*)\1$/.exec(t)
  return (q ? q[2] : t).trim()
}

/** A log line with its time, from the structured task details. */
export interface TimedLine {
  occurredAt: string
  text: string
  /**
   * When the step holding the line ended (`Ended` of the activity directly under the task's root
   * activity; for a line on the root itself, the root's end): null while it runs. Absent when the
   * line does not come from an activity tree.
   */
  stepEndedAt?: string | null
  /** Which step of the task the line belongs to (its index under the root; -1 for the root's own lines). */
  step?: number
  /** When the step holding the line started (`Started` of its activity): absent or null when not known. */
  stepStartedAt?: string | null
}

interface ActivityLike {
  Started?: string | null
  Ended?: string | null
  Children?: ActivityLike[] | null
  LogElements?: Array<{OccurredAt: string; MessageText: string}> | null
}

/** Every log line of a task's activity tree, oldest first (document order breaks ties), with its step's end. */
export function flattenActivityLogs(activities: ActivityLike[]): TimedLine[] {
  const lines: Array<TimedLine & {order: number}> = []
  let steps = 0
  const add = (node: ActivityLike, step: ActivityLike, index: number) => {
    for (const el of node.LogElements ?? []) lines.push({occurredAt: el.OccurredAt, text: el.MessageText, stepEndedAt: step.Ended ?? null, stepStartedAt: step.Started ?? null, step: index, order: lines.length})
  }
  const walk = (node: ActivityLike, step: ActivityLike, index: number) => {
    add(node, step, index)
    for (const child of node.Children ?? []) walk(child, step, index)
  }
  // Roots are the task; their children are its steps; deeper nodes belong to their step.
  for (const root of activities) {
    add(root, root, -1)
    for (const step of root.Children ?? []) walk(step, step, steps++)
  }
  lines.sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || a.order - b.order)
  return lines.map(({order: _order, ...line}) => line)
}

/** A lease found in a task's log: when it was taken and (if the log says) when the task let go of it. */
export interface LoggedLease {
  /** The lease ID from the line, else `<taskId>/<n>` (the n-th lease line of the task). */
  key: string
  leaseId?: string
  workerName: string
  poolName: string
  exclusive: boolean
  takenAt: string
  /** The end of the step that logged it (the latest such step if the lease was logged again), once it ended. */
  releasedAt?: string
  /** Time of an `Unable to release worker … from lease …` line: the server still holds the lease. */
  releaseFailedAt?: string
  /** Milliseconds the steps holding this lease waited on another script's mutex on its worker (Tentacle's wait lines). */
  mutexWaitMs?: number
  /**
   * Milliseconds the step that took this lease waited for a worker: from the step's `Started` to
   * its lease line. Octopus retries leasing while every healthy worker is leased exclusively, but
   * no log line for a retry is documented, so this reading is UNCONFIRMED: it assumes a step's
   * activity starts before its lease is sought and that its lease line is written on the grant.
   * Absent when either time is missing (a wait is never guessed) or the step logged no wait.
   */
  leaseWaitMs?: number
}

/**
 * The time from a step's start to its lease line, or undefined when either is unknown; never
 * negative (a clock skew between the two is no wait).
 */
export function leaseWaitOf(stepStartedAt: string | null | undefined, leasedAt: string): number | undefined {
  if (!stepStartedAt) return undefined
  const started = Date.parse(stepStartedAt)
  const leased = Date.parse(leasedAt)
  if (!Number.isFinite(started) || !Number.isFinite(leased)) return undefined
  return Math.max(0, leased - started)
}

/**
 * The leases of one task's log. A lease ends with the step that logged it (see TimedLine); the
 * caller ends the rest at the task's completion. The same lease ID logged again (a later step
 * reusing the worker) is one lease, lasting to the last such step's end. A release failure
 * matches its lease by lease ID.
 */
export function leasesFromLog(taskId: string, lines: TimedLine[]): LoggedLease[] {
  const leases: LoggedLease[] = []
  const byId = new Map<string, LoggedLease>()
  // Each step's lines with the lease the step holds at that line, for the mutex waits.
  const steps = new Map<number, {lines: TimedLine[]; leaseAt: Array<LoggedLease | undefined>; endedAt: string | null | undefined}>()
  const stepLease = new Map<number, LoggedLease>()
  let taskLease: LoggedLease | undefined
  const holding = (line: TimedLine, lease: LoggedLease) => {
    stepLease.set(line.step ?? -1, lease)
    taskLease = lease
  }
  for (const line of lines) {
    const key = line.step ?? -1
    let step = steps.get(key)
    if (!step) steps.set(key, (step = {lines: [], leaseAt: [], endedAt: line.stepEndedAt}))
    step.lines.push(line)
    const leased = parseLeaseLine(line.text)
    if (leased) {
      const again = leased.leaseId ? byId.get(leased.leaseId) : undefined
      if (again) {
        again.releasedAt = line.stepEndedAt ?? undefined
        holding(line, again)
        step.leaseAt.push(again)
        continue
      }
      const lease: LoggedLease = {
        key: leased.leaseId ?? `${taskId}/${leases.length + 1}`,
        leaseId: leased.leaseId,
        workerName: leased.workerName,
        poolName: leased.poolName,
        exclusive: leased.exclusive,
        takenAt: line.occurredAt,
      }
      if (line.stepEndedAt) lease.releasedAt = line.stepEndedAt
      // Only the step's first lease waited from the step's start; a later one in the same step
      // (or a lease line on the task's root activity) has no start of its own to measure from.
      if (line.step !== undefined && line.step >= 0 && !stepLease.has(key)) {
        const wait = leaseWaitOf(line.stepStartedAt, line.occurredAt)
        if (wait) lease.leaseWaitMs = wait
      }
      leases.push(lease)
      if (leased.leaseId) byId.set(leased.leaseId, lease)
      holding(line, lease)
      step.leaseAt.push(lease)
      continue
    }
    // A wait belongs to the worker this step leased, else to the task's latest lease before it.
    step.leaseAt.push(stepLease.get(key) ?? taskLease)
    const failed = parseReleaseFailureLine(line.text)
    if (!failed) continue
    const match = byId.get(failed.leaseId)
    if (match && match.releaseFailedAt === undefined) match.releaseFailedAt = line.occurredAt
  }
  for (const step of steps.values()) {
    for (const wait of mutexWaitsOfStep(step.lines, step.endedAt)) {
      const lease = step.leaseAt[wait.firstLine]
      if (lease) lease.mutexWaitMs = (lease.mutexWaitMs ?? 0) + (wait.end - wait.start)
    }
  }
  return leases
}
