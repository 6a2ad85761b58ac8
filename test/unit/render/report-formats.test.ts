import {XMLParser, XMLValidator} from 'fast-xml-parser'
import {describe, expect, it} from 'vitest'
import {csvField} from '../../../src/ui/csv.js'
import {runCheck} from '../../../src/domain/policy/engine.js'
import {renderGithub} from '../../../src/views/check/github.js'
import {renderJunit, xmlAttr, xmlEscape} from '../../../src/views/check/junit.js'
import {renderSarif} from '../../../src/views/check/sarif.js'
import {renderTextReport} from '../../../src/views/check/text.js'
import {config, pool, snapshot, space, worker} from '../policy/fixtures.js'

/**
 * Machine formats escape server strings per their own rules, so a hostile pool
 * name cannot forge a GitHub workflow command, break a JUnit file, or run as a spreadsheet formula.
 */
const ESC = '\u001B'
const FORGER = 'evil\n::error title=forged::forged annotation'
const SCREEN_CLEARER = `ansi${ESC}[2J\u0007`

function hostileReport() {
  const forger = pool(FORGER, {IsDefault: true})
  const clearer = pool(SCREEN_CLEARER)
  return runCheck(snapshot([space('Default', [forger, clearer], [worker('w1', [clearer])])], {builtInWorkerEnabled: true}), config())
}

describe('GitHub workflow commands', () => {
  it('a newline in a pool name does not end the command: every line is one of ours', () => {
    const report = hostileReport()
    expect(report.Findings.some((f) => f.Subject === FORGER)).toBe(true)
    const lines = renderGithub(report, 'summary').trimEnd().split('\n')
    expect(lines).toHaveLength(report.Findings.length + 1)
    const commands = lines.slice(0, -1)
    expect(commands.every((l) => /^::(error|warning|notice) title=/.test(l))).toBe(true)
    expect(commands.some((l) => l.includes('evil%0A%3A%3Aerror title=forged%3A%3Aforged annotation'))).toBe(true)
  })

  it('a newline in the summary (which can quote a server\'s reason) cannot start a command line', () => {
    const lines = renderGithub(hostileReport(), 'not checked: naming/pool (server said: x\n::error::forged)').trimEnd().split('\n')
    expect(lines.filter((l) => l.startsWith('::error::forged'))).toEqual([])
    expect(lines.at(-1)).toBe('not checked: naming/pool (server said: x\\n::error::forged)')
  })
})

describe('JUnit XML', () => {
  it('stays well-formed with control characters in names, and keeps what they were visible', () => {
    const xml = renderJunit(hostileReport(), {failOn: 'warning'})
    expect(XMLValidator.validate(xml)).toBe(true)
    expect(xml).not.toContain(ESC)
    expect(xml).toContain('ansi\\e[2J\\x07')
    const doc = new XMLParser({ignoreAttributes: false, processEntities: true, htmlEntities: true}).parse(xml)
    const cases = [doc.testsuites.testsuite].flat().flatMap((s: {testcase: unknown}) => [s.testcase].flat()) as Array<Record<string, string>>
    expect(cases.some((c) => c['@_name']?.includes('evil\n::error'))).toBe(true)
  })

  it('writes newlines, tabs and CRs in attributes as references, so attribute normalisation keeps them', () => {
    expect(xmlAttr('a\nb\tc\rd')).toBe('a&#10;b&#9;c&#13;d')
    expect(xmlEscape(`x${ESC}y<z>`)).toBe('x\\ey&lt;z&gt;')
  })
})

describe('SARIF', () => {
  it('is JSON, so the exact names survive and no raw control character is written', () => {
    const text = JSON.stringify(renderSarif(hostileReport(), {toolVersion: '0.0.0', server: 'https://octopus.example.com', config: config(), artifactUri: '.octoworkers.yaml'}))
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u001F]/)
    expect(text).toContain(JSON.stringify(FORGER).slice(1, -1))
  })
})

describe('CSV', () => {
  it('keeps a newline inside its quoted field', () => {
    expect(csvField('evil\nError: forged')).toBe('"evil\nError: forged"')
  })

  it.each(['=HYPERLINK("http://evil","x")', '+1+1', '-2+3', '@SUM(A1)', '\tx'])('neutralises a name that a spreadsheet would run as a formula: %j', (name) => {
    const field = csvField(name)
    expect(field.replace(/^"/, '').startsWith("'")).toBe(true)
  })

  it('never prefixes numbers', () => {
    expect(csvField(-3)).toBe('-3')
    expect(csvField('Default Worker Pool')).toBe('Default Worker Pool')
  })
})

describe('the check table report', () => {
  it('escapes names in cells and a server reason in the summary line', async () => {
    const report = hostileReport()
    const skipped = {...report, Rules: report.Rules.map((r) => (r.RuleId === 'naming/pool' ? {...r, Status: 'skipped' as const, Reason: 'server said: x\nError: forged'} : r))}
    const text = renderTextReport(skipped, {isTTY: false, configFile: null})
    expect(text).not.toContain(ESC)
    expect(text.split('\n').filter((l) => l.startsWith('Error:') || l.startsWith('::'))).toEqual([])
    expect(text).toContain('server said: x\\nError: forged')
  })
})
