/**
 * SARIF 2.1.0. The subjects are Octopus resources, not files, so results carry logical locations
 * (`Space/Subject`, kind `resource`) rather than physical ones.
 */
import type * as Sarif from 'sarif'
import {RULES} from '../../policy/rules/index.js'
import type {CheckReport} from '../../policy/engine.js'

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json'
export const GUIDANCE_URI = 'https://octopus.com/docs/getting-started/best-practices/worker-configuration'

export function renderSarif(report: CheckReport, opts: {toolVersion: string; server: string}): Sarif.Log {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]))
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'octoworkers',
          version: opts.toolVersion,
          rules: RULES.map((r) => {
            const status = report.Rules.find((s) => s.RuleId === r.id)
            return {
              id: r.id,
              name: r.id.replace(/[/-](\w)/g, (_m, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase()),
              shortDescription: {text: r.title},
              fullDescription: {text: r.rationale},
              helpUri: GUIDANCE_URI,
              defaultConfiguration: {level: r.defaultSeverity, enabled: status?.Status !== 'off'},
            }
          }),
        },
      },
      invocations: [{
        executionSuccessful: true,
        toolExecutionNotifications: report.Rules.filter((r) => r.Status === 'skipped').map((r) => ({
          level: 'note',
          message: {text: `${r.RuleId} not checked: ${r.Reason}`},
          associatedRule: {id: r.RuleId, index: ruleIndex.get(r.RuleId)},
        })),
      }],
      results: report.Findings.map((f) => ({
        ruleId: f.RuleId,
        ruleIndex: ruleIndex.get(f.RuleId),
        level: f.Severity,
        kind: 'fail',
        message: {text: f.Fix ? `${f.Message} Fix: ${f.Fix}` : f.Message},
        locations: [{
          logicalLocations: [{
            name: f.Subject,
            fullyQualifiedName: f.SpaceName ? `${f.SpaceName}/${f.Subject}` : f.Subject,
            kind: 'resource',
          }],
        }],
        partialFingerprints: {'octoworkersSubject/v1': `${f.RuleId}|${f.SpaceId ?? ''}|${f.SubjectId ?? f.Subject}`},
        properties: {spaceId: f.SpaceId, spaceName: f.SpaceName, subjectId: f.SubjectId, fix: f.Fix},
      })),
      properties: {server: opts.server},
    }],
  }
}
