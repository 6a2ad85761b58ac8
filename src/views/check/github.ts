/** GitHub Actions workflow commands: `::error title=...::message` per finding, shown as annotations. */
import type {CheckReport} from '../../domain/policy/engine.js'
import type {Severity} from '../../domain/policy/types.js'
import {terminalSafe} from '../../ui/safe.js'

const COMMAND: Record<Severity, string> = {error: 'error', warning: 'warning', note: 'notice'}

/** Escaping from the Actions toolkit: message data escapes %, CR, LF; properties also `:` and `,`. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/**
 * Each finding is one workflow command, its data escaped as GitHub's spec says (%25, %0D, %0A) so a
 * newline in a server's name cannot end the command and start a forged one. The summary is a
 * plain log line, but it can quote a server's reason for a rule not running: a newline in it is
 * shown escaped, so no line of ours can be made to start with `::`.
 */
export function renderGithub(report: CheckReport, summary: string): string {
  const lines = report.Findings.map((f) => {
    const subject = f.SpaceName ? `${f.SpaceName}/${f.Subject}` : f.Subject
    const message = f.Fix ? `${f.Message}\nFix: ${f.Fix}` : f.Message
    return `::${COMMAND[f.Severity]} title=${escapeProperty(`${f.RuleId} ${subject}`)}::${escapeData(message)}`
  })
  return [...lines, terminalSafe(summary), ''].join('\n')
}
