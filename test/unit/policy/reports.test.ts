import {XMLParser, XMLValidator} from 'fast-xml-parser'
import {describe, expect, it} from 'vitest'
import {checkFailed, runCheck} from '../../../src/domain/policy/engine.js'
import {escapeData, escapeProperty, renderGithub} from '../../../src/views/check/github.js'
import {renderJunit} from '../../../src/views/check/junit.js'
import {renderSarif} from '../../../src/views/check/sarif.js'
import {fixLines, renderTextReport, summaryLine} from '../../../src/views/check/text.js'
import stringWidth from 'string-width'
import {RULE_IDS} from '../../../src/domain/policy/types.js'
import {cleanSpace, config, pool, snapshot, space, worker} from './fixtures.js'
import {githubCodeScanningProblems, sarifSchemaProblems} from '../../helpers/sarif.js'
import {parseConfig} from '../../../src/config/octoworkers-yaml/load.js'

const validateSarif = sarifSchemaProblems

/** An estate with an error (empty default pool), a warning (one-worker pool) and a note (dynamic pool), and awkward characters. */
function messyReport(cfg = config()) {
  const def = pool('Default Worker Pool', {IsDefault: true})
  const lonely = pool('R&D <"Lonely">, pool: 1')
  const dyn = pool('Hosted Ubuntu', {WorkerPoolType: 'DynamicWorkerPool'})
  const snap = snapshot([space('Default', [def, lonely, dyn], [worker('w1', [lonely])])], {builtInWorkerEnabled: true})
  return runCheck(snap, cfg)
}

describe('JUnit', () => {
  it('is well-formed XML with one suite per rule and one case per rule and subject', () => {
    const report = messyReport()
    const xml = renderJunit(report, {failOn: 'error'})
    expect(XMLValidator.validate(xml)).toBe(true)
    const doc = new XMLParser({ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name)}).parse(xml)
    const suites = doc.testsuites.testsuite
    expect(suites.map((s: any) => s.name)).toEqual([...RULE_IDS])
    const minWorkers = suites.find((s: any) => s.name === 'redundancy/min-workers')
    const names = minWorkers.testcase.map((c: any) => c.name).sort()
    expect(names).toEqual([expect.stringMatching(/^Default \/ Default Worker Pool \(WorkerPools-\d+\)$/), expect.stringMatching(/^Default \/ R&D <"Lonely">, pool: 1 \(WorkerPools-\d+\)$/)])
    // errors fail at --fail-on error; warnings pass with their message in system-out
    const failures = suites.flatMap((s: any) => s.testcase.filter((c: any) => c.failure))
    expect(failures.length).toBe(report.Summary.Errors)
    expect(Number(doc.testsuites.failures)).toBe(report.Summary.Errors)
    expect(Number(doc.testsuites.tests)).toBe(suites.reduce((n: number, s: any) => n + s.testcase.length, 0))
    const skipped = suites.filter((s: any) => s.testcase.some((c: any) => c.skipped !== undefined)).map((s: any) => s.name)
    expect(skipped).toEqual(['naming/worker', 'naming/pool', 'usage/pool-without-workers', 'usage/missing-variable-value', 'usage/default-pool', 'usage/unused-pool', 'usage/no-execution-container'])
  })

  it('--fail-on warning turns warnings into failures too', () => {
    const report = messyReport()
    const xml = renderJunit(report, {failOn: 'warning'})
    const failures = (xml.match(/<failure /g) ?? []).length
    expect(failures).toBe(report.Summary.Errors + report.Summary.Warnings)
  })
})

