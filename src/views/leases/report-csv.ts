/** `leases report --format csv`. */
import type {LeaseReport, SpaceFields} from '../../app/leases/report.js'
import {csvField} from '../../ui/csv.js'
import type {Cell} from './report-table.js'

/** CSV of the group-by rows, with stable machine-friendly headers (numbers unformatted). */
export function reportCsv(report: LeaseReport, opts: {spaceColumns?: boolean} = {}): string {
  let head: string[]
  let rows: Array<Array<Cell | null>>
  let spaces: SpaceFields[]
  switch (report.GroupBy) {
    case 'pool':
      head = ['WorkerPoolId', 'WorkerPoolName', 'Workers', 'Leases', 'PeakConcurrentLeases', 'PeakAt', 'BusySeconds']
      rows = report.Pools.map((p) => [p.WorkerPoolId, p.WorkerPoolName, p.Workers, p.Leases, p.PeakConcurrentLeases, p.PeakAt, p.BusySeconds])
      spaces = report.Pools
      break
    case 'task-type':
      head = ['TaskType', 'Tasks', 'Leases', 'BusySeconds']
      rows = report.TaskTypes.map((t) => [t.TaskType, t.Tasks, t.Leases, t.BusySeconds])
      spaces = report.TaskTypes
      break
    default:
      head = ['WorkerId', 'WorkerName', 'WorkerPoolNames', 'Leases', 'Tasks', 'PeakConcurrentLeases', 'BusySeconds']
      rows = report.Workers.map((w) => [w.WorkerId, w.WorkerName, w.WorkerPoolNames.join('; '), w.Leases, w.Tasks, w.PeakConcurrentLeases, w.BusySeconds])
      // Idle workers belong in the per-worker CSV too, with zeros, so a spreadsheet sees all capacity.
      rows.push(...report.IdleWorkers.map((w) => [w.WorkerId, w.WorkerName, w.WorkerPoolNames.join('; '), 0, 0, 0, 0]))
      spaces = [...report.Workers, ...report.IdleWorkers]
  }
  if (opts.spaceColumns) {
    head = ['SpaceId', 'SpaceName', ...head]
    rows = rows.map((r, i) => [spaces[i].SpaceId, spaces[i].SpaceName, ...r])
  }
  return [head, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n'
}
