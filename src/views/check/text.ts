/** The human report: findings grouped by severity, then one summary line. */
import stringWidth from 'string-width'
import {terminalSafe} from '../../ui/safe.js'
import {renderTable} from '../../ui/table.js'
import {wrapHelpText} from '../help-text.js'
import type {CheckReport} from '../../domain/policy/engine.js'
import {SEVERITIES, type Severity} from '../../domain/policy/types.js'
import {plural} from '../../text/wording.js'

const HEADINGS: Record<Severity, string> = {error: 'ERRORS', warning: 'WARNINGS', note: 'NOTES'}

export function summaryLine(report: CheckReport, configFile: string | null): string {
  const s = report.Summary
  const counts = s.Errors + s.Warnings + s.Notes === 0 ? 'No findings' : [plural(s.Errors, 'error'), plural(s.Warnings, 'warning'), plural(s.Notes, 'note')].join(', ')
  const scope = `${plural(s.Spaces, 'space')} (${plural(s.Pools, 'pool')}, ${plural(s.Workers, 'worker')})`
  const extras: string[] = []
  if (s.Ignored) extras.push(`${s.Ignored} ignored by ${configFile ?? 'the config file'}`)
  const skipped = report.Rules.filter((r) => r.Status === 'skipped')
  if (skipped.length) extras.push(`not checked: ${skipped.map((r) => `${r.RuleId} (${r.Reason})`).join(', ')}`)
  return `${counts} in ${scope}${extras.length ? `; ${extras.join('; ')}` : ''}.`
}

/** A fix that starts with a program's name (`octoworkers ...`, `helm ...`) is a command to copy. */
const COMMAND = /^[a-z][\w.-]*(?: |$)/
/** A URL that ends a prose fix (`... in the variables of project 'X': https://...`). */
const TRAILING_URL = /\s(https?:\/\/\S+)$/
const FIX_INDENT = '    '
const OWN_LINE_INDENT = '      '

/**
 * A finding's fix on a terminal of `width`: a command or URL is never wrapped or cut (it is copied
 * whole), so one that does not fit beside `Fix:` goes on a line of its own below it, whatever its
 * width; prose wraps to the terminal, hanging under its first word, and a URL that ends it goes
 * on a line of its own.
 */
export function fixLines(fix: string, width: number): string[] {
  const whole = (text: string) => (stringWidth(`${FIX_INDENT}Fix: ${text}`) <= width ? [`${FIX_INDENT}Fix: ${text}`] : [`${FIX_INDENT}Fix:`, `${OWN_LINE_INDENT}${text}`])
  if (COMMAND.test(fix) || /^https?:\/\/\S+$/.test(fix)) return whole(fix)
  const url = TRAILING_URL.exec(fix)
  const prose = url ? fix.slice(0, url.index) : fix
  const lines = wrapHelpText(`${FIX_INDENT}Fix: ${prose}`, width).split('\n')
  return url ? [...lines, `${OWN_LINE_INDENT}${url[1]}`] : lines
}

/**
 * On a terminal each finding is its rule and subject, then its message, both wrapped to the
 * terminal's width, then its fix (fixLines: a command or URL whole on a line of its own), and the
 * summary line wrapped too. Piped, findings stay one untruncated row each, for scripts.
 */
export function renderTextReport(report: CheckReport, opts: {isTTY: boolean; configFile: string | null; width?: number; paintHeading?: (severity: Severity, text: string) => string}): string {
  const blocks: string[] = []
  for (const severity of SEVERITIES) {
    const findings = report.Findings.filter((f) => f.Severity === severity)
    if (findings.length === 0) continue
    const heading = `${HEADINGS[severity]} (${findings.length})`
    if (opts.isTTY) {
      const width = opts.width ?? 80
      const lines = findings.flatMap((f) => [
        wrapHelpText(`  ${terminalSafe(f.RuleId)}  ${terminalSafe(f.Subject)}${f.SpaceName ? ` (${terminalSafe(f.SpaceName)})` : ''}`, width),
        wrapHelpText(`    ${terminalSafe(f.Message)}`, width),
        ...(f.Fix ? fixLines(terminalSafe(f.Fix), width) : []),
      ])
      blocks.push(`${opts.paintHeading ? opts.paintHeading(severity, heading) : heading}\n${lines.join('\n')}\n`)
      continue
    }
    const table = renderTable(
      ['RULE', 'SPACE', 'SUBJECT', 'MESSAGE', 'FIX'],
      findings.map((f) => [f.RuleId, f.SpaceName ?? '(server)', f.Subject, f.Message, f.Fix ?? '']),
      {isTTY: opts.isTTY},
    )
    blocks.push(`${opts.paintHeading ? opts.paintHeading(severity, heading) : heading}\n${table}`)
  }
  // A skipped rule's reason can quote a server's error text.
  const summary = terminalSafe(summaryLine(report, opts.configFile))
  blocks.push((opts.isTTY ? wrapHelpText(summary, opts.width ?? 80) : summary) + '\n')
  return blocks.join('\n')
}
