import {Args, Flags} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {CliError, ExitCode} from '../../lib/errors.js'
import {describeOutcome, runBulk} from '../../lib/bulk.js'
import {findAllByNameOrId} from '../../lib/octopus/names.js'
import {deleteWorker, listWorkers, listWorkerTaskLeases} from '../../lib/octopus/repositories.js'
import {bulkFailureSummary, bulkJson, leasesHeldBy, refuseLeasedWorkers} from '../../lib/workers/bulk.js'
import {listWorkerPools} from '../../lib/octopus/repositories.js'
import {loadConfig} from '../../lib/policy/config.js'
import {describeDrainStatus, unfinishedSummary} from '../../lib/maintenance/drain.js'
import {drainWorkers, floorFunction, planDrain} from '../../lib/maintenance/drain-run.js'
import {floorRefusal, parseKeepHealthy, parseWaitDuration} from '../../lib/maintenance/floor.js'

export default class WorkerDelete extends ServerCommand<typeof WorkerDelete> {
  static override summary = 'Delete workers (deregister them from the server).'
  static override description = `Every name is resolved first; an unknown one is exit 4 and nothing is deleted.
A worker that holds an active task lease is refused (exit 1, nothing deleted) naming the task, using the server's lease API; on servers without it (before 2022) the server's own refusal is reported.
Asks for the name to be typed unless -y/--yes; with prompts off (--no-prompt, CI, no terminal) and no --yes it refuses (exit 2) before any request.
If the server fails midway, the lines say which workers were deleted and which were not, and the exit code is 1.
--drain first drains the workers as \`worker drain\` does (floor check, exit 5 below it; disable; wait for their leases, up to --drain-timeout), then deletes them; if the wait runs out nothing is deleted (exit 1) and the workers stay disabled.

${EXIT_CODES_HELP}`
  static override examples = ['<%= config.bin %> worker delete build-01', '<%= config.bin %> worker delete build-01 Workers-12 -y --no-prompt']

  static override strict = false

  static override args = {
    worker: Args.string({description: 'Worker names or IDs.', required: true}),
  }

  static override flags = {
    yes: Flags.boolean({char: 'y', description: 'Delete without asking.'}),
    drain: Flags.boolean({description: 'Drain first (disable, wait for leases to end), then delete.'}),
    'keep-healthy': Flags.string({description: 'With --drain: available workers each affected pool must keep (default: minWorkers of .octoworkers.yaml, else 2).', dependsOn: ['drain']}),
    'drain-timeout': Flags.string({description: 'With --drain: how long to wait for leases to end (default 30m; e.g. 90s, 1h).', dependsOn: ['drain']}),
  }

  async run(): Promise<void> {
    const {argv} = await this.parse(WorkerDelete)
    const names = argv as string[]
    this.refuseUnconfirmable({yes: this.flags.yes, action: 'delete workers'})
    const {space} = await this.connectSpace()
    const drainTimeoutMs = this.flags.drain ? parseWaitDuration(this.flags['drain-timeout'] ?? '30m', '--drain-timeout') : 0
    const keepHealthy = parseKeepHealthy(this.flags['keep-healthy'])
    const workers = await listWorkers(space)
    const targets = findAllByNameOrId(workers, names, 'worker')
    if (this.flags.drain) {
      const plan = planDrain({workers, pools: await listWorkerPools(space), names, poolInputs: [], floorOf: floorFunction(keepHealthy, await loadConfig({cwd: process.cwd()}))})
      if (plan.violations.length > 0) throw floorRefusal(plan.violations, {verb: 'deleting', override: 'Pass --keep-healthy with a lower number (0 to override) to delete anyway.'})
    } else {
      const leases = await listWorkerTaskLeases(space)
      if (leases) refuseLeasedWorkers(leasesHeldBy(targets, leases))
    }
    await this.confirmDestructive({yes: this.flags.yes, action: `delete ${targets.length === 1 ? 'this worker' : `these ${targets.length} workers`}`, names: targets.map((w) => w.Name)})
    if (this.flags.drain) {
      const drained = await drainWorkers(space, targets, {timeoutMs: drainTimeoutMs, debug: this.debugLine, onProgress: (waiting, elapsed) => {
        if (!this.isJson && waiting.length) this.note(`Draining before delete: ${waiting.map((w) => `${w.Name} (${w.Leases.length} lease${w.Leases.length === 1 ? '' : 's'})`).join(', ')} [${Math.round(elapsed / 1000)} s]`)
      }})
      if (drained.Outcome !== 'drained') {
        if (!this.isJson) this.print(drained.Workers.map(describeDrainStatus).join('\n'))
        for (const line of unfinishedSummary(drained, {bin: this.config.bin, spaceName: space.space.Name, timeoutMs: drainTimeoutMs})) this.note(line)
        throw new CliError('The drain did not finish; nothing was deleted.', ExitCode.Failure, {code: 'drain-timeout', details: {workers: drained.Workers.map((w) => ({Id: w.Id, Name: w.Name, Leases: w.Leases.map((l) => l.TaskId)}))}})
      }
    }
    const report = await runBulk(targets, async (worker) => {
      await deleteWorker(space, worker.Id)
      return {result: worker.Id}
    })
    if (this.isJson) this.printJson(bulkJson(report, 'deleted'))
    else this.print(report.results.map(({item, outcome}) => describeOutcome(item.Name, outcome, 'deleted')).join('\n'))
    if (report.failed) {
      this.note(bulkFailureSummary(report, 'deleted'))
      process.exitCode = ExitCode.Failure
    }
  }
}
