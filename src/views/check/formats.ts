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
  table: ({run: {document}}, {table, paint}) => {
    const headingColour = {error: paint.red, warning: paint.yellow, note: paint.cyan}
    return {stdout: renderTextReport(document, {
      isTTY: table.isTTY,
      width: table.width,
      configFile: document.ConfigFile,
      paintHeading: (severity, text) => paint.bold(headingColour[severity](text)),
    })}
  },
  json: jsonDocument,
  junit: ({run: {document, checkedAt}}) => ({stdout: renderJunit(document, {failOn: document.FailOn, timestamp: checkedAt}), stderr: [terminalSafe(summaryLine(document, document.ConfigFile))]}),
  sarif: ({run: {document}, config}, context) => ({
    stdout: JSON.stringify(renderSarif(document, {toolVersion: context.toolVersion, server: document.Server, config, artifactUri: context.artifactUri()}), null, 2),
    stderr: [terminalSafe(summaryLine(document, document.ConfigFile))],
  }),
  // The summary is the last line of the log itself: once, not again on stderr.
  github: ({run: {document}}) => ({stdout: renderGithub(document, summaryLine(document, document.ConfigFile))}),
}, {default: 'table'})
