import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {allSpacesFlag, formatFlag} from '../../cli/flags.js'
import {usageError} from '../../text/errors.js'
import {poolUsage} from '../../app/usage/report.js'
import {POOL_USAGE_FORMATS, type PoolUsageOutcome} from '../../views/usage-report.js'
import {unreadablePartWarning} from '../../views/unreadable-part.js'
import {RUNS_ON_WORKER_HELP} from '../../domain/usage/runs-on-worker.js'

export default class PoolUsage extends ServerCommand<typeof PoolUsage> {
  static override summary = 'Which deployment and runbook steps run on each worker pool, in which environment, in which container.'

  static override description = `For each pool named: every action of the current deployment processes and runbooks that runs on it, with its project, process, step, and how it gets there:
  direct    the step's worker pool (WorkerPoolId);
  variable  the step's worker pool variable (a WorkerPool variable of the project or an included library set); one row per pool its values resolve to, with the environments (and channels) where they do: the most specifically scoped value wins;
  default   no pool set: the space's default pool, or the built-in worker when that pool has no workers (said so).
Disabled steps are shown as disabled; environment and channel restrictions and the execution container (image and feed) are shown.
A runbook step's environments are its runbook's (All, the Specified list, or the environments of its project's lifecycles) with the step's own restrictions, however it reaches its pool; --environment keeps a row only where it can run. A runbook whose lifecycles cannot be read shows 'project lifecycles (not resolved)' and is kept for every environment its step allows.
Without a pool: every pool with its counts (actions direct, via variable, via default; projects; containers), and the pools nothing uses.

${RUNS_ON_WORKER_HELP}

Not seen: version-controlled projects are read on their default branch only (and marked); runbooks stored in git, tenant-supplied pool values and the frozen processes of releases and runbook snapshots are not read (said once, with counts). A server without runbooks (before Octopus 2019.11: its root links none) is asked for none, and that is said once.
Problems (a pool variable with no value for an environment, a pool that no longer exists, a step with both a pool and a pool variable) are listed on stderr and in --json Problems.

Cost: a fixed number of list requests per space (projects, deployment processes, runbooks, runbook processes, environments, channels, library variable sets, variable sets, feeds, pools and their summary; lifecycles only when a runbook is scoped to its project's lifecycles), plus one per version-controlled project; never one per project or runbook.`

  static override examples = [
    '<%= config.bin %> pool usage',
    '<%= config.bin %> pool usage "Production Database Omaha Worker Pool"',
    '<%= config.bin %> pool usage "Azure Central US Production Worker Pool" --environment Production',
    '<%= config.bin %> pool usage --all-spaces --json',
    '<%= config.bin %> pool usage "Staging Linux Worker Pool" --format csv > usage.csv',
  ]

  static override strict = false

  static override args = {
    pool: Args.string({description: 'Pool names or IDs (default: a summary of every pool).', required: false}),
  }

  static override flags = {
    'all-spaces': allSpacesFlag('Every space (not with --space); a pool name then matches in each space that has it.'),
    environment: Flags.string({description: 'Only what runs in this environment (name or ID).'}),
    format: formatFlag(POOL_USAGE_FORMATS),
  }

  public async run(): Promise<PoolUsageOutcome> {
    const names = this.argValues
    const flags = this.flags
    if (flags.environment !== undefined && flags.environment.trim() === '') throw usageError('--environment needs an environment name or ID.')

    const {client} = await this.connect()
    const spaces = await this.connectSpaces(flags['all-spaces'])
    const result = await poolUsage(spaces, {
      names,
      environment: flags.environment,
      onUnavailable: (part, cause) => this.warnUser(unreadablePartWarning(part, cause, 'left-out')),
    })
    return {report: {...result.report, HttpRequests: client.requestCount}, request: result.request, poolsWithoutWorkers: result.poolsWithoutWorkers}
  }

  protected override toJson({report}: PoolUsageOutcome): unknown {
    return report
  }

  protected override render(result: PoolUsageOutcome): Rendered {
    return POOL_USAGE_FORMATS.render(this.flags.format, result, this.viewContext())
  }
}
