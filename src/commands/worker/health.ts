import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {ExitCode, type ExitCodeValue} from '../../text/errors.js'
import {renderTable} from '../../ui/table.js'
import {terminalSafe} from '../../ui/safe.js'
import {checkWorkerHealth, healthCheckFailed, type HealthResult} from '../../app/workers/health.js'
import {HEALTH_TABLE_HEAD, healthProgressLine, healthRows, skippedNote} from '../../views/workers.js'
import {durationFlag} from '../../cli/flags.js'
import {plural} from '../../text/wording.js'

export default class WorkerHealth extends ServerCommand<typeof WorkerHealth> {
  static override summary = 'Start a health check of workers (an Octopus Health task); optionally wait for the result.'
  static override description = `Select workers by name or ID and with --pool (repeatable; every worker of the pool); with neither, every worker of the space is checked. One --pool alone checks that pool (the task's WorkerpoolId); anything else is sent as the task's MachineIds. An unknown name is exit 4 and no task is started.
Disabled workers are left out (Octopus does not health-check them) and named on stderr. A selection with no enabled worker to check (only disabled workers named, or pools or a space with no enabled worker) is exit 2, and no task is started.
Prints the task ID. With --wait, progress goes to stderr (the task is polled every second) and then a table of each checked worker's resulting health. The exit code is 1 when any checked worker is not available (available: enabled and Healthy or HasWarnings, as everywhere in this tool) or the task did not succeed; stderr names each worker that is not available and why.
--json gives the bulk result {Action, Results: [{Id, Name, Status, Message}], Done, Unchanged, Failed, NotAttempted} (a disabled worker is NotAttempted), with Task and the checked Workers.
--wait-timeout is how long --wait waits (default 5m; e.g. 90s, 10m; a bare number is seconds); the global --timeout is the HTTP timeout of each request.`
  static override examples = [
    '<%= config.bin %> worker health --pool "Linux Workers" --wait',
    '<%= config.bin %> worker health build-01 build-02 --wait --wait-timeout 2m --json',
  ]

  static override strict = false

  static override args = {
    worker: Args.string({description: 'Worker names or IDs (default: all workers, or those of --pool).'}),
  }

  static override flags = {
    pool: Flags.string({description: 'Check the workers of this pool (name or ID; repeatable).', multiple: true}),
    wait: Flags.boolean({description: 'Wait for the task and show each worker\'s resulting health.'}),
    'wait-timeout': durationFlag({description: 'How long --wait waits before giving up; the task goes on (e.g. 90s, 10m; a bare number is seconds).', default: '5m'}),
  }

  async run(): Promise<HealthResult> {
    const {space} = await this.connectSpace()
    let lastState = ''
    return checkWorkerHealth(space, {names: this.argValues, poolInputs: this.flags.pool ?? []}, {
      wait: this.flags.wait,
      waitMs: this.flags['wait-timeout'],
      onStarted: (task, target) => {
        const skipped = skippedNote(target)
        if (skipped) this.note(terminalSafe(skipped))
        if (this.flags.wait) this.note(`Started health check ${task.Id} of ${plural(target.workers.length, 'worker')}; waiting...`)
      },
      onProgress: (task, elapsed) => {
        if (task.State !== lastState || this.io.stderr.isTTY) this.note(healthProgressLine(task, elapsed))
        lastState = task.State
      },
    })
  }

  protected override render(result: HealthResult): Rendered {
    if (!result.Waited) return {stdout: `Started health check ${result.Task.Id} of ${plural(result.Done, 'worker')}.`}
    const failed = result.Results.filter((item) => item.Status === 'failed')
    const stderr = failed.length === 0 ? [] : [
      `${failed.length} of ${result.Workers.length} checked worker${result.Workers.length === 1 ? ' is' : 's are'} not available (available: enabled and Healthy or HasWarnings):`,
      ...failed.map((item) => `  ${terminalSafe(item.Name)}: ${terminalSafe(item.Message)}`),
    ]
    const task = result.Task
    // When workers are listed above, the server's own summary (its words, its count: disabled
    // machines, "machines") would only say the same thing another way.
    if (task.State !== 'Success') stderr.push(`Task ${task.Id} ended ${task.State}${task.ErrorMessage && failed.length === 0 ? `: ${terminalSafe(task.ErrorMessage.replace(/\.$/, ''))}` : ''}.`)
    return {stdout: renderTable(HEALTH_TABLE_HEAD, healthRows(result.Workers), this.io.table), stderr}
  }

  protected override exitCodeFor(result: HealthResult): ExitCodeValue {
    return healthCheckFailed(result) ? ExitCode.Failure : ExitCode.Success
  }
}

