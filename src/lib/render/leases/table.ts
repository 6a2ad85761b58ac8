/** `leases report`'s table view. */
import type {LeaseReport} from '../../leases/report.js'
import {formatDuration} from '../../leases/time.js'
import {bar} from '../bar-chart.js'
import {terminalSafe} from '../safe.js'
import {renderTable} from '../table.js'

export type Cell = string | number
export interface Grid {
  head: string[]
  rows: Cell[][]
  /** Index of the column whose numbers the bar chart draws. */
  barOf: number
}

/** The group-by table: one row per worker, pool or task type. */
export function groupGrid(report: LeaseReport): Grid {
  switch (report.GroupBy) {
    case 'pool':
      return {
        head: ['POOL', 'WORKERS', 'LEASES', 'PEAK CONCURRENT', 'BUSY'],
        rows: report.Pools.map((p) => [p.WorkerPoolName, p.Workers, p.Leases, p.PeakConcurrentLeases, formatDuration(p.BusySeconds * 1000)]),
        barOf: 2,
      }
    case 'task-type':
      return {
        head: ['TASK TYPE', 'TASKS', 'LEASES', 'BUSY'],
        rows: report.TaskTypes.map((t) => [t.TaskType, t.Tasks, t.Leases, formatDuration(t.BusySeconds * 1000)]),
        barOf: 2,
      }
    default:
      return {
        head: ['WORKER', 'POOLS', 'LEASES', 'TASKS', 'PEAK CONCURRENT', 'BUSY'],
        rows: report.Workers.map((w) => [w.WorkerName, w.WorkerPoolNames.join(', '), w.Leases, w.Tasks, w.PeakConcurrentLeases, formatDuration(w.BusySeconds * 1000)]),
        barOf: 2,
      }
  }
}

/** Adds a bar column scaled to the largest value of the chosen column. */
export function withBars(grid: Grid, width = 30): {head: string[]; rows: Cell[][]} {
  const max = Math.max(0, ...grid.rows.map((r) => Number(r[grid.barOf]) || 0))
  return {head: [...grid.head, ''], rows: grid.rows.map((r) => [...r, bar(Number(r[grid.barOf]) || 0, max, width)])}
}

/** The table view: the group-by table with bars, peak concurrency per pool, the busiest and the idle workers. */
export async function renderLeaseReport(report: LeaseReport, isTTY: boolean): Promise<string> {
  const out: string[] = []
  out.push(`Worker leases ${report.Since} – ${report.Until}: ${report.Leases} leases in ${report.TasksWithLeases} of ${report.TasksScanned} completed tasks.`, '')
  const grid = withBars(groupGrid(report))
  out.push(`By ${report.GroupBy}:`, await renderTable(grid.head, grid.rows, {isTTY}))
  if (report.GroupBy !== 'pool') {
    out.push('Peak concurrent leases per pool:')
    out.push(await renderTable(['POOL', 'WORKERS', 'LEASES', 'PEAK CONCURRENT', 'PEAK AT'], report.Pools.map((p) => [p.WorkerPoolName, p.Workers, p.Leases, p.PeakConcurrentLeases, p.PeakAt ?? '']), {isTTY}))
  }
  if (report.BusiestWorkers.length > 0) {
    out.push('Busiest workers: ' + report.BusiestWorkers.map((w) => `${terminalSafe(w.WorkerName)} (${w.Leases} leases, ${formatDuration(w.BusySeconds * 1000)})`).join(', '))
  }
  out.push(report.IdleWorkers.length === 0
    ? 'Idle workers (never leased): none.'
    : `Idle workers (never leased, ${report.IdleWorkers.length}): ` + report.IdleWorkers.map((w) => terminalSafe(w.WorkerName) + (w.IsDisabled ? ' (disabled)' : '')).join(', '))
  return out.join('\n')
}
