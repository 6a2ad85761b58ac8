import * as Flags from '@oclif/core/flags'
import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {countFlag, flagParser} from '../../cli/flags.js'
import {ExitCode, type ExitCodeValue} from '../../text/errors.js'
import {cancelSimulation, parseDurationRange, runSimulation, simulationFailed, type DurationRange, type SimulationResult, type SimulationStatus} from '../../app/simulate.js'
import {canceledLine, simulationFailureLines, simulationProgressLine, simulationStartedLine, simulationSummaryLines} from '../../views/simulate.js'
import {renderTable} from '../../ui/table.js'


export default class SandboxSimulate extends ServerCommand<typeof SandboxSimulate> {
  static override summary = 'Run synthetic deployments on a sandbox and show how it leased its workers.'

  static override description = `Asks an octoworkers sandbox to run N synthetic deployments, C at a time; each step
leases a worker from a pool (the healthy worker with the fewest active leases). Then prints the
leases per worker and the failures. This works only against an octoworkers sandbox
(\`octoworkers sandbox start\`), never a real Octopus Server. Exit 1 when a deployment failed or
the sandbox restarted during the run. Ctrl-C cancels the simulation: its deployments that have not
finished are canceled (their leases released) and no more start; exit 130.`

  static override examples = [
    '<%= config.bin %> sandbox simulate --tasks 100 --concurrency 10',
    '<%= config.bin %> sandbox simulate --pool "Production Database Omaha Worker Pool" --duration-ms 50-200 --json',
  ]

  static override flags = {
    tasks: countFlag({description: 'Number of deployments (1 to 100,000).', min: 1, max: 100_000, default: 20}),
    concurrency: countFlag({description: 'Deployments running at once (1 to 1,000).', min: 1, max: 1_000, default: 5}),
    pool: Flags.string({description: 'Pool the steps lease from (name or ID; repeatable). Default: every pool with a worker that can be leased (enabled, Healthy or HasWarnings).', multiple: true}),
    'duration-ms': Flags.custom<DurationRange>({
      description: 'Step duration range in ms, MIN-MAX (at most an hour).',
      default: {min: 200, max: 1000},
      defaultHelp: async () => '200-1000',
      parse: flagParser((input) => parseDurationRange(input)),
    })(),
    steps: countFlag({description: 'Steps per deployment, each leasing a worker (1 to 50).', min: 1, max: 50, default: 1}),
  }

  /** The running simulation, once started: what Ctrl-C cancels. */
  private started?: {space: Awaited<ReturnType<SandboxSimulate['connectSpace']>>['space']; id: string}

  public async run(): Promise<SimulationResult> {
    const {space} = await this.connectSpace()
    const {tasks, concurrency, steps, pool} = this.flags
    return runSimulation(space, {tasks, concurrency, steps, durationMs: this.flags['duration-ms'], pools: pool}, {
      onStarted: (status) => {
        this.started = {space, id: status.Id}
        this.note(simulationStartedLine(status, {tasks, concurrency}, space.space.Name))
      },
      onProgress: (status) => this.note(simulationProgressLine(status, {tasks})),
    })
  }

  /** Ctrl-C: the simulation's remaining deployments would run on without anyone watching; cancel them. */
  protected override onInterrupt(): void {
    const started = this.started
    if (!started) return super.onInterrupt()
    cancelSimulation(started.space, started.id).then(
      (status) => this.note(canceledLine(status)),
      (error: Error) => this.note(`Interrupted; the simulation ${started.id} could not be canceled (${error.message}): its deployments go on. Cancel them with POST /api/sandbox/simulations/${started.id}/cancel.`),
    ).finally(() => this.context.exit(ExitCode.Interrupted))
  }

  protected override render(status: SimulationResult): Rendered {
    const rows = Object.entries(status.LeasesPerPool).flatMap(([pool, workers]) => Object.entries(workers).map(([worker, leases]) => [pool, worker, leases]))
    const table = rows.length ? renderTable(['POOL', 'WORKER', 'LEASES'], rows, this.io.table) : 'No worker was leased.'
    const stderr = simulationFailureLines(status)
    if (status.State === 'Interrupted') stderr.push('The simulation was interrupted (the sandbox restarted).')
    if (status.State === 'Canceled') stderr.push('The simulation was canceled before it finished.')
    return {stdout: [table, ...simulationSummaryLines(status)].join('\n'), stderr}
  }

  protected override exitCodeFor(status: SimulationStatus): ExitCodeValue {
    return simulationFailed(status) ? ExitCode.Failure : ExitCode.Success
  }
}
