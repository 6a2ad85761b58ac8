/**
 * SARIF 2.1.0, in the subset GitHub code scanning takes. The subjects are Octopus resources, not
 * files: each result keeps its logical location (`Space/Subject`, kind `resource`) and has a
 * physical one too, which code scanning requires: the config file, at the line of the setting
 * that produced the finding (src/domain/policy/source.ts), else line 1. Code scanning tells results
 * apart by `partialFingerprints.primaryLocationLineHash`; many findings share a line here, so the
 * hash is made from the finding's identity (rule, space, subject), stable across runs, instead of
 * being left to the uploader to compute from the line's text.
 */
import {createHash} from 'node:crypto'
import type * as Sarif from 'sarif'
import type {PolicyConfig} from '../../config/octoworkers-yaml/load.js'
import {RULES} from '../../domain/policy/rules/index.js'
import {findingSourceLine} from '../../domain/policy/source.js'
import type {CheckReport} from '../../domain/policy/engine.js'
import type {Finding} from '../../domain/policy/types.js'

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json'
export const GUIDANCE_URI = 'https://octopus.com/docs/getting-started/best-practices/worker-configuration'

/** Code scanning shows at most this much of a rule's fullDescription. */
export const FULL_DESCRIPTION_LIMIT = 1000

function identity(f: Finding): string {
  return `${f.RuleId}|${f.SpaceId ?? ''}|${f.SubjectId ?? f.Subject}`
}

export function renderSarif(report: CheckReport, opts: {toolVersion: string; server: string; config: PolicyConfig; artifactUri: string}): Sarif.Log {
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
              fullDescription: {text: r.rationale.length > FULL_DESCRIPTION_LIMIT ? `${r.rationale.slice(0, FULL_DESCRIPTION_LIMIT - 1)}…` : r.rationale},
              help: {text: `${r.rationale} Octopus's guidance: ${GUIDANCE_URI}`, markdown: `${r.rationale}\n\nOctopus's guidance: [worker configuration](${GUIDANCE_URI})`},
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
          physicalLocation: {
            artifactLocation: {uri: opts.artifactUri},
            region: {startLine: findingSourceLine(f, opts.config)},
          },
          logicalLocations: [{
            name: f.Subject,
            fullyQualifiedName: f.SpaceName ? `${f.SpaceName}/${f.Subject}` : f.Subject,
            kind: 'resource',
          }],
        }],
        partialFingerprints: {
          primaryLocationLineHash: `${createHash('sha256').update(identity(f)).digest('hex').slice(0, 16)}:1`,
          'octoworkersSubject/v1': identity(f),
        },
        properties: {spaceId: f.SpaceId, spaceName: f.SpaceName, subjectId: f.SubjectId, fix: f.Fix},
      })),
      properties: {server: opts.server},
    }],
  }
}
