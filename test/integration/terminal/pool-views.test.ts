import stringWidth from 'string-width'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson, runCli} from '../../helpers/cli.js'
import {runInPty} from '../../helpers/pty.js'
import {startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {cliEnv, createPool, createWorker, setWorkerDisabled} from '../check/estate.js'

/**
 * The pool views and `check` as a user sees them in a terminal of 80 and of 100 columns (a real
 * pseudo-terminal): no line is wider than the terminal but a whole URL or command on a line of its
 * own, nothing is cut with `…`, and every name in a table reads whole once its wrapped lines are
 * put back together.
 */
const OMAHA = 'Production Database Omaha Worker Pool'
const ALL_DISABLED = 'Retired Windows Worker Pool'

/** A line wider than the terminal is allowed only when it is one whole URL or command. */
function isWholeUrlOrCommand(line: string): boolean {
  const text = line.trim()
  return /^https?:\/\/\S+$/.test(text) || /^(?:octoworkers|helm) \S/.test(text)
}

function expectFits(screen: string, columns: number): void {
  for (const line of screen.split('\n')) {
    if (stringWidth(line) > columns) expect(isWholeUrlOrCommand(line), `wider than ${columns}: ${JSON.stringify(line)}`).toBe(true)
  }
  expect(screen).not.toContain('…')
}

/**
 * The cells of one column of a table, each put back together from the lines it wrapped onto. A
 * row starts on a line with text under `anchor`, a column never wrapped (a count, a health, the
 * process); the lines after it up to the next row are its continuation lines. Whitespace is left
 * out, since a cell may break at a space or inside a word.
 */
function columnCells(screen: string, opts: {firstHeading: string; heading: string; anchor: string}): string[] {
  const lines = screen.split('\n')
  const header = lines.findIndex((l) => l.startsWith(`${opts.firstHeading} `))
  expect(header, screen).toBeGreaterThanOrEqual(0)
  const starts = [...lines[header].matchAll(/\S+/g)].map((m) => m.index)
  const heads = lines[header].trim().split(/\s+/)
  const at = starts[heads.indexOf(opts.heading)]
  const end = starts[heads.indexOf(opts.heading) + 1] ?? Number.POSITIVE_INFINITY
  const anchorAt = starts[heads.indexOf(opts.anchor)]
  const cells: string[] = []
  for (const line of lines.slice(header + 1)) {
    // The table ends at a blank line, or where stderr's lines follow it on the screen.
    if (line.trim() === '' || /^(?:Warning|Note):/.test(line)) break
    const piece = line.slice(at, end).trim()
    if (line.slice(anchorAt, anchorAt + opts.anchor.length).trim() !== '') cells.push(piece)
    else cells[cells.length - 1] += piece
  }
  return cells.map((c) => c.replace(/\s/g, ''))
}

const squeeze = (names: string[]) => names.map((n) => n.replace(/\s/g, ''))

describe('pool views and check in a terminal of 80 and 100 columns', () => {
  let sandbox: Sandbox
  const env = () => cliEnv(sandbox)

  beforeAll(async () => {
    sandbox = await startTestSandbox({seed: 'demo'})
    // A pool whose only worker is disabled: counted as DISABLED, not called empty.
    const pool = await createPool(sandbox, 'Spaces-1', ALL_DISABLED)
    const worker = await createWorker(sandbox, 'Spaces-1', 'retired-win-01', [pool.Id])
    await setWorkerDisabled(sandbox, 'Spaces-1', worker.Id, true)
  })
  afterAll(async () => sandbox?.close())

  for (const columns of [80, 100]) {
    describe(`${columns} columns`, () => {
      it('pool list: numeric health columns, whole names, and what gave way said under the table', async () => {
        const pools = parseJson<Array<{Name: string}>>(await runCli(['pool', 'list', '--json'], {env: env()}))
        const {screen, exitCode} = await runInPty(['pool', 'list'], env(), [], 60_000, {columns})
        expect(exitCode, screen).toBe(0)
        expectFits(screen, columns)
        const header = screen.split('\n').find((l) => l.startsWith('NAME '))!
        expect(header.split(/ {2,}/)).toEqual(expect.arrayContaining(['WORKERS', 'HEALTHY', 'UNHEALTHY', 'UNKNOWN', 'DISABLED']))
        expect(header).not.toMatch(/\bHEALTH\b/)
        expect(columnCells(screen, {firstHeading: 'NAME', heading: 'NAME', anchor: 'HEALTHY'})).toEqual(squeeze(pools.map((p) => p.Name)))
        expect(screen.replace(/\s+/g, ' ')).toContain('--wide shows every column')
        expect(screen).not.toMatch(/\bnone\b/)
      })

      it('pool list --all-spaces: pool names whole beside the SPACE column', async () => {
        const pools = parseJson<Array<{Name: string; SpaceName: string}>>(await runCli(['pool', 'list', '--all-spaces', '--json'], {env: env()}))
        const {screen, exitCode} = await runInPty(['pool', 'list', '--all-spaces'], env(), [], 60_000, {columns})
        expect(exitCode, screen).toBe(0)
        expectFits(screen, columns)
        const column = (heading: string) => columnCells(screen, {firstHeading: 'SPACE', heading, anchor: 'HEALTHY'})
        expect(column('SPACE')).toEqual(squeeze(pools.map((p) => p.SpaceName)))
        expect(column('NAME')).toEqual(squeeze(pools.map((p) => p.Name)))
      })

      it('pool view: the breakdown says it counts enabled workers, lines fit, the workers table wraps', async () => {
        const {screen, exitCode} = await runInPty(['pool', 'view', OMAHA], env(), [], 60_000, {columns})
        expect(exitCode, screen).toBe(0)
        expectFits(screen, columns)
        expect(screen).toContain('(enabled workers only)')
        expect(screen).toMatch(/Workers: +4 \(3 enabled, 1 disabled\)/)
        expect(columnCells(screen, {firstHeading: 'NAME', heading: 'NAME', anchor: 'HEALTH'})).toEqual(squeeze(['p-db-omaha-worker-01', 'p-db-omaha-worker-02', 'p-db-omaha-worker-03', 'tmp-box']))
        expect(columnCells(screen, {firstHeading: 'NAME', heading: 'ENDPOINT', anchor: 'HEALTH'})[0]).toBe('https://p-db-omaha-worker-01.corp.example:10933/')
      })

      it('pool usage POOL: the pool named once, no POOL column, text columns whole', async () => {
        const {screen, exitCode} = await runInPty(['pool', 'usage', OMAHA], env(), [], 60_000, {columns})
        expect(exitCode, screen).toBe(0)
        expectFits(screen, columns)
        expect(screen).toContain(`Pool '${OMAHA}': 3 rows`)
        const header = screen.split('\n').find((l) => l.startsWith('PROJECT '))!
        expect(header.split(/ {2,}/)[0]).toBe('PROJECT')
        expect(header).not.toMatch(/\bPOOL\b/)
        const column = (heading: string) => columnCells(screen, {firstHeading: 'PROJECT', heading, anchor: 'PROCESS'})
        expect(column('PROJECT')).toEqual(squeeze(['Billing Database', 'Billing Database', 'Billing Database']))
        expect(column('STEP')).toEqual(squeeze(['Back up database', 'Run migrations', 'Rebuild indexes']))
        expect(column('VIA')[0]).toBe(squeeze(['variable Shared.DatabasePool (Worker Pools)'])[0])
        expect(column('NOTES')[2]).toBe('stepdisabled')
      })

      it('pool usage: a used pool with no workers says so in NOTES; disabled steps are steps', async () => {
        const {screen, exitCode} = await runInPty(['pool', 'usage'], env(), [], 60_000, {columns})
        expect(exitCode, screen).toBe(0)
        expectFits(screen, columns)
        const notes = columnCells(screen, {firstHeading: 'POOL', heading: 'NOTES', anchor: 'DIRECT'})
        const pools = columnCells(screen, {firstHeading: 'POOL', heading: 'POOL', anchor: 'DIRECT'})
        expect(notes[pools.indexOf('EmptyWindowsWorkerPool')]).toBe('NOWORKERS:itsstepsfail')
        expect(notes[pools.indexOf('ProductionDatabaseOmahaWorkerPool')]).toBe('1disabledstep')
      })

      it('check: findings, fixes and the summary fit; a command fix is whole on a line of its own', async () => {
        const {screen} = await runInPty(['check'], env(), [], 60_000, {columns})
        expectFits(screen, columns)
        const lines = screen.split('\n')
        const fixes = lines.filter((l) => l.trim().startsWith('octoworkers worker register '))
        expect(fixes.length).toBeGreaterThan(0)
        for (const fix of fixes) expect(lines[lines.indexOf(fix) - 1].trim()).toBe('Fix:')
        const summaryStart = lines.findIndex((l) => /^\d+ errors?, \d+ warnings?, \d+ notes? in /.test(l))
        expect(summaryStart, screen).toBeGreaterThanOrEqual(0)
        expect(lines.slice(summaryStart).join(' ')).toContain('not checked: naming/worker')
        expect(screen).toContain('1 step action runs on pool')
      })
    })
  }

  it('pool list --wide keeps every column in a narrow terminal', async () => {
    const {screen, exitCode} = await runInPty(['pool', 'list', '--wide'], env(), [], 60_000, {columns: 80})
    expect(exitCode, screen).toBe(0)
    const header = screen.split('\n').find((l) => l.startsWith('NAME '))!
    expect(header.split(/ {2,}/)).toEqual(['NAME', 'TYPE', 'DEFAULT', 'WORKERS', 'AVAILABLE', 'HEALTHY', 'WARNINGS', 'UNHEALTHY', 'UNAVAILABLE', 'UNKNOWN', 'DISABLED'])
  })
})
