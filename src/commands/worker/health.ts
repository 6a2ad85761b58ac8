import {Args, Flags} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {ExitCode} from '../../lib/errors.js'
import {findAllByNameOrId} from '../../lib/octopus/names.js'
import {createTask, getTask, listWorkerPools, listWorkers} from '../../lib/octopus/repositories.js'
import {renderTable} from '../../lib/render/table.js'
import {HEALTH_TABLE_HEAD, allHealthy, checkedWorkers, healthRows, healthTarget, healthTaskBody, progressLine, requireTargets, skippedNote, waitForTask} from '../../lib/workers/health.js'
import {withPoolNames} from '../../lib/workers/list.js'
import {validateWaitTimeout} from '../../lib/workers/validate.js'
import {terminalSafe} from '../../lib/render/safe.js'

export default class WorkerHealth extends ServerCommand<typeof WorkerHealth> {
  static override summary = 'Start a health check of workers (an Octopus Health task); optionally wait for the result.'
  static override description = `With no worker and no --pool, every worker of the space is checked. One --pool alone checks that pool (the task's WorkerpoolId); named workers and several pools are sent as the task's MachineIds.
Disabled workers are left out (Octopus does not health-check them) and named on stderr; naming only disabled workers is exit 2.
Prints the task ID. With --wait, progress goes to stderr (the task is polled every second) and then a table of each checked worker's resulting health; the exit code is 1 when any checked worker is not Healthy or the task did not succeed.
--wait-timeout is how long --wait waits (default 300 s); the global --timeout is the HTTP timeout of each request.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> worker health --pool "Linux Workers" --wait',
    '<%= config.bin %> worker health build-01 build-02 --wait --wait-timeout 120 --json',
  ]

  static override strict = false

  static override args = {
    worker: Args.string({description: 'Worker names or IDs (default: all workers, or those of --pool).'}),
  }

  static override flags = {
    pool: Flags.string({description: 'Check the workers of this pool (name or ID; repeatable).', multiple: true}),
    wait: Flags.boolean({description: 'Wait for the task and show each worker\'s resulting health.'}),
    'wait-timeout': Flags.string({description: 'Seconds --wait waits before giving up (the task goes on).', default: '300'}),
  }

  async run(): Promise<void> {
    const {argv} = await this.parse(WorkerHealth)
    const waitSeconds = validateWaitTimeout(this.flags['wait-timeout'])
    const {space} = await this.connectSpace()
    const poolInputs = this.flags.pool ?? []
    const [allWorkers, pools] = await Promise.all([listWorkers(space), listWorkerPools(space)])
    const target = healthTarget({
      workers: findAllByNameOrId(allWorkers, argv as string[], 'worker'),
      pools: findAllByNameOrId(pools, poolInputs, 'worker pool'),
      allWorkers,
    })
    requireTargets(target)
    const skipped = skippedNote(target)
    if (skipped) this.note(skipped)
    const skippedIds = target.skipped.map((w) => w.Id)
    const task = await createTask(space, healthTaskBody(target))
    if (!this.flags.wait) {
      if (this.isJson) return this.printJson({Task: task, WorkerIds: target.workers.map((w) => w.Id), SkippedDisabledWorkerIds: skippedIds})
      return this.print(`Started health check ${task.Id} of ${target.workers.length} worker${target.workers.length === 1 ? '' : 's'}.`)
    }
    if (!this.isJson) this.note(`Started health check ${task.Id} of ${target.workers.length} worker${target.workers.length === 1 ? '' : 's'}; waiting...`)
    let lastState = ''
    const finished = await waitForTask(() => getTask(space, task.Id), {
      intervalMs: 1000,
      timeoutMs: waitSeconds * 1000,
      onProgress: (t, elapsed) => {
        if (t.State !== lastState || process.stderr.isTTY) this.note(progressLine(t, elapsed))
        lastState = t.State
      },
    })
    const checked = checkedWorkers(target, await listWorkers(space)).map((w) => withPoolNames(w, pools))
    const healthy = allHealthy(checked) && finished.State === 'Success'
    if (this.isJson) this.printJson({Task: finished, Workers: checked, AllHealthy: healthy, SkippedDisabledWorkerIds: skippedIds})
    else {
      this.print(await renderTable(HEALTH_TABLE_HEAD, healthRows(checked), {isTTY: Boolean(process.stdout.isTTY)}))
      if (finished.State !== 'Success') this.note(`Task ${finished.Id} ended ${finished.State}${finished.ErrorMessage ? `: ${terminalSafe(finished.ErrorMessage.replace(/\.$/, ''))}` : ''}.`)
    }
    if (!healthy) process.exitCode = ExitCode.Failure
  }
}
