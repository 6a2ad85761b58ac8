/**
 * JUnit XML for CI servers: one <testsuite> per rule and one <testcase> per rule and subject.
 * Findings at or above --fail-on are <failure>s (so the CI's verdict agrees with the exit code);
 * findings below it pass with the message in <system-out>. A rule with no findings is one passing
 * test case, and a rule that could not run is a <skipped> one.
 */
import {isAtOrAbove, type CheckReport, type FailOn} from '../../domain/policy/engine.js'
import type {Finding} from '../../domain/policy/types.js'
import {terminalSafe} from '../../ui/safe.js'

/**
 * Text for XML element content. Characters XML 1.0 does not allow at all (most C0 controls, such
 * as ESC in a hostile pool name) cannot even be written as references, so they are shown escaped
 * the way the terminal shows them (`\e`, `\x07`): the report stays well-formed and the reader
 * still sees that the name held one. A CR is written as a reference, or parsers would turn it into LF.
 */
export function xmlEscape(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, (c) => terminalSafe(c))
    .replace(/[\uFFFE\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
}

/** Text for an attribute value: also LF and TAB as references, which attribute normalisation would turn into spaces. */
export function xmlAttr(text: string): string {
  return xmlEscape(text).replace(/\n/g, '&#10;').replace(/\t/g, '&#9;')
}

interface Case {
  name: string
  body: string
  failed: boolean
  skipped: boolean
}

function caseName(f: Finding): string {
  const subject = f.SubjectId ? `${f.Subject} (${f.SubjectId})` : f.Subject
  return f.SpaceName ? `${f.SpaceName} / ${subject}` : subject
}

function findingText(f: Finding): string {
  return `${f.Message}${f.Fix ? `\nFix: ${f.Fix}` : ''}`
}

export function renderJunit(report: CheckReport, opts: {failOn: FailOn; timestamp?: string}): string {
  const suites: string[] = []
  let totalTests = 0
  let totalFailures = 0
  let totalSkipped = 0
  for (const rule of report.Rules) {
    const findings = report.Findings.filter((f) => f.RuleId === rule.RuleId)
    const cases: Case[] = []
    if (rule.Status !== 'ran') {
      cases.push({name: rule.Title, body: `<skipped message="${xmlAttr(rule.Reason ?? rule.Status)}"/>`, failed: false, skipped: true})
    } else if (findings.length === 0) {
      cases.push({name: rule.Title, body: '', failed: false, skipped: false})
    } else {
      for (const f of findings) {
        const failed = isAtOrAbove(f.Severity, opts.failOn)
        const body = failed
          ? `<failure message="${xmlAttr(f.Message)}" type="${f.Severity}">${xmlEscape(findingText(f))}</failure>`
          : `<system-out>${xmlEscape(`${f.Severity}: ${findingText(f)}`)}</system-out>`
        cases.push({name: caseName(f), body, failed, skipped: false})
      }
    }
    const failures = cases.filter((c) => c.failed).length
    const skipped = cases.filter((c) => c.skipped).length
    totalTests += cases.length
    totalFailures += failures
    totalSkipped += skipped
    const classname = `octoworkers.check.${rule.RuleId.replace('/', '.')}`
    const body = cases
      .map((c) => `    <testcase classname="${xmlAttr(classname)}" name="${xmlAttr(c.name)}" time="0"${c.body ? `>\n      ${c.body}\n    </testcase>` : '/>'}`)
      .join('\n')
    suites.push(`  <testsuite name="${xmlAttr(rule.RuleId)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="0"${opts.timestamp ? ` timestamp="${opts.timestamp}"` : ''}>\n${body}\n  </testsuite>`)
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="octoworkers check" tests="${totalTests}" failures="${totalFailures}" errors="0" skipped="${totalSkipped}" time="0">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n')
}
