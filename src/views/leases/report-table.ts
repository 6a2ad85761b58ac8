/** `leases report`'s table view. */
import type {LeaseReport} from '../../app/leases/report.js'
import {formatDuration} from '../../text/duration.js'
import {terminalTime} from '../time.js'
import {bar} from '../bar-chart.js'
import {terminalSafe} from '../../ui/safe.js'
import type {TableOptions} from '../../ui/table.js'
import {renderWholeTable, type FillColumn} from '../../ui/whole-table.js'
import {wrapItems, wrapWords} from '../../ui/wrap.js'
import {recommendationLines} from './recommendations.js'

export type Cell = string | number
export interface Grid {
  head: string[]
  rows: Cell[][]
  /** What the bar chart beside the last column (BUSY) draws: each row's busy seconds. */
  barValues: number[]
}

/** The group-by table: one row per worker, pool or task type; with `spaceColumn`, SPACE first. */
export function groupGrid(report: LeaseReport, opts: {spaceColumn?: boolean} = {}): Grid {
  const grid = groupRows(report)
  if (!opts.spaceColumn) return {head: grid.head, rows: grid.rows.map((r) => r.cells), barValues: grid.rows.map((r) => r.busy)}
  return {head: ['SPACE', ...grid.head], rows: grid.rows.map((r) => [r.space, ...r.cells]), barValues: grid.rows.map((r) => r.busy)}
}

function groupRows(report: LeaseReport): {head: string[]; rows: Array<{space: string; cells: Cell[]; busy: number}>} {
  const busy = (s: number) => formatDuration(s * 1000)
  // MUTEX WAIT (time steps waited on another script's mutex on the worker) only when the logs show
  // any: workers are shared by default, so most reports have none, and the column costs the bars room.
  const anyWait = hasMutexWaits(report)
  const waitHead = anyWait ? ['MUTEX WAIT'] : []
  const waited = (s: number) => (anyWait ? [busy(s)] : [])
  // LEASE WAIT (time steps waited for a worker before their lease) likewise only when any step waited.
  const anyLeaseWait = hasLeaseWaits(report)
  const leaseWaitHead = anyLeaseWait ? ['LEASE WAIT'] : []
  const leaseWaited = (s: number) => (anyLeaseWait ? [busy(s)] : [])
  switch (report.GroupBy) {
    case 'pool':
      return {
        head: ['POOL', 'WORKERS', 'LEASES', 'PEAK CONCURRENT', ...waitHead, ...leaseWaitHead, 'BUSY'],
        rows: report.Pools.map((p) => ({space: p.SpaceName, cells: [p.WorkerPoolName, p.Workers, p.Leases, p.PeakConcurrentLeases, ...waited(p.MutexWaitSeconds), ...leaseWaited(p.LeaseWaitSeconds), busy(p.BusySeconds)], busy: p.BusySeconds})),
      }
    case 'task-type':
      return {
        head: ['TASK TYPE', 'TASKS', 'LEASES', 'BUSY'],
        rows: report.TaskTypes.map((t) => ({space: t.SpaceName, cells: [t.TaskType, t.Tasks, t.Leases, busy(t.BusySeconds)], busy: t.BusySeconds})),
      }
    default:
      return {
        head: ['WORKER', 'POOLS', 'LEASES', 'TASKS', 'PEAK CONCURRENT', ...waitHead, ...leaseWaitHead, 'BUSY'],
        rows: report.Workers.map((w) => ({space: w.SpaceName, cells: [w.WorkerName, w.WorkerPoolNames.join(', '), w.Leases, w.Tasks, w.PeakConcurrentLeases, ...waited(w.MutexWaitSeconds), ...leaseWaited(w.LeaseWaitSeconds), busy(w.BusySeconds)], busy: w.BusySeconds})),
      }
  }
}

/** Whether any lease of the report waited on a mutex. */
const hasMutexWaits = (report: LeaseReport) => report.Workers.some((w) => w.MutexWaitSeconds > 0)
/** Whether any step waited for a worker before its lease. */
const hasLeaseWaits = (report: LeaseReport) => report.Pools.some((p) => p.LeaseWaitSeconds > 0)

/**
 * The bar column after BUSY that charts it: each row's busy time, scaled to the busiest row, so
 * the bar and the figure beside it always agree. It takes the room the table leaves (at least 12
 * cells, where 9 s, 8 s, 7 s and 6 s still draw as different bars; 30 at most, and when piped).
 * The bar only restates BUSY, so when the table's names and times cannot fit beside 12 cells (the
 * wait columns beside long worker names at 80 columns) it shrinks, down to 4 cells (32 eighth-cell
 * steps, still a readable comparison), and below that it is left out rather than cut a name.
 */