describe('SARIF', () => {
  const sarifOf = (report = messyReport(), cfg = config()) => renderSarif(report, {toolVersion: '0.1.0', server: 'https://octopus.example.com', config: cfg, artifactUri: '.octoworkers.yaml'}) as any

  it('validates against the full SARIF 2.1.0 schema with rules, levels and logical locations', () => {
    const report = messyReport()
    const sarif = sarifOf(report)
    expect(validateSarif(sarif)).toEqual([])
    const run = sarif.runs[0]
    expect(run.tool.driver.rules.map((r: any) => r.id)).toEqual([...RULE_IDS])
    expect(run.results.length).toBe(report.Findings.length)
    for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId)
    expect(new Set(run.results.map((r: any) => r.level))).toEqual(new Set(['error', 'warning', 'note']))
    expect(run.results[0].locations[0].logicalLocations[0]).toMatchObject({kind: 'resource', fullyQualifiedName: expect.stringMatching(/^Default\//)})
  })

  it('meets GitHub code scanning\'s upload requirements: every result has a physical location in the config file', () => {
    const report = messyReport()
    const sarif = sarifOf(report)
    expect(githubCodeScanningProblems(sarif)).toEqual([])
    for (const result of sarif.runs[0].results) {
      expect(result.locations[0].physicalLocation).toEqual({artifactLocation: {uri: '.octoworkers.yaml'}, region: {startLine: 1}})
    }
    // Findings on one line are still told apart: the line hash comes from the finding's identity.
    const hashes = sarif.runs[0].results.map((r: any) => r.partialFingerprints.primaryLocationLineHash)
    expect(new Set(hashes).size).toBe(hashes.length)
    expect(hashes.every((h: string) => /^[0-9a-f]{16}:1$/.test(h))).toBe(true)
    expect(sarifOf(report).runs[0].results.map((r: any) => r.partialFingerprints)).toEqual(sarif.runs[0].results.map((r: any) => r.partialFingerprints))
  })

  it('each result points at the line of the setting that produced it', async () => {
    const cfg = await parseConfig([
      '# policy',
      'thresholds:',
      '  minWorkers: 2',
      'pools:',
      '  "R&D*":',
      '    minWorkers: 3',
      'severities:',
      '  dynamic/in-use: note',
    ].join('\n'), '/repo/.octoworkers.yaml')
    const report = messyReport(cfg)
    const lines = new Map<string, number>(sarifOf(report, cfg).runs[0].results.map((r: any) => [`${r.ruleId} ${r.locations[0].logicalLocations[0].name}`, r.locations[0].physicalLocation.region.startLine]))
    expect(lines.get('redundancy/min-workers Default Worker Pool')).toBe(3)
    expect(lines.get('redundancy/min-workers R&D <"Lonely">, pool: 1')).toBe(5)
    expect(lines.get('dynamic/in-use Hosted Ubuntu')).toBe(8)
    // A rule with no setting of its own in the file: the file as a whole, line 1.
    const builtin = [...lines].filter(([key]) => key.startsWith('builtin/enabled '))
    expect(builtin.map(([, line]) => line)).toEqual([1])
  })

  it('the schema and the GitHub requirements really reject malformed logs', () => {
    const sarif = sarifOf()
    sarif.runs[0].results[0].level = 'fatal'
    delete sarif.runs[0].tool.driver.name
    expect(validateSarif(sarif).length).toBeGreaterThanOrEqual(2)
    const logicalOnly = sarifOf()
    delete logicalOnly.runs[0].results[0].locations[0].physicalLocation
    logicalOnly.runs[0].results[1].locations[0].physicalLocation.artifactLocation.uri = 'file:///home/me/.octoworkers.yaml'
    // Valid SARIF, and yet code scanning rejects it: the schema alone is not enough.
    expect(validateSarif(logicalOnly)).toEqual([])
    expect(githubCodeScanningProblems(logicalOnly)).toEqual([
      'runs[0].results[0].locations[0].physicalLocation is required (code scanning: "expected artifact location")',
      'runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri is required',
      'runs[0].results[0].locations[0].physicalLocation.region.startLine is required',
      "runs[0].results[1].locations[0] uri 'file:///home/me/.octoworkers.yaml' must be relative to the repository root (no file:/// or absolute path)",
    ])
  })
})

describe('GitHub annotations', () => {
  it('one workflow command per finding, escaped', () => {
    const report = messyReport()
    const lines = renderGithub(report, summaryLine(report, null)).trimEnd().split('\n')
    expect(lines).toHaveLength(report.Findings.length + 1)
    expect(lines[0]).toMatch(/^::error title=redundancy\/min-workers Default\/Default Worker Pool::Pool 'Default Worker Pool' has 0/)
    expect(lines.some((l) => l.startsWith('::warning title=redundancy/min-workers Default/R&D <"Lonely">%2C pool%3A 1::'))).toBe(true)
    expect(lines.some((l) => l.startsWith('::notice title=dynamic/in-use'))).toBe(true)
    expect(lines.every((l, i) => i === lines.length - 1 || !l.slice(2).includes('\n'))).toBe(true)
    expect(escapeData('50%\r\nnext')).toBe('50%25%0D%0Anext')
    expect(escapeProperty('a: b, c')).toBe('a%3A b%2C c')
  })
})

describe('table report and fail-on', () => {
  it('groups by severity and ends with a summary line', async () => {
    const text = renderTextReport(messyReport(), {isTTY: false, configFile: null})
    const headings = text.split('\n').filter((l) => /^(ERRORS|WARNINGS|NOTES) \(\d+\)$/.test(l))
    expect(headings).toEqual(['ERRORS (1)', 'WARNINGS (3)', 'NOTES (1)'])
    expect(text.trimEnd().split('\n').at(-1)).toBe('1 error, 3 warnings, 1 note in 1 space (3 pools, 1 worker); not checked: naming/worker (conventions.worker is not configured), naming/pool (conventions.pool is not configured), ' +
      ['usage/pool-without-workers', 'usage/missing-variable-value', 'usage/default-pool', 'usage/unused-pool', 'usage/no-execution-container'].map((id) => `${id} (the deployment processes and runbooks were not read)`).join(', ') + '.')
  })

  it('on a terminal: rule and subject, the message and the summary wrapped to the width, a command or URL fix whole on a line of its own', async () => {
    const report = messyReport()
    const width = 50
    const text = renderTextReport(report, {isTTY: true, configFile: null, width})
    const lines = text.trimEnd().split('\n')
    expect(lines.filter((l) => /^(ERRORS|WARNINGS|NOTES) \(\d+\)$/.test(l))).toEqual(['ERRORS (1)', 'WARNINGS (3)', 'NOTES (1)'])
    const flat = text.replace(/\s+/g, ' ')
    const commands = report.Findings.map((f) => f.Fix).filter((fix): fix is string => fix !== null && /^[a-z][\w.-]* /.test(fix))
    expect(commands.length).toBeGreaterThan(0)
    for (const finding of report.Findings) {
      expect(flat).toContain(`${finding.RuleId} ${finding.Subject}`)
      expect(flat).toContain(finding.Message.replace(/\s+/g, ' '))
    }
    for (const command of commands) {
      const at = lines.findIndex((l) => l === `    Fix: ${command}` || l.trim() === command)
      expect(at, command).toBeGreaterThanOrEqual(0)
      if (lines[at].trim() === command) expect(lines[at - 1]).toBe('    Fix:')
    }
    // Nothing wider than the terminal but a command or URL on a line of its own.
    for (const line of lines) if (stringWidth(line) > width) expect(commands.includes(line.trim()) || /^https?:\/\/\S+$/.test(line.trim()), line).toBe(true)
    // The summary line is wrapped too.
    expect(flat).toContain(summaryLine(report, null).replace(/\s+/g, ' '))
    expect(text).not.toContain('…')
  })

  it('a prose fix wraps to the width and the URL that ends it has a line of its own', () => {
    const url = 'https://octopus.example.test/app#/Spaces-1/projects/Projects-2/variables'
    const lines = fixLines(`Give 'Project.RefreshPool' a WorkerPool value scoped to Production in the variables of project 'Billing Database': ${url}`, 60)
    expect(lines.at(-1)).toBe(`      ${url}`)
    for (const line of lines.slice(0, -1)) expect(line.length).toBeLessThanOrEqual(60)
    expect(lines[0]).toMatch(/^ {4}Fix: Give/)
    expect(fixLines('octoworkers builtin-worker disable', 60)).toEqual(['    Fix: octoworkers builtin-worker disable'])
  })

  it('a clean estate says so', async () => {
    const report = runCheck(snapshot([cleanSpace()]), config())
    expect(renderTextReport(report, {isTTY: false, configFile: null})).toMatch(/^No findings in 1 space \(2 pools, 2 workers\)/)
  })

  it('--fail-on decides failure', () => {
    const report = messyReport()
    expect(checkFailed(report, 'error')).toBe(true)
    expect(checkFailed(report, 'never')).toBe(false)
    const warningsOnly = runCheck(snapshot([cleanSpace()], {builtInWorkerEnabled: true}), config())
    expect(checkFailed(warningsOnly, 'error')).toBe(false)
    expect(checkFailed(warningsOnly, 'warning')).toBe(true)
  })
})
