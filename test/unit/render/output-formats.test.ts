import {describe, expect, it} from 'vitest'
import {plainPaint} from '../../../src/ui/color.js'
import {runCheck} from '../../../src/domain/policy/engine.js'
import {jsonDocument, outputFormats, renderedText, type ViewContext} from '../../../src/views/format.js'
import {CHECK_FORMATS, type CheckOutcome, type CheckViewContext} from '../../../src/views/check/formats.js'
import {LEASE_REPORT_FORMATS} from '../../../src/views/leases/formats.js'
import {POOL_USAGE_FORMATS} from '../../../src/views/usage-report.js'
import Check from '../../../src/commands/check.js'
import LeasesReport from '../../../src/commands/leases/report.js'
import PoolUsage from '../../../src/commands/pool/usage.js'
import {config, pool, snapshot, space, worker} from '../policy/fixtures.js'

const piped = {table: {isTTY: false, width: 80, paint: plainPaint}, paint: plainPaint}

describe('outputFormats: one table from format name to renderer', () => {
  const formats = outputFormats<{n: number}, ViewContext<{n: number}>, 'table' | 'json' | 'csv'>({
    table: ({n}) => ({stdout: `n is ${n}`}),
    json: jsonDocument,
    csv: ({n}) => ({stdout: `n\n${n}\n`, stderr: ['a note']}),
  }, {default: 'table'})
  const context: ViewContext<{n: number}> = {...piped, json: ({n}) => ({N: n, Links: {Self: '/x'}})}

  it('lists the names in the order declared (what --help and the error list), with the default', () => {
    expect(formats.names).toEqual(['table', 'json', 'csv'])
    expect(formats.default).toBe('table')
  })

  it('renders the result in the format chosen', () => {
    expect(formats.render('table', {n: 2}, context)).toEqual({stdout: 'n is 2'})
    expect(formats.render('csv', {n: 2}, context)).toEqual({stdout: 'n\n2\n', stderr: ['a note']})
  })

  it('json is the command\'s --json document, written as --json writes it (Links left out)', () => {
    const rendered = formats.render('json', {n: 2}, context)
    expect(rendered).toEqual({document: {N: 2, Links: {Self: '/x'}}})
    expect(renderedText(rendered)).toBe('{\n  "N": 2\n}\n')
    expect(renderedText(formats.render('csv', {n: 2}, context))).toBe('n\n2\n')
  })

  it('a name outside the table is a programming error, not a silent default', () => {
    expect(() => formats.render('xml' as 'csv', {n: 2}, context)).toThrow("Unknown output format 'xml': expected one of table, json, csv.")
  })
})

describe('the --format flag of each command is its format table', () => {
  it.each([
    ['check', Check, CHECK_FORMATS, ['table', 'json', 'junit', 'sarif', 'github']],
    ['pool usage', PoolUsage, POOL_USAGE_FORMATS, ['table', 'json', 'csv']],
    ['leases report', LeasesReport, LEASE_REPORT_FORMATS, ['table', 'json', 'csv', 'html']],
  ] as const)('%s', (_name, command, formats, names) => {
    const flag = command.flags.format as unknown as {options: readonly string[]; default: string; relationships: unknown[]; description: string}
    expect(formats.names).toEqual(names)
    expect(flag.options).toEqual(formats.names)
    expect(flag.default).toBe('table')
    // The conflict with --json is declared on the flag (the wording is oclif's, tested end to end).
    expect(flag.relationships).toHaveLength(1)
    expect(flag.description).toBe('Output format (not with --json, which is --format json).')
  })
})

describe('check\'s formats', () => {
  const report = runCheck(snapshot([space('Default', [pool('Hosted', {IsDefault: true}), pool('Empty')], [worker('w1', [])])], {builtInWorkerEnabled: true}), config())
  const outcome: CheckOutcome = {
    run: {
      document: {Server: 'https://octopus.example', Spaces: [{Id: 'Spaces-1', Name: 'Default'}], ConfigFile: null, FailOn: 'error', Failed: false, ...report, HttpRequests: 3},
      checkedAt: '2026-03-01T12:00:00',
    },
    config: config(),
  }
  let artifactReads = 0
  const context: CheckViewContext = {...piped, json: () => ({}), toolVersion: '1.2.3', artifactUri: () => { artifactReads++; return '.octoworkers.yaml' }}

  it('the summary line goes to stderr beside the files CI stores (JUnit, SARIF), and nowhere else', () => {
    const summary = (format: 'table' | 'junit' | 'sarif' | 'github') => CHECK_FORMATS.render(format, outcome, context).stderr ?? []
    expect(summary('junit')).toHaveLength(1)
    expect(summary('sarif')).toEqual(summary('junit'))
    expect(summary('table')).toEqual([])
    expect(summary('github')).toEqual([])
    // In GitHub's annotations it is the log's last line.
    expect(CHECK_FORMATS.render('github', outcome, context).stdout!.trimEnd().split('\n').at(-1)).toBe(summary('junit')[0])
  })

  it('only SARIF looks for the repository root (a read of the disk)', () => {
    artifactReads = 0
    for (const format of ['table', 'junit', 'github'] as const) CHECK_FORMATS.render(format, outcome, context)
    expect(artifactReads).toBe(0)
    const sarif = JSON.parse(CHECK_FORMATS.render('sarif', outcome, context).stdout!)
    expect(artifactReads).toBe(1)
    expect(sarif.runs[0].tool.driver.version).toBe('1.2.3')
  })
})
