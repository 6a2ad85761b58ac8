/**
 * Pure parsers for the task-log lines that record worker leases. The documented wording is
 * `Leased worker <name> from pool <pool> (lease WorkerTaskLeases-N)`, but its exact punctuation
 * is UNCONFIRMED (octopus-api/README.md §5.2), so the `(lease …)` part and a trailing period are
 * optional, names may contain spaces (and parentheses), and a raw-log prefix
 * (`12:00:01   Verbose  |   `) is skipped. Octopus documents no successful release line; we
 * accept a `Released worker …` line of the same shape, and otherwise release at task completion.
 */

export interface LeaseLine {
  workerName: string
  poolName: string
  leaseId?: string
  exclusive: boolean
}

export interface ReleaseLine {
  /** Worker name (or ID) the line names. */
  worker: string
  poolName?: string
  leaseId?: string
}

const LEASED = /(?:^|[\s|:])Leased (?:(exclusive) )?worker (.+?) from (?:worker )?pool (.+?)(?: ?\(lease:? ?([^)\s,]+)(?:, ?(exclusive))?\))?[.!]?\s*$/i
const RELEASED = /(?:^|[\s|:])Released (?:(?:exclusive )?lease (?:on )?)?worker (.+?)(?: (?:back )?(?:to|from|into) (?:worker )?pool (.+?))?(?: ?\(lease:? ?([^)\s,]+)\))?[.!]?\s*$/i

/** Parses a lease line, or returns undefined when the text is not one. */
export function parseLeaseLine(text: string): LeaseLine | undefined {
  const m = LEASED.exec(text.replace(/\r$/, ''))
  if (!m) return undefined
  const workerName = unquote(m[2])
  const poolName = unquote(m[3])
  if (!workerName || !poolName) return undefined
  return {workerName, poolName, leaseId: m[4]?.trim() || undefined, exclusive: Boolean(m[1] || m[5])}
}

/** Parses a successful release line; `Unable to release worker …` (a failure) is not one. */
export function parseReleaseLine(text: string): ReleaseLine | undefined {
  const m = RELEASED.exec(text.replace(/\r$/, ''))
  if (!m) return undefined
  const worker = unquote(m[1])
  if (!worker) return undefined
  return {worker, poolName: m[2] ? unquote(m[2]) : undefined, leaseId: m[3]?.trim() || undefined}
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
}

interface ActivityLike {
  Children?: ActivityLike[] | null
  LogElements?: Array<{OccurredAt: string; MessageText: string}> | null
}

/** Every log line of a task's activity tree, oldest first (document order breaks ties). */
export function flattenActivityLogs(activities: ActivityLike[]): TimedLine[] {
  const lines: Array<TimedLine & {order: number}> = []
  const walk = (nodes: ActivityLike[] | null | undefined) => {
    for (const node of nodes ?? []) {
      for (const el of node.LogElements ?? []) lines.push({occurredAt: el.OccurredAt, text: el.MessageText, order: lines.length})
      walk(node.Children)
    }
  }
  walk(activities)
  lines.sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || a.order - b.order)
  return lines.map(({occurredAt, text}) => ({occurredAt, text}))
}

/** A lease found in a task's log: when it was taken and (if the log says) released. */
export interface LoggedLease {
  /** The lease ID from the line, else `<taskId>/<n>` (the n-th lease line of the task). */
  key: string
  leaseId?: string
  workerName: string
  poolName: string
  exclusive: boolean
  takenAt: string
  releasedAt?: string
}

/**
 * Pairs lease and release lines of one task. A release line matches the open lease with the same
 * lease ID, else the oldest open lease of the same worker.
 */
export function leasesFromLog(taskId: string, lines: TimedLine[]): LoggedLease[] {
  const leases: LoggedLease[] = []
  for (const line of lines) {
    const leased = parseLeaseLine(line.text)
    if (leased) {
      leases.push({
        key: leased.leaseId ?? `${taskId}/${leases.length + 1}`,
        leaseId: leased.leaseId,
        workerName: leased.workerName,
        poolName: leased.poolName,
        exclusive: leased.exclusive,
        takenAt: line.occurredAt,
      })
      continue
    }
    const released = parseReleaseLine(line.text)
    if (!released) continue
    const open = leases.filter((l) => l.releasedAt === undefined)
    const match =
      (released.leaseId && open.find((l) => l.leaseId === released.leaseId)) ||
      open.find((l) => l.workerName.toLowerCase() === released.worker.toLowerCase())
    if (match) match.releasedAt = line.occurredAt
  }
  return leases
}
