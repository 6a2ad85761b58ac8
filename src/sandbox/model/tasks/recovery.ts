import {releaseLease, type LeaseRow} from '../leases.js'
import type {TaskRunner} from './runner.js'

const INTERRUPTED = 'The task was interrupted because the sandbox server restarted.'

/**
 * Tasks that were queued or running when the previous process ended are failed and their leases
 * released (Octopus clears stale leases at start the same way); so are leases whose task is done.
 */
export function recoverAfterRestart(runner: TaskRunner): void {
  const {ctx, tasks} = runner
  ctx.store.transaction(() => {
    for (const id of tasks.activeIds()) {
      tasks.log(id, id, 'Error', INTERRUPTED)
      runner.finish(id, 'Failed', INTERRUPTED)
    }
    const stale = ctx.store.prepare('SELECT * FROM leases WHERE released_at IS NULL').all() as LeaseRow[]
    for (const lease of stale) releaseLease(ctx, lease.num, 'stale lease cleared at start')
  })
}
