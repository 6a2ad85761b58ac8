/** `leases report --format csv`. */
import type {LeaseReport} from '../../leases/report.js'
import {csvField} from '../csv.js'
import type {Cell} from './table.js'

/** CSV of the group-by rows, with stable machine-friendly headers (numbers unformatted). */
export function reportCsv(report: LeaseReport): string {
  let head: string[]
  let rows: Array<Array<Cell | null>>
  switch (report.GroupBy) {
    case 'pool':
      head = ['WorkerPoolId', 'WorkerPoolName', 'Workers', 'Leases', 'PeakConcurrentLeases', 'PeakAt', 'BusySeconds']
      rows = report.Pools.map((p) => [p.WorkerPoolId, p.WorkerPoolName, p.Workers, p.Leases, p.PeakConcurrentLeases, p.PeakAt, p.BusySeconds])
      break
    case 'task-type':
      head = ['TaskType', 'Tasks', 'Leases', 'BusySeconds']
      rows = report.TaskTypes.map((t) => [t.TaskType, t.Tasks, t.Leases, t.BusySeconds])
      break
    default:
      head = ['WorkerId', 'WorkerName', 'WorkerPoolNames', 'Leases', 'Tasks', 'PeakConcurrentLeases', 'BusySeconds']
      rows = report.Workers.map((w) => [w.WorkerId, w.WorkerName, w.WorkerPoolNames.join('; '), w.Leases, w.Tasks, w.PeakConcurrentLeases, w.BusySeconds])
      // Idle workers belong in the per-worker CSV too, with zeros, so a spreadsheet sees all capacity.
      rows.push(...report.IdleWorkers.map((w) => [w.WorkerId, w.WorkerName, w.WorkerPoolNames.join('; '), 0, 0, 0, 0]))
  }
  return [head, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n'
}