export function busyBars(grid: Grid): FillColumn {
  const max = Math.max(0, ...grid.barValues)
  return {minimum: 12, maximum: 30, least: 4, draw: (row, width) => bar(grid.barValues[row], max, width)}
}

/**
 * The table view: the group-by table with bars, peak concurrency per pool, the busiest and the
 * idle workers. Names, IDs and times are never cut: on a terminal, a POOLS list wraps in its
 * column or moves under its row, and the prose lines wrap to the terminal's width. A window with
 * no completed task says so: it has nothing to count, and no worker in it can be called idle.
 */
export function renderLeaseReport(report: LeaseReport, opts: TableOptions & {spaceColumn: boolean}): string {
  const {spaceColumn, ...table} = opts
  const prose = (text: string) => (table.isTTY ? wrapWords(text, table.width ?? 80, {hang: '  '}).join('\n') : text)
  // A list breaks between its entries where it can (after its lead too), so that an entry such as
  // `name (4 leases, 1m 40s)` stays on one line whenever it fits one; an entry wider than a line
  // breaks at its spaces, never inside its time.
  const list = (lead: string, entries: string[]) => {
    if (!table.isTTY) return `${lead} ${entries.join(', ')}`
    const items = [lead, ...entries.map((entry, i) => `${entry}${i < entries.length - 1 ? ',' : ''}`)]
    return wrapItems(items, table.width ?? 80, {separator: ' ', hang: '  '}).join('\n')
  }
  const out: string[] = []
  const where = spaceColumn ? ` across ${report.Spaces.length} spaces` : ''
  if (report.TasksScanned === 0) return prose(`No tasks completed between ${terminalTime(report.Since)} and ${terminalTime(report.Until)}${where}, so there are no leases to report and no idle workers to name (a longer --since reaches further back).`)
  out.push(prose(`Worker leases ${terminalTime(report.Since)} – ${terminalTime(report.Until)}${where}: ${report.Leases} leases in ${report.TasksWithLeases} of ${report.TasksScanned} completed tasks.`), '')
  const grid = groupGrid(report, {spaceColumn})
  const byGroup = renderWholeTable(grid.head, grid.rows, {...table, under: ['POOLS', 'SPACE'], lastUnder: ['MUTEX WAIT', 'LEASE WAIT'], wrap: ['POOLS', 'POOL', 'TASK TYPE', 'SPACE'], fill: busyBars(grid)})
  out.push(byGroup.fillWidth > 0 ? `By ${report.GroupBy} (the bar charts BUSY):` : `By ${report.GroupBy}:`, byGroup.text)
  if (report.GroupBy !== 'pool') {
    const leaseWaits = hasLeaseWaits(report)
    out.push('Peak concurrent leases per pool:')
    out.push(renderWholeTable(
      [...(spaceColumn ? ['SPACE'] : []), 'POOL', 'WORKERS', 'LEASES', 'PEAK CONCURRENT', 'PEAK AT', ...(leaseWaits ? ['LEASE WAIT'] : [])],
      report.Pools.map((p) => [...(spaceColumn ? [p.SpaceName] : []), p.WorkerPoolName, p.Workers, p.Leases, p.PeakConcurrentLeases, p.PeakAt ? terminalTime(p.PeakAt) : '', ...(leaseWaits ? [formatDuration(p.LeaseWaitSeconds * 1000)] : [])]),
      {...table, wrap: ['POOL', 'SPACE']},
    ).text)
  }
  const named = (w: {WorkerName: string; SpaceName: string}) => terminalSafe(spaceColumn ? `${w.SpaceName}/${w.WorkerName}` : w.WorkerName)
  if (report.BusiestWorkers.length > 0) {
    out.push(list('Busiest workers:', report.BusiestWorkers.map((w) => `${named(w)} (${w.Leases} leases, ${formatDuration(w.BusySeconds * 1000)})`)))
  }
  out.push(report.IdleWorkers.length === 0
    ? 'Idle workers (never leased): none.'
    : list(`Idle workers (never leased, ${report.IdleWorkers.length}):`, report.IdleWorkers.map((w) => named(w) + (w.IsDisabled ? ' (disabled)' : ''))))
  if (!hasMutexWaits(report)) out.push(prose('Mutex waits: none logged (no step waited on another script on its worker).'))
  const advice = recommendationLines(report.Recommendations, {name: terminalSafe, spaceNames: spaceColumn})
  if (advice.length > 0) out.push('', prose('Recommendations (thresholds: capacity: in .octoworkers.yaml):'), ...advice.map((line) => prose(`- ${line}`)))
  return out.join('\n')
}
