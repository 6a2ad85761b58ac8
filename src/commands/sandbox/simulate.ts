import {Flags} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {CliError, ExitCode, usageError} from '../../lib/errors.js'
import {findAllByNameOrId} from '../../lib/octopus/names.js'
import {listWorkerPools} from '../../lib/octopus/repositories.js'
import {renderTable} from '../../lib/render/table.js'
import {safe} from '../../lib/render/safe.js'

interface SimulationStatus {
  Id: string
  State: 'Running' | 'Completed' | 'Interrupted'
  Tasks: number
  TasksStarted: number
  TasksCompleted: number
  TasksFailed: number
  TasksCanceled: number
  LeasesGranted: number
  LeasesPerPool: Record<string, Record<string, number>>
  MaxLeaseSpread: number
  FirstTaskId: string | null
  LastTaskId: string | null
}

const MAX_STEP_MS = 3_600_000

export function parseDurationRange(value: string): {min: number; max: number} {
  const m = /^(\d+)(?:-(\d+))?$/.exec(value.trim())
  if (!m) throw usageError(`--duration-ms must be MIN-MAX in milliseconds (e.g. 200-1000), not '${value}'.`)
  const min = Number(m[1])
  const max = m[2] === undefined ? min : Number(m[2])
  if (max < min) throw usageError(`--duration-ms: MAX (${max}) is less than MIN (${min}).`)
  // Each step's duration ends in a timer in the sandbox; an hour is far beyond any useful simulation.
  if (max > MAX_STEP_MS) throw usageError(`--duration-ms must be from 0 to ${MAX_STEP_MS} ms (an hour), not '${value}'.`)
  return {min, max}
}

function positiveInt(flag: string, value: string, max: number): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < 1 || n > max) throw usageError(`--${flag} must be a whole number from 1 to ${max}, not '${value}'.`)
  return n
}

export default class SandboxSimulate extends ServerCommand<typeof SandboxSimulate> {
  static override summary = 'Run synthetic deployments on a sandbox and show how it leased its workers.'

  static override description = `Asks an octoworkers sandbox to run N synthetic deployments, C at a time; each step
leases a worker from a pool (the healthy worker with the fewest active leases). Then prints the
leases per worker and the failures. This works only against an octoworkers sandbox
(\`octoworkers sandbox start\`), never a real Octopus Server.

${EXIT_CODES_HELP}`

  static override examples = [
    '<%= config.bin %> sandbox simulate --tasks 100 --concurrency 10',
    '<%= config.bin %> sandbox simulate --pool "Production Database Omaha Worker Pool" --duration-ms 50-200 --json',
  ]

  static override flags = {
    tasks: Flags.string({description: 'Number of deployments.', default: '20'}),
    concurrency: Flags.string({description: 'Deployments running at once.', default: '5'}),
    pool: Flags.string({description: 'Pool the steps lease from (name or ID; repeatable). Default: every pool with workers.', multiple: true}),
    'duration-ms': Flags.string({description: 'Step duration range in ms, MIN-MAX.', default: '200-1000'}),
    steps: Flags.string({description: 'Steps per deployment (each leases a worker).', default: '1'}),
  }

  public async run(): Promise<void> {
    const tasks = positiveInt('tasks', this.flags.tasks, 100_000)
    const concurrency = positiveInt('concurrency', this.flags.concurrency, 1_000)
    const steps = positiveInt('steps', this.flags.steps, 50)
    const {min, max} = parseDurationRange(this.flags['duration-ms'])
    const {client, space} = await this.connectSpace()

    const probe = await client.request<unknown>('GET', '/api/sandbox/info', {allowStatus: [404, 405]})
    if (probe.status !== 200) {
      throw usageError(`${client.server} is Octopus ${client.version}, not an octoworkers sandbox: \`sandbox simulate\` works only against an octoworkers sandbox.`, {
        hint: 'Start one with `octoworkers sandbox start` and point --server (or OCTOPUS_URL) at it.',
        code: 'not-sandbox',
      })
    }
    const poolIds = this.flags.pool?.length ? findAllByNameOrId(await listWorkerPools(space), this.flags.pool, 'worker pool').map((p) => p.Id) : undefined
    let status = await client.post<SimulationStatus>('/api/sandbox/simulations', {
      SpaceId: space.spaceId, Tasks: tasks, Concurrency: concurrency, WorkerPoolIds: poolIds, MinDurationMs: min, MaxDurationMs: max, StepsPerTask: steps,
    })
    this.note(safe`Simulation ${status.Id}: ${tasks} deployments, ${concurrency} at a time, in ${space.space.Name}.`)
    let lastReport = 0
    while (status.State === 'Running') {
      await new Promise((resolve) => setTimeout(resolve, 250))
      status = await client.get<SimulationStatus>(`/api/sandbox/simulations/${status.Id}`)
      const done = status.TasksCompleted + status.TasksFailed + status.TasksCanceled
      if (!this.isJson && Date.now() - lastReport > 2000) {
        this.note(`  ${done}/${tasks} done, ${status.TasksFailed} failed`)
        lastReport = Date.now()
      }
    }
    if (this.isJson) this.printJson(status)
    else {
      const rows = Object.entries(status.LeasesPerPool).flatMap(([pool, workers]) => Object.entries(workers).map(([worker, count]) => [pool, worker, count]))
      this.print(rows.length ? await renderTable(['POOL', 'WORKER', 'LEASES'], rows, {isTTY: Boolean(process.stdout.isTTY)}) : 'No worker was leased.')
      this.print(`${status.TasksCompleted} succeeded, ${status.TasksFailed} failed, ${status.TasksCanceled} canceled of ${status.Tasks}; ${status.LeasesGranted} leases; largest difference in active leases between a pool's workers at a grant: ${status.MaxLeaseSpread}.`)
      if (status.TasksFailed > 0) this.note(`See the failed tasks' logs, e.g. ${status.FirstTaskId} to ${status.LastTaskId}.`)
    }
    if (status.State === 'Interrupted') throw new CliError('The simulation was interrupted (the sandbox restarted).', ExitCode.Failure)
    if (status.TasksFailed > 0) process.exitCode = ExitCode.Failure
  }
}
