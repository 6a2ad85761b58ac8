/**
 * `check`'s formats: a table grouped by severity for people, the --json document, and three for
 * CI (JUnit, SARIF, GitHub workflow commands). The summary line goes to stderr beside the files
 * CI stores (JUnit, SARIF); in GitHub's annotations it is the log's last line itself.
 */
import type {CheckRun} from '../../app/check/run.js'
import type {PolicyConfig} from '../../config/octoworkers-yaml/load.js'
import {terminalSafe} from '../../ui/safe.js'
import {jsonDocument, outputFormats, type ViewContext} from '../format.js'
import {renderGithub} from './github.js'
import {renderJunit} from './junit.js'
import {renderSarif} from './sarif.js'
import {renderTextReport, summaryLine} from './text.js'

/** What `check`'s formats print: the run, and the settings it ran with (SARIF describes the rules from them). */
export interface CheckOutcome {
  run: CheckRun
  config: PolicyConfig
}

export interface CheckViewContext extends ViewContext<CheckOutcome> {
  /** This tool's version, which SARIF names. */
  toolVersion: string
  /** The config file as SARIF's artifact: a URI relative to the repository root (read from disk only when asked). */
  artifactUri(): string
}

export const CHECK_FORMATS = outputFormats<CheckOutcome, CheckViewContext, 'table' | 'json' | 'junit' | 'sarif' | 'github'>({
  table: ({run}, {table, paint}) => {
    const headingColour = {error: paint.red, warning: paint.yellow, note: paint.cyan}
    return {stdout: renderTextReport(run.report, {
      isTTY: table.isTTY,
      width: table.width,
      configFile: run.ConfigFile,
      paintHeading: (severity, text) => paint.bold(headingColour[severity](text)),
    })}
  },
  json: jsonDocument,
  junit: ({run}) => ({stdout: renderJunit(run.report, {failOn: run.FailOn, timestamp: run.CheckedAt}), stderr: [terminalSafe(summaryLine(run.report, run.ConfigFile))]}),
  sarif: ({run, config}, context) => ({
    stdout: JSON.stringify(renderSarif(run.report, {toolVersion: context.toolVersion, server: run.Server, config, artifactUri: context.artifactUri()}), null, 2),
    stderr: [terminalSafe(summaryLine(run.report, run.ConfigFile))],
  }),
  // The summary is the last line of the log itself: once, not again on stderr.
  github: ({run}) => ({stdout: renderGithub(run.report, summaryLine(run.report, run.ConfigFile))}),
}, {default: 'table'})
