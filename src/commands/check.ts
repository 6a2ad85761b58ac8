import path from 'node:path'
import * as Flags from '@oclif/core/flags'
import {type Rendered} from '../cli/base-command.js'
import {ServerCommand} from '../cli/server-command.js'
import {allSpacesFlag, formatFlag} from '../cli/flags.js'
import {checkEstate} from '../app/check/run.js'
import {ExitCode, type ExitCodeValue} from '../text/errors.js'
import {configArtifactUri} from '../app/check/artifact.js'
import {CONFIG_FILE_NAMES, loadConfig} from '../config/octoworkers-yaml/load.js'
import {FAIL_ON_VALUES, type FailOn} from '../domain/policy/engine.js'
import {CHECK_FORMATS, type CheckOutcome} from '../views/check/formats.js'
import {usageReadNoteLine} from '../views/usage-report.js'
import {writeStarterConfig} from '../config/octoworkers-yaml/starter.js'
import {RULE_IDS} from '../domain/policy/types.js'
import {unreadablePartWarning} from '../views/unreadable-part.js'

export default class Check extends ServerCommand<typeof Check> {
  static override summary = 'Check workers and pools against naming conventions, redundancy and Octopus\'s guidance.'

  static override description = `Reads a snapshot of the server (a fixed number of requests per space, whatever the number of workers) and runs these rules over it:
  ${RULE_IDS.join(', ')}.
The usage/* rules also read what the deployment processes and runbooks run on (a fixed number of list requests per space, plus one per version-controlled project, as \`pool usage\` does); switch all five off in the config and those reads are not made.
Settings come from .octoworkers.yaml in the current directory or a parent (or --config FILE): naming conventions, thresholds, per-pool overrides, severities and ignores. \`check --init\` writes a commented starter file.
Scope: the current space, --space, or --all-spaces. Output: a table grouped by severity (default), --json, or --format junit|sarif|github for CI.
Exit 1 when a finding is at or above --fail-on (default error). A bad config file, an unknown --format, --format with --json (other than --format json), or --space with --all-spaces is exit 2. With --format junit or sarif the summary line goes to stderr; with --format github it is the log's last line.`

  static override examples = [
    '<%= config.bin %> check',
    '<%= config.bin %> check --all-spaces --fail-on warning',
    '<%= config.bin %> check --format junit > octoworkers-check.xml',
    '<%= config.bin %> check --format sarif --all-spaces > octoworkers.sarif',
    '<%= config.bin %> check --init',
  ]

  static override flags = {
    'all-spaces': allSpacesFlag('Check every space (not with --space).'),
    config: Flags.string({description: `Config file (default: ${CONFIG_FILE_NAMES[0]} in the current directory or a parent).`}),
    format: formatFlag(CHECK_FORMATS),
    'fail-on': Flags.option({description: 'Exit 1 when a finding is at or above this severity.', options: FAIL_ON_VALUES, default: 'error' as FailOn})(),
    init: Flags.boolean({description: `Write a commented starter ${CONFIG_FILE_NAMES[0]} (or --config FILE) based on Octopus's guidance, then exit.`}),
    force: Flags.boolean({description: 'With --init: overwrite an existing file.', dependsOn: ['init']}),
  }

  public async run(): Promise<CheckResult> {
    const flags = this.flags
    if (flags.init) {
      const file = path.resolve(this.context.cwd, flags.config ?? CONFIG_FILE_NAMES[0])
      writeStarterConfig(file, flags.force)
      return {kind: 'init', File: file}
    }
    const config = await loadConfig({explicitFile: flags.config, cwd: this.context.cwd})
    const {client} = await this.connect()
    const spaces = await this.connectSpaces(flags['all-spaces'])
    const run = await checkEstate({
      client,
      spaces,
      config,
      failOn: flags['fail-on'],
      onUnavailable: (part, cause) => this.warnUser(unreadablePartWarning(part, cause, 'rules-not-checked')),
      onNote: (note) => this.note(usageReadNoteLine(note)),
    })
    return {kind: 'run', run, config}
  }

  protected override toJson(result: CheckResult): unknown {
    if (result.kind === 'init') return {File: result.File, Written: true}
    return result.run.document
  }

  protected override render(result: CheckResult): Rendered {
    if (result.kind === 'init') return {stdout: `Wrote ${result.File}. Edit it, then run \`${this.config.bin} check\`.`}
    return CHECK_FORMATS.render(this.flags.format, result, {
      ...this.viewContext<CheckOutcome>(),
      toolVersion: this.config.version,
      artifactUri: () => configArtifactUri(result.run.document.ConfigFile, this.context.cwd),
    })
  }

  /** Exit 1 when a finding is at or above --fail-on. */
  protected override exitCodeFor(result: CheckResult): ExitCodeValue {
    return result.kind === 'run' && result.run.document.Failed ? ExitCode.Failure : ExitCode.Success
  }
}

type CheckResult = {kind: 'init'; File: string} | ({kind: 'run'} & CheckOutcome)
