import path from 'node:path'
import {Flags} from '@oclif/core'
import {type Rendered} from '../cli/base-command.js'
import {ServerCommand} from '../cli/server-command.js'
import {allSpacesFlag, formatFlag} from '../cli/flags.js'
import {CHECK_FORMATS, checkEstate, chooseCheckFormat, type CheckFormat, type CheckRun} from '../app/check/run.js'
import {ExitCode, type ExitCodeValue} from '../text/errors.js'
import {configArtifactUri} from '../app/check/artifact.js'
import {CONFIG_FILE_NAMES, loadConfig, type PolicyConfig} from '../config/octoworkers-yaml/load.js'
import {FAIL_ON_VALUES, type FailOn} from '../domain/policy/engine.js'
import {allSpaceContexts} from '../app/estate/spaces.js'
import {renderGithub} from '../views/check/github.js'
import {renderJunit} from '../views/check/junit.js'
import {renderSarif} from '../views/check/sarif.js'
import {renderTextReport, summaryLine} from '../views/check/text.js'
import {writeStarterConfig} from '../config/octoworkers-yaml/starter.js'
import {RULE_IDS} from '../domain/policy/types.js'
import {jsonText} from '../ui/output.js'
import {safe, terminalSafe} from '../ui/safe.js'

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
    format: formatFlag({description: 'Output format (default table; not with --json, which is --format json).', options: CHECK_FORMATS}),
    'fail-on': Flags.option({description: 'Exit 1 when a finding is at or above this severity.', options: FAIL_ON_VALUES, default: 'error' as FailOn})(),
    init: Flags.boolean({description: `Write a commented starter ${CONFIG_FILE_NAMES[0]} (or --config FILE) based on Octopus's guidance, then exit.`}),
    force: Flags.boolean({description: 'With --init: overwrite an existing file.', dependsOn: ['init']}),
  }

  public async run(): Promise<CheckResult> {
    const flags = this.flags
    if (flags.init) {
      const file = path.resolve(flags.config ?? CONFIG_FILE_NAMES[0])
      writeStarterConfig(file, flags.force)
      return {kind: 'init', File: file}
    }
    const format = chooseCheckFormat(flags.format, this.isJson)
    const config = await loadConfig({explicitFile: flags.config, cwd: this.context.cwd})
    const {client} = await this.connect()
    const spaces = flags['all-spaces'] ? await allSpaceContexts(client) : [(await this.connectSpace()).space]
    const run = await checkEstate({
      client,
      spaces,
      config,
      failOn: flags['fail-on'],
      onUnavailable: (what, why) => this.warnUser(safe`could not read the ${what} (${why}); the rules that need it are not checked.`),
      onNote: (text) => this.note(`Note: ${text}.`),
    })
    return {kind: 'run', format, run, config}
  }

  protected override toJson(result: CheckResult): unknown {
    if (result.kind === 'init') return {File: result.File, Written: true}
    const {run} = result
    return {
      Server: run.Server,
      Spaces: run.Spaces,
      ConfigFile: run.ConfigFile,
      FailOn: run.FailOn,
      Failed: run.Failed,
      Summary: run.report.Summary,
      Findings: run.report.Findings,
      Ignored: run.report.Ignored,
      Rules: run.report.Rules,
      HttpRequests: run.HttpRequests,
    }
  }

  protected override render(result: CheckResult): Rendered {
    if (result.kind === 'init') return {stdout: `Wrote ${result.File}. Edit it, then run \`${this.config.bin} check\`.`}
    const {run, format} = result
    const summary = summaryLine(run.report, run.ConfigFile)
    switch (format) {
      case 'json':
        return {stdout: jsonText(this.toJson(result))}
      case 'junit':
        return {stdout: renderJunit(run.report, {failOn: run.FailOn, timestamp: run.CheckedAt}), stderr: [terminalSafe(summary)]}
      case 'sarif':
        return {stdout: JSON.stringify(renderSarif(run.report, {toolVersion: this.config.version, server: run.Server, config: result.config, artifactUri: configArtifactUri(run.ConfigFile, this.context.cwd)}), null, 2), stderr: [terminalSafe(summary)]}
      case 'github':
        // The summary is the last line of the log itself: once, not again on stderr.
        return {stdout: renderGithub(run.report, summary)}
      default: {
        const paint = this.io.paint
        const headingColour = {error: paint.red, warning: paint.yellow, note: paint.cyan}
        return {stdout: renderTextReport(run.report, {
          isTTY: this.io.stdout.isTTY,
          width: this.io.columns,
          configFile: run.ConfigFile,
          paintHeading: (severity, text) => paint.bold(headingColour[severity](text)),
        })}
      }
    }
  }

  /** Exit 1 when a finding is at or above --fail-on. */
  protected override exitCodeFor(result: CheckResult): ExitCodeValue {
    return result.kind === 'run' && result.run.Failed ? ExitCode.Failure : ExitCode.Success
  }
}

type CheckResult = {kind: 'init'; File: string} | {kind: 'run'; format: CheckFormat; run: CheckRun; config: PolicyConfig}
