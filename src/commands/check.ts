import path from 'node:path'
import {Flags} from '@oclif/core'
import {EXIT_CODES_HELP} from '../base-command.js'
import {ServerCommand} from '../server-command.js'
import {ExitCode, usageError} from '../lib/errors.js'
import {CONFIG_FILE_NAMES, loadConfig} from '../lib/policy/config.js'
import {checkFailed, FAIL_ON_VALUES, runCheck, type FailOn} from '../lib/policy/engine.js'
import {readSnapshot} from '../lib/estate/read.js'
import {allSpaceContexts} from '../lib/estate/spaces.js'
import {renderGithub} from '../lib/render/check/github.js'
import {renderJunit} from '../lib/render/check/junit.js'
import {renderSarif} from '../lib/render/check/sarif.js'
import {renderTextReport, summaryLine} from '../lib/render/check/text.js'
import {writeStarterConfig} from '../lib/policy/starter.js'
import {RULE_IDS} from '../lib/policy/types.js'
import {usageRulesEnabled} from '../lib/policy/rules/usage.js'
import {paint} from '../lib/render/color.js'
import {safe} from '../lib/render/safe.js'

const FORMATS = ['table', 'json', 'junit', 'sarif', 'github'] as const

export default class Check extends ServerCommand<typeof Check> {
  static override summary = 'Check workers and pools against naming conventions, redundancy and Octopus\'s guidance.'

  static override description = `Reads a snapshot of the server (a fixed number of requests per space, whatever the number of workers) and runs these rules over it:
  ${RULE_IDS.join(', ')}.
The usage/* rules also read what the deployment processes and runbooks run on (a fixed number of list requests per space, plus one per version-controlled project, as \`pool usage\` does); switch all five off in the config and those reads are not made.
Settings come from .octoworkers.yaml in the current directory or a parent (or --config FILE): naming conventions, thresholds, per-pool overrides, severities and ignores. \`check --init\` writes a commented starter file.
Scope: the current space, --space, or --all-spaces. Output: a table grouped by severity (default), --json, or --format junit|sarif|github for CI.
Exit 1 when a finding is at or above --fail-on (default error). A bad config file, an unknown --format, or --space with --all-spaces is exit 2.

${EXIT_CODES_HELP}`

  static override examples = [
    '<%= config.bin %> check',
    '<%= config.bin %> check --all-spaces --fail-on warning',
    '<%= config.bin %> check --format junit > octoworkers-check.xml',
    '<%= config.bin %> check --format sarif --all-spaces > octoworkers.sarif',
    '<%= config.bin %> check --init',
  ]

  static override flags = {
    'all-spaces': Flags.boolean({description: 'Check every space (not with --space).'}),
    config: Flags.string({description: `Config file (default: ${CONFIG_FILE_NAMES[0]} in the current directory or a parent).`}),
    format: Flags.string({description: 'Output format.', options: [...FORMATS], default: 'table'}),
    'fail-on': Flags.string({description: 'Exit 1 when a finding is at or above this severity.', options: [...FAIL_ON_VALUES], default: 'error'}),
    init: Flags.boolean({description: `Write a commented starter ${CONFIG_FILE_NAMES[0]} (or --config FILE) based on Octopus's guidance, then exit.`}),
    force: Flags.boolean({description: 'With --init: overwrite an existing file.'}),
  }

  public async run(): Promise<void> {
    const flags = this.flags
    if (flags.init) {
      const file = path.resolve(flags.config ?? CONFIG_FILE_NAMES[0])
      writeStarterConfig(file, flags.force)
      if (this.isJson) this.printJson({File: file, Written: true})
      else this.print(`Wrote ${file}. Edit it, then run \`${this.config.bin} check\`.`)
      return
    }
    if (flags.force) throw usageError('--force only goes with --init.')
    if (flags['all-spaces'] && flags.space !== undefined) throw usageError('--space and --all-spaces cannot be used together.', {hint: 'Give one space with --space, or every space with --all-spaces.'})
    const format = flags.json ? 'json' : (flags.format as (typeof FORMATS)[number])
    if (flags.json && flags.format !== 'table' && flags.format !== 'json') throw usageError(`--json and --format ${flags.format} cannot be used together.`)
    const failOn = flags['fail-on'] as FailOn
    const config = await loadConfig({explicitFile: flags.config, cwd: process.cwd()})

    const {client} = await this.connect()
    const spaces = flags['all-spaces'] ? await allSpaceContexts(client) : [(await this.connectSpace()).space]
    const snapshot = await readSnapshot(client, spaces, {usage: usageRulesEnabled(config.severities), onUnavailable: (what, why) => this.warnUser(safe`could not read the ${what} (${why}); the rules that need it are not checked.`)})
    const report = runCheck(snapshot, config)
    const failed = checkFailed(report, failOn)
    const summary = summaryLine(report, config.file)

    switch (format) {
      case 'json':
        this.printJson({
          Server: client.server,
          Spaces: snapshot.spaces.map((s) => s.space),
          ConfigFile: config.file,
          FailOn: failOn,
          Failed: failed,
          Summary: report.Summary,
          Findings: report.Findings,
          Ignored: report.Ignored,
          Rules: report.Rules,
          HttpRequests: client.requestCount,
        })
        break
      case 'junit':
        this.print(renderJunit(report, {failOn, timestamp: new Date().toISOString().replace(/\.\d+Z$/, '')}))
        break
      case 'sarif':
        this.print(JSON.stringify(renderSarif(report, {toolVersion: this.config.version, server: client.server}), null, 2))
        break
      case 'github':
        this.print(renderGithub(report, summary))
        break
      default: {
        const headingColour = {error: paint.red, warning: paint.yellow, note: paint.cyan}
        this.print(await renderTextReport(report, {
          isTTY: Boolean(process.stdout.isTTY),
          configFile: config.file,
          paintHeading: (severity, text) => paint.bold(headingColour[severity](text)),
        }))
      }
    }
    if (format !== 'table' && format !== 'json') this.note(summary)
    if (failed) process.exitCode = ExitCode.Failure
  }
}
