/** The human report: findings grouped by severity, then one summary line. */
import {terminalSafe} from '../../ui/safe.js'
import {renderTable} from '../../ui/table.js'
import {wrapHelpText} from '../help-text.js'
import type {CheckReport} from '../../domain/policy/engine.js'
import {SEVERITIES, type Severity} from '../../domain/policy/types.js'

const HEADINGS: Record<Severity, string> = {error: 'ERRORS', warning: 'WARNINGS', note: 'NOTES'}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

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

/**
 * On a terminal each finding is its rule and subject on one line, then its message wrapped to the
 * terminal's width, then its fix on a line of its own (never wrapped or cut: it is a command to
 * copy). Piped, findings stay one untruncated row each, for scripts.
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
        `  ${terminalSafe(f.RuleId)}  ${terminalSafe(f.Subject)}${f.SpaceName ? ` (${terminalSafe(f.SpaceName)})` : ''}`,
        wrapHelpText(`    ${terminalSafe(f.Message)}`, width),
        ...(f.Fix ? [`    Fix: ${terminalSafe(f.Fix)}`] : []),
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
  blocks.push(terminalSafe(summaryLine(report, opts.configFile)) + '\n')
  return blocks.join('\n')
}
