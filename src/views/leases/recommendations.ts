/** `leases report`'s recommendations in plain words, each with the figure behind it (table and HTML views). */
import type {Recommendation} from '../../app/leases/recommend.js'
import {formatDuration} from '../../text/duration.js'
import {plural} from '../../text/wording.js'

/**
 * One sentence per recommendation. `name` makes a server string safe for where it is printed
 * (terminal-safe, or HTML-escaped); with `spaceNames`, a name is given with its space.
 */
export function recommendationLines(recommendations: readonly Recommendation[], opts: {name: (text: string) => string; spaceNames?: boolean}): string[] {
  const named = (space: string, name: string) => opts.name(opts.spaceNames ? `${space}/${name}` : name)
  const workers = (n: number) => plural(n, 'worker')
  return recommendations.map((r) => {
    switch (r.Kind) {
      case 'add-worker':
        return `pool ${named(r.SpaceName, r.WorkerPoolName)}: peak ${plural(r.PeakConcurrentLeases, 'concurrent lease')} on ${workers(r.AvailableWorkers)}, all busy for ${formatDuration(r.AllBusySeconds * 1000)} over the window: add a worker.`
      case 'fewer-workers':
        return `pool ${named(r.SpaceName, r.WorkerPoolName)}: its ${workers(r.AvailableWorkers)} were idle ${r.IdlePercent}% of the time: it could do with fewer.`
      case 'lease-waits':
        return `pool ${named(r.SpaceName, r.WorkerPoolName)}: steps waited ${formatDuration(r.LeaseWaitSeconds * 1000)} for a worker over the window: add a worker.`
      case 'mutex-waits':
        return `worker ${named(r.SpaceName, r.WorkerName)}: ${formatDuration(r.MutexWaitSeconds * 1000)} waiting on another script's mutex: run those steps in an execution container or add a worker.`
    }
  })
}
