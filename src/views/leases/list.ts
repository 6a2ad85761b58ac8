/** `leases list`'s table view: the active leases, then a summary per pool (or per worker), then where they were read from. */
import type {ActiveLeasesDoc} from '../../app/leases/list.js'
import {terminalSafe} from '../../ui/safe.js'
import type {TableOptions} from '../../ui/table.js'
import {renderWholeTable} from '../../ui/whole-table.js'
import {wrapWords} from '../../ui/wrap.js'
import {bar} from '../bar-chart.js'
import type {Rendered} from '../format.js'
import {terminalTime} from '../time.js'
import {plural} from '../../text/wording.js'

export interface LeasesListView {
  allSpaces: boolean
  perWorker: boolean
  /** Every column in the row, however wide the terminal (`--wide`). */
  wide: boolean
  /** stdout's table layout. */
  table: TableOptions
  /** The width stderr's notes wrap to, when stderr is a terminal. */
  notesWidth?: number
}

const LEASE_HEAD = ['LEASE', 'WORKER', 'POOL', 'TASK', 'TASK STATE', 'DESCRIPTION', 'TAKEN AT', 'EXCLUSIVE']

/**
 * Nothing here is ever cut: worker and pool names, task and lease IDs and times are what an admin
 * reads or pastes. In a narrow terminal the description, the lease ID, then the pool and the task
 * state move under their row (in that order, as far as needed); an EXCLUSIVE column that says
 * `no` for every lease is left out first, with a note that `--wide` shows it.
 */
export function renderLeasesList(doc: ActiveLeasesDoc, view: LeasesListView): Rendered {
  const table = view.wide ? {...view.table, width: Number.POSITIVE_INFINITY} : view.table
  const space = (row: {SpaceName: string}) => (view.allSpaces ? [row.SpaceName] : [])
  const spaceHead = view.allSpaces ? ['SPACE'] : []
  const blocks: string[] = []
  const notes: string[] = []
  if (doc.Leases.length === 0) notes.push('No active leases.')
  else {
    const someExclusive = doc.Leases.some((l) => l.Exclusive === true)
    const leases = renderWholeTable(
      [...spaceHead, ...LEASE_HEAD],
      doc.Leases.map((l) => [...space(l), l.LeaseId, l.WorkerName ?? l.WorkerId, l.WorkerPoolName ?? l.WorkerPoolId, l.TaskId, taskStateCell(l), l.TaskDescription, terminalTime(l.TakenAt), l.Exclusive]),
      {
        ...table,
        optional: someExclusive ? [] : ['EXCLUSIVE'],
        under: ['DESCRIPTION', 'LEASE', ...(someExclusive ? ['EXCLUSIVE'] : []), 'POOL', 'TASK STATE', 'SPACE'],
        wrap: ['POOL', 'TASK STATE', 'SPACE'],
      },
    )
    blocks.push(leases.text)
    if (leases.dropped.length > 0) notes.push('EXCLUSIVE left out to fit the terminal: no lease is exclusive (--wide shows it).')
    const stale = doc.Leases.filter((l) => l.Stale).length
    if (stale > 0) notes.push(`${plural(stale, 'stale lease')}: ${stale === 1 ? 'its task has' : 'their tasks have'} finished, so ${stale === 1 ? 'it holds' : 'they hold'} nothing; Octopus clears stale leases when the server restarts (until then it may refuse to delete the worker).`)
  }
  if (view.perWorker) {
    const max = Math.max(0, ...doc.Workers.map((w) => w.ActiveLeases))
    blocks.push(renderWholeTable(
      [...spaceHead, 'WORKER', 'POOLS', 'HEALTH', 'DISABLED', 'ACTIVE LEASES'],
      doc.Workers.map((w) => [...space(w), w.WorkerName, w.WorkerPoolNames.join(', '), w.HealthStatus, w.IsDisabled, w.ActiveLeases]),
      {...table, under: ['POOLS', 'SPACE'], wrap: ['POOLS', 'SPACE'], fill: {minimum: 10, maximum: 20, draw: (i, width) => bar(doc.Workers[i].ActiveLeases, max, width)}},
    ).text)
  } else if (doc.Pools.length > 0) {
    blocks.push(renderWholeTable(
      [...spaceHead, 'POOL', 'WORKERS', 'AVAILABLE', 'LEASED WORKERS', 'ACTIVE LEASES'],
      doc.Pools.map((p) => [...space(p), p.WorkerPoolName, p.Workers, p.AvailableWorkers, p.LeasedWorkers, p.ActiveLeases]),
      {...table, wrap: ['POOL', 'SPACE']},
    ).text)
  }
  const sources = new Set(doc.Spaces.map((s) => s.Source))
  if (sources.size === 1) notes.push(`Source: ${sourceLabel([...sources][0])}. ${doc.Spaces[0].Completeness}`)
  else for (const s of doc.Spaces) notes.push(`Source in ${terminalSafe(s.SpaceName)}: ${sourceLabel(s.Source)}. ${s.Completeness}`)
  return {stdout: blocks.length > 0 ? blocks.join('\n') : undefined, stderr: wrapNotes(notes, view.notesWidth)}
}

/** Notes on stderr are one line each by contract: a long one becomes several, at the terminal's width. */
export function wrapNotes(notes: string[], width: number | undefined): string[] {
  return width === undefined ? notes : notes.flatMap((note) => wrapWords(note, width, {hang: '  '}))
}

/** `Executing`, or `Success (stale)` for a lease whose task has finished. */
function taskStateCell(lease: {Stale: boolean; TaskState: string | null}): string {
  if (lease.TaskState === null) return ''
  return lease.Stale ? `${lease.TaskState} (stale)` : lease.TaskState
}

function sourceLabel(kind: string): string {
  return kind === 'api' ? 'lease API' : 'task logs'
}
