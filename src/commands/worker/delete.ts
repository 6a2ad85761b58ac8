import {Args, Flags} from '@oclif/core'
import {type Rendered} from '../../base-command.js'
import {MaintenanceCommand} from '../../command-bases/maintenance-command.js'
import {CliError, ExitCode} from '../../lib/errors.js'
import type {BulkResult} from '../../lib/bulk.js'
import {listWorkerPools} from '../../lib/octopus/repositories.js'
import {deleteWorkers, renderWorkerBulk, refuseDeletingLeasedWorkers, requireSelection, resolveWorkerSelection} from '../../lib/workers/bulk.js'
import {loadConfig} from '../../lib/policy/config.js'
import {describeDrainStatus, staleLeaseLine, unfinishedSummary} from '../../lib/maintenance/drain.js'
import {drainWorkers, floorFunction, planDrain} from '../../lib/maintenance/drain-run.js'
import {floorRefusal, parseKeepHealthy, parseWaitDuration} from '../../lib/maintenance/floor.js'

const DEFAULT_DRAIN_TIMEOUT_MS = 30 * 60 * 1000

export default class WorkerDelete extends MaintenanceCommand<typeof WorkerDelete> {
  static override summary = 'Delete workers (deregister them from the server).'
  static override description = `Select workers by name or ID and with --pool (repeatable; every worker of the pool). The whole selection is resolved first; an unknown name is exit 4 and nothing is deleted. A pool with no workers selects nothing (exit 0).
A selected worker that holds an active task lease refuses the whole delete as unsafe (exit 5, nothing deleted), naming the task, using the server's lease API; on servers without it (before 2022) the server's own refusal is that worker's failure.
Asks for the name to be typed unless -y/--yes; with prompts off (--no-prompt, CI, no terminal) and no --yes it refuses (exit 2) before any request.
Workers are deleted one by one; the first failure stops the run (the rest are not attempted), the whole result is printed, and the exit code is 1. --json gives the bulk result {Action, Results: [{Id, Name, Status, Message}], Done, Unchanged, Failed, NotAttempted}.
A lease whose task has finished (stale: Octopus keeps such rows until it restarts) is not a reason to refuse; it is named, and the server may still refuse the delete until it clears the lease.
--drain first drains the workers as \`worker drain\` does (floor check, exit 5 below it; disable; wait for their leases, up to --drain-timeout), then deletes them; if the wait runs out nothing is deleted (exit 1) and the workers stay disabled. Ctrl-C (exit 130) or SIGTERM (exit 143) during that wait deletes nothing and prints what was left disabled and the command that re-enables it.`
  static override examples = [
    '<%= config.bin %> worker delete build-01',
    '<%= config.bin %> worker delete build-01 Workers-12 -y --no-prompt',
    '<%= config.bin %> worker delete --pool "Old Pool" --drain -y',
  ]

  static override strict = false

  static override args = {
    worker: Args.string({description: 'Worker names or IDs.'}),
  }

  static override flags = {
    pool: Flags.string({description: 'Also every worker of this pool (name or ID; repeatable).', multiple: true}),
    yes: Flags.boolean({char: 'y', description: 'Delete without asking.'}),
    drain: Flags.boolean({description: 'Drain first (disable, wait for leases to end), then delete.'}),
    'keep-healthy': Flags.custom<number>({
      description: 'With --drain: available workers each affected pool must keep (default: minWorkers of .octoworkers.yaml, else 2).',
      dependsOn: ['drain'],
      parse: async (input) => parseKeepHealthy(input)!,
    })(),
    'drain-timeout': Flags.custom<number>({
      description: 'With --drain: how long to wait for leases to end (default 30m; e.g. 90s, 1h).',
      dependsOn: ['drain'],
      parse: async (input) => parseWaitDuration(input, '--drain-timeout'),
    })(),
  }

  /** Unlike drain and upgrade, --timeout here is the HTTP timeout; the wait has --drain-timeout. */
  protected override httpTimeoutFlag(): number | undefined {
    return this.flags.timeout
  }

  async run(): Promise<BulkResult> {
    const selection = {names: this.argValues, poolInputs: this.flags.pool ?? []}
    requireSelection(selection.names, selection.poolInputs)
    this.refuseUnconfirmable({yes: this.flags.yes, action: 'delete workers'})
    const drainTimeoutMs = this.flags['drain-timeout'] ?? DEFAULT_DRAIN_TIMEOUT_MS
    const keepHealthy = this.flags['keep-healthy']
    const {space} = await this.connectSpace()
    const {workers, targets} = await resolveWorkerSelection(space, selection)
    if (targets.length === 0) return deleteWorkers(space, targets)
    if (this.flags.drain) {
      const plan = planDrain({workers, pools: await listWorkerPools(space), ...selection, floorOf: floorFunction(keepHealthy, await loadConfig({cwd: process.cwd()}))})
      if (plan.violations.length > 0) throw floorRefusal(plan.violations, {verb: 'deleting', override: 'Pass --keep-healthy with a lower number (0 to override) to delete anyway.'})
    } else await refuseDeletingLeasedWorkers(space, targets, (line) => this.note(line))
    await this.confirmDestructive({yes: this.flags.yes, action: `delete ${targets.length === 1 ? 'this worker' : `these ${targets.length} workers`}`, names: targets.map((w) => w.Name)})
    if (this.flags.drain) {
      // Progress goes to stderr as the drain runs; the result is printed once, at the end.
      const drained = await drainWorkers(space, targets, {
        timeoutMs: drainTimeoutMs, debug: this.debugLine, signal: this.startWaiting(),
        onStale: (worker, lease) => this.note(staleLeaseLine(worker, lease)),
        onProgress: (waiting, elapsed) => {
          if (waiting.length) this.note(`Draining before delete: ${waiting.map((w) => `${w.Name} (${w.Leases.length} lease${w.Leases.length === 1 ? '' : 's'})`).join(', ')} [${Math.round(elapsed / 1000)} s]`)
        },
      })
      this.stopWaiting()
      if (drained.Outcome !== 'drained') {
        for (const line of drained.Workers.map(describeDrainStatus)) this.note(line)
        for (const line of unfinishedSummary(drained, {bin: this.config.bin, spaceName: space.space.Name, timeoutMs: drainTimeoutMs})) this.note(line)
        const details = {workers: drained.Workers.map((w) => ({Id: w.Id, Name: w.Name, Leases: w.Leases.map((l) => l.TaskId)}))}
        if (drained.Outcome === 'interrupted') throw this.interruptedError('The drain was stopped; nothing was deleted.', details)
        throw new CliError('The drain did not finish; nothing was deleted.', ExitCode.Failure, {code: 'drain-timeout', details})
      }
    }
    return deleteWorkers(space, targets)
  }

  protected override render(result: BulkResult): Rendered {
    return renderWorkerBulk(result, 'deleted')
  }
}
