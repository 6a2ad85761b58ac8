import {Args, Flags} from '@oclif/core'
import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {allSpacesFlag, formatFlag} from '../../cli/flags.js'
import {usageError} from '../../text/errors.js'
import {allSpaceContexts} from '../../app/estate/spaces.js'
import {renderTable} from '../../ui/table.js'
import {jsonTextWithoutLinks} from '../../ui/output.js'
import {terminalSafe} from '../../ui/safe.js'
import {poolsCsv, poolsTable, poolUsage, problemLines, usageCsv, usageTable, type PoolUsageResult} from '../../views/usage-report.js'
import {RUNS_ON_WORKER_HELP} from '../../domain/usage/runs-on-worker.js'

const FORMATS = ['table', 'json', 'csv'] as const
type Format = (typeof FORMATS)[number]

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
    format: formatFlag({description: 'Output format (not with --json, which is --format json).', options: FORMATS, default: 'table'}),
  }

  public async run(): Promise<PoolUsageResult & {format: Format; httpRequests: number}> {
    const names = this.argValues
    const flags = this.flags
    if (flags.environment !== undefined && flags.environment.trim() === '') throw usageError('--environment needs an environment name or ID.')
    const format: Format = flags.json ? 'json' : flags.format

    const {client} = await this.connect()
    const spaces = flags['all-spaces'] ? await allSpaceContexts(client) : [(await this.connectSpace()).space]
    const result = await poolUsage(spaces, {
      names,
      environment: flags.environment,
      onUnavailable: (what, why) => this.warnUser(`could not read the ${what} (${why}); what depends on it is left out.`),
    })
    return {...result, format, httpRequests: client.requestCount}
  }

  protected override toJson({report, httpRequests}: PoolUsageResult & {httpRequests: number}): unknown {
    return {...report, HttpRequests: httpRequests}
  }

  protected override render(result: PoolUsageResult & {format: Format; httpRequests: number}): Rendered {
    const {report, names, environment, withSpace, format} = result
    // --format json without --json: the same document.
    if (format === 'json') return {stdout: jsonTextWithoutLinks(this.toJson(result))}
    let stdout: string
    if (format === 'csv') stdout = names.length ? usageCsv(report) : poolsCsv(report)
    else {
      const tableOptions = this.io.table
      if (!names.length) {
        const summary = poolsTable(report, withSpace)
        stdout = renderTable(summary.head, summary.rows, tableOptions).trimEnd()
      } else if (report.Usage.length === 0) {
        stdout = `No step ${environment ? `that runs in ${environment} ` : ''}uses ${report.Pools.map((p) => `'${terminalSafe(p.PoolName)}'`).join(', ')}.`
      } else {
        const table = usageTable(report, withSpace)
        stdout = renderTable(table.head, table.rows, tableOptions).trimEnd()
      }
    }
    const stderr: string[] = []
    if (report.Problems.length) {
      stderr.push(`${this.io.paint.yellow('Warning:')} ${report.Problems.length} problem${report.Problems.length === 1 ? '' : 's'} found:`)
      stderr.push(...problemLines(report.Problems))
    }
    stderr.push(`Note: ${report.Gaps.Note}`)
    return {stdout, stderr}
  }
}
