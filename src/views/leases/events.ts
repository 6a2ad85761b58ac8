/** Human renderings of lease events, and the stderr progress bar. */
import stringWidth from 'string-width'
import {formatDuration} from '../../text/duration.js'
import {wrapItems} from '../../ui/wrap.js'
import {terminalTime} from '../time.js'
import type {LeaseEvent} from '../../domain/leases/types.js'
import type {TailNotice} from '../../app/leases/tail.js'

/**
 * One line per event: time, event, worker, pool, task (ID and description), how long a Released
 * lease was held (when both its times are known), space (by name when `spaceNames` knows it, like
 * worker and pool), and `exclusive` when the lease was. Fields are separated by two spaces; names
 * may contain spaces. Given the terminal's `width`, an event longer than it goes on over more
 * lines, breaking between fields (a field only at its spaces), hung under the worker: nothing is
 * cut, and the terminal never breaks a field in the middle.
 */
export function formatEventLine(event: LeaseEvent, paint: {event: (kind: string, text: string) => string} = {event: (_k, t) => t}, options: {markLogEvents?: boolean; spaceNames?: ReadonlyMap<string, string>; width?: number} = {}): string {
  const time = terminalTime(event.Time)
  const worker = event.WorkerName ?? event.WorkerId ?? '?'
  const pool = event.WorkerPoolName ?? event.WorkerPoolId ?? '?'
  const task = event.TaskDescription ? `${event.TaskId} "${event.TaskDescription}"` : event.TaskId
  const parts = [time, paint.event(event.Event, event.Event.padEnd(8)), `worker=${worker}`, `pool=${pool}`, `task=${task}`]
  if (event.HeldSeconds !== undefined) parts.push(`held=${formatDuration(event.HeldSeconds * 1000)}`)
  parts.push(`space=${options.spaceNames?.get(event.SpaceId) ?? event.SpaceId}`)
  if (event.Exclusive) parts.push('exclusive')
  // With --source auto, a lease no poll saw is printed late, from its task's log: say so.
  if (options.markLogEvents && event.Source === 'logs') parts.push('(from task log)')
  if (options.width === undefined) return parts.join('  ')
  const underWorker = stringWidth(`${time}  ${event.Event.padEnd(8)}  `)
  const hang = ' '.repeat(options.width - underWorker >= 40 ? underWorker : 4)
  return wrapItems(parts, options.width, {hang}).join('\n')
}

/**
 * `[█████░░░░░]  120/2000 task logs` for a TTY's stderr, `columns` wide at most: the bar gives up
 * cells (30 at most, 5 at least) so that the line stays short of the terminal's last column, where
 * a terminal would wrap it and the next `\r` redraw would start a new line.
 */
export function taskLogProgressBar(done: number, total: number, columns = 80, label = 'task logs'): string {
  const counts = ` ${String(done).padStart(String(total).length)}/${total} ${label}`
  const width = Math.max(5, Math.min(30, columns - 1 - counts.length - 2))
  const filled = total > 0 ? Math.round((done / total) * width) : width
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]${counts}`
}


/**
 * `leases tail`: the stderr line of each notice. A failure's message can quote the server; the
 * command writes the line through its note writer, which escapes it.
 */
export function tailNoticeLine(notice: TailNotice): string {
  switch (notice.kind) {
    case 'reconnected': return `Reconnected after ${Math.round(notice.afterMs / 1000)}s; catching up with what the server still shows.`
    case 'poll-failed': {
      const lead = notice.lostContact ? `Lost contact with the server (${notice.message})` : `Poll failed: ${notice.message}`
      return `${lead}; retrying in ${(notice.retryInMs / 1000).toFixed(notice.retryInMs < 10_000 ? 1 : 0)}s.`
    }
  }
}
