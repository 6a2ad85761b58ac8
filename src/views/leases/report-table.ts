/** `leases report`'s table view. */
import type {LeaseReport} from '../../app/leases/report.js'
import {formatDuration} from '../../text/duration.js'
import {terminalTime} from '../time.js'
import {bar} from '../bar-chart.js'
import {terminalSafe} from '../../ui/safe.js'
import {renderTable, type TableOptions} from '../../ui/table.js'

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
  switch (report.GroupBy) {
    case 'pool':
      return {
        head: ['POOL', 'WORKERS', 'LEASES', 'PEAK CONCURRENT', 'BUSY'],
        rows: report.Pools.map((p) => ({space: p.SpaceName, cells: [p.WorkerPoolName, p.Workers, p.Leases, p.PeakConcurrentLeases, busy(p.BusySeconds)], busy: p.BusySeconds})),
      }
    case 'task-type':
      return {
        head: ['TASK TYPE', 'TASKS', 'LEASES', 'BUSY'],
        rows: report.TaskTypes.map((t) => ({space: t.SpaceName, cells: [t.TaskType, t.Tasks, t.Leases, busy(t.BusySeconds)], busy: t.BusySeconds})),
      }
    default:
      return {
        head: ['WORKER', 'POOLS', 'LEASES', 'TASKS', 'PEAK CONCURRENT', 'BUSY'],
        rows: report.Workers.map((w) => ({space: w.SpaceName, cells: [w.WorkerName, w.WorkerPoolNames.join(', '), w.Leases, w.Tasks, w.PeakConcurrentLeases, busy(w.BusySeconds)], busy: w.BusySeconds})),
      }
  }
}

/**
 * Adds a bar column after BUSY that charts BUSY: each row's busy time, scaled to the busiest row,
 * so the bar and the figure beside it always agree.
 */
export function withBars(grid: Grid, width = 30): {head: string[]; rows: Cell[][]} {
  const max = Math.max(0, ...grid.barValues)
  return {head: [...grid.head, ''], rows: grid.rows.map((r, i) => [...r, bar(grid.barValues[i], max, width)])}
}

/** The table view: the group-by table with bars, peak concurrency per pool, the busiest and the idle workers. */
export function renderLeaseReport(report: LeaseReport, opts: TableOptions & {spaceColumn: boolean}): string {
  const {spaceColumn, ...table} = opts
  const out: string[] = []
  const where = spaceColumn ? ` across ${report.Spaces.length} spaces` : ''
  out.push(`Worker leases ${terminalTime(report.Since)} – ${terminalTime(report.Until)}${where}: ${report.Leases} leases in ${report.TasksWithLeases} of ${report.TasksScanned} completed tasks.`, '')
  const grid = withBars(groupGrid(report, {spaceColumn}))
  out.push(`By ${report.GroupBy} (the bar charts BUSY):`, renderTable(grid.head, grid.rows, table))
  if (report.GroupBy !== 'pool') {
    out.push('Peak concurrent leases per pool:')
    out.push(renderTable(
      [...(spaceColumn ? ['SPACE'] : []), 'POOL', 'WORKERS', 'LEASES', 'PEAK CONCURRENT', 'PEAK AT'],
      report.Pools.map((p) => [...(spaceColumn ? [p.SpaceName] : []), p.WorkerPoolName, p.Workers, p.Leases, p.PeakConcurrentLeases, p.PeakAt ? terminalTime(p.PeakAt) : '']),
      table,
    ))
  }
  const named = (w: {WorkerName: string; SpaceName: string}) => terminalSafe(spaceColumn ? `${w.SpaceName}/${w.WorkerName}` : w.WorkerName)
  if (report.BusiestWorkers.length > 0) {
    out.push('Busiest workers: ' + report.BusiestWorkers.map((w) => `${named(w)} (${w.Leases} leases, ${formatDuration(w.BusySeconds * 1000)})`).join(', '))
  }
  out.push(report.IdleWorkers.length === 0
    ? 'Idle workers (never leased): none.'
    : `Idle workers (never leased, ${report.IdleWorkers.length}): ` + report.IdleWorkers.map((w) => named(w) + (w.IsDisabled ? ' (disabled)' : '')).join(', '))
  return out.join('\n')
}
