/**
 * Runs every rule over a snapshot and applies the configuration: severity overrides (`off`
 * switches a rule off), then ignores. Pure: no I/O.
 */
import type {IgnoreEntry, PolicyConfig} from '../../config/octoworkers-yaml/load.js'
import {globMatches} from './glob.js'
import {RULES} from './rules/index.js'
import type {Snapshot} from '../estate/types.js'
import {SEVERITIES, type Finding, type RuleId, type Severity} from './types.js'

export interface RuleStatus {
  RuleId: RuleId
  Title: string
  DefaultSeverity: Severity
  /** The configured severity override, or null. */
  ConfiguredSeverity: Severity | 'off' | null
  /** `ran`, `off` (switched off in the config) or `skipped` (missing data or configuration; see Reason). */
  Status: 'ran' | 'off' | 'skipped'
  Reason: string | null
  Findings: number
}

export interface IgnoredFinding extends Finding {
  IgnoredBy: IgnoreEntry
}

export interface CheckSummary {
  Errors: number
  Warnings: number
  Notes: number
  Ignored: number
  Spaces: number
  Pools: number
  Workers: number
}

export interface CheckReport {
  Findings: Finding[]
  Ignored: IgnoredFinding[]
  Rules: RuleStatus[]
  Summary: CheckSummary
}

export type FailOn = 'error' | 'warning' | 'never'
export const FAIL_ON_VALUES: readonly FailOn[] = ['error', 'warning', 'never']

export function runCheck(snapshot: Snapshot, config: PolicyConfig): CheckReport {
  const findings: Finding[] = []
  const ignored: IgnoredFinding[] = []
  const rules: RuleStatus[] = []
  for (const rule of RULES) {
    const configured = config.severities[rule.id] ?? null
    const status: RuleStatus = {RuleId: rule.id, Title: rule.title, DefaultSeverity: rule.defaultSeverity, ConfiguredSeverity: configured, Status: 'ran', Reason: null, Findings: 0}
    rules.push(status)
    if (configured === 'off') {
      status.Status = 'off'
      status.Reason = 'switched off in the config file'
      continue
    }
    const reason = rule.unavailable?.({snapshot, config})
    if (reason) {
      status.Status = 'skipped'
      status.Reason = reason
      continue
    }
    for (const raw of rule.run({snapshot, config})) {
      const finding: Finding = configured ? {...raw, Severity: configured} : raw
      const by = config.ignores.find((entry) => ignoreMatches(entry, finding))
      if (by) ignored.push({...finding, IgnoredBy: by})
      else {
        findings.push(finding)
        status.Findings++
      }
    }
  }
  findings.sort(compareFindings)
  return {
    Findings: findings,
    Ignored: ignored,
    Rules: rules,
    Summary: {
      Errors: findings.filter((f) => f.Severity === 'error').length,
      Warnings: findings.filter((f) => f.Severity === 'warning').length,
      Notes: findings.filter((f) => f.Severity === 'note').length,
      Ignored: ignored.length,
      Spaces: snapshot.spaces.length,
      Pools: snapshot.spaces.reduce((n, s) => n + s.pools.length, 0),
      Workers: snapshot.spaces.reduce((n, s) => n + s.workers.length, 0),
    },
  }
}

function ignoreMatches(entry: IgnoreEntry, finding: Finding): boolean {
  if (!globMatches(entry.rule, finding.RuleId)) return false
  if (!globMatches(entry.subject, finding.Subject) && !(finding.SubjectId && globMatches(entry.subject, finding.SubjectId))) return false
  if (entry.space === undefined) return true
  return [finding.SpaceName, finding.SpaceId].some((s) => s !== null && globMatches(entry.space!, s))
}

const ruleOrder = new Map(RULES.map((r, i) => [r.id, i]))

function compareFindings(a: Finding, b: Finding): number {
  return SEVERITIES.indexOf(a.Severity) - SEVERITIES.indexOf(b.Severity)
    || ruleOrder.get(a.RuleId)! - ruleOrder.get(b.RuleId)!
    || (a.SpaceName ?? '').localeCompare(b.SpaceName ?? '')
    || a.Subject.localeCompare(b.Subject)
}

/** Whether a finding is at or above the `--fail-on` level. */
export function isAtOrAbove(severity: Severity, failOn: FailOn): boolean {
  if (failOn === 'never') return false
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(failOn)
}

export function checkFailed(report: CheckReport, failOn: FailOn): boolean {
  return report.Findings.some((f) => isAtOrAbove(f.Severity, failOn))
}
