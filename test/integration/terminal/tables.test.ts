import stringWidth from 'string-width'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson, runCli} from '../../helpers/cli.js'
import {runInPty} from '../../helpers/pty.js'
import {startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {cliEnv, createPool, createWorker} from '../check/estate.js'

/**
 * Tables as a user sees them in a terminal of a fixed size: the CLI runs under a pseudo-terminal
 * of 80 and of 100 columns and must fit it, aligned by display width (a CJK and an emoji name are
 * added to the demo estate), while the same command piped prints every cell whole.
 */
const CJK_POOL = '東京ビルドワーカー'
const CJK_WORKER = '東京-ワーカー-01'
const EMOJI_WORKER = '🚀-deploy-worker'

const graphemes = new Intl.Segmenter(undefined, {granularity: 'grapheme'})

/** The text shown between two display columns (0-based, end excluded) of a line. */
function displaySlice(line: string, from: number, to: number): string {
  let at = 0
  let out = ''
  for (const {segment} of graphemes.segment(line)) {
    if (at >= from && at < to) out += segment
    at += stringWidth(segment)
  }
  return out
}

/** The display column where each heading starts. */
function headingColumns(header: string, head: string[]): number[] {
  return head.map((h) => stringWidth(header.slice(0, header.indexOf(h))))
}

/**
 * Every row's cells start exactly at the header's columns: two blanks before each, and the cell's
 * first character at the column (or nothing at all for an empty cell). A row padded by string
 * length instead of display width would start its next cell late and fail here.
 */
function expectAligned(rows: string[], columns: number[]): void {
  for (const row of rows) {
    columns.forEach((column, k) => {
      if (k === 0 || stringWidth(row) < column) return
      const cell = displaySlice(row, column, (columns[k + 1] ?? Number.POSITIVE_INFINITY) - 2)
      const where = `column ${column} of ${JSON.stringify(row)}`
      expect(displaySlice(row, column - 2, column), where).toBe('  ')
      if (cell.trim() !== '') expect(cell.startsWith(' '), where).toBe(false)
    })
  }
}

function tableLines(screen: string, firstHeading: string): string[] {
  const lines = screen.replace(/\n+$/, '').split('\n')
  const header = lines.findIndex((l) => l.startsWith(firstHeading))
  expect(header, screen).toBeGreaterThanOrEqual(0)
  return lines.slice(header)
}

describe('tables in a terminal of a fixed size', () => {
  let sandbox: Sandbox
  const env = () => cliEnv(sandbox)

  beforeAll(async () => {
    sandbox = await startTestSandbox({seed: 'demo'})
    const pool = await createPool(sandbox, 'Spaces-1', CJK_POOL)
    await createWorker(sandbox, 'Spaces-1', CJK_WORKER, [pool.Id], 'tokyo-01.example.test')
    await createWorker(sandbox, 'Spaces-1', EMOJI_WORKER, [pool.Id], 'rocket.example.test')
  })
  afterAll(async () => sandbox?.close())

  // `pool list`, whose names wrap rather than being cut, is tested in pool-views.test.ts.
  const commands = [
    {args: ['worker', 'list'], head: ['NAME', 'TYPE', 'HEALTH', 'DISABLED', 'POOLS', 'ENDPOINT']},
  ]

  for (const {args, head} of commands) {
    describe(args.join(' '), () => {
      const widths: Record<number, number> = {}

      for (const columns of [80, 100]) {
        it(`fits ${columns} columns: plain aligned columns, no borders, one line per item, text cut with …`, async () => {
          const count = (parseJson(await runCli([...args, '--json'], {env: env()})) as unknown[]).length
          const {screen, exitCode} = await runInPty(args, env(), [], 60_000, {columns})
          expect(exitCode, screen).toBe(0)
          const [header, ...rows] = tableLines(screen, 'NAME')
          expect(header).toMatch(new RegExp(`^${head.join('\\s+')}$`))
          expect(rows).toHaveLength(count)
          for (const line of [header, ...rows]) expect(stringWidth(line), line).toBeLessThanOrEqual(columns)
          expect(screen).not.toMatch(/[─│┌┐└┘├┤┼]/)
          expect(rows.some((r) => r.includes('…')), screen).toBe(true)
          expectAligned(rows, headingColumns(header, head))
          // The CJK and emoji rows are there, cut or whole, and aligned like the rest.
          expect(rows.some((r) => r.startsWith('東京-'))).toBe(true)
          expect(rows.some((r) => r.startsWith('🚀'))).toBe(true)
          widths[columns] = Math.max(...[header, ...rows].map((l) => stringWidth(l)))
        })
      }

      it('uses the room a wider terminal gives', () => {
        expect(widths[80]).toBeGreaterThan(70)
        expect(widths[100]).toBeGreaterThan(80)
      })

      it('piped: tab-separated values, every cell whole, the same columns', async () => {
        const result = await runCli(args, {env: env()})
        expect(result.exitCode, result.stderr).toBe(0)
        expect(result.stdout).not.toContain('…')
        const [header, ...rows] = tableLines(result.stdout, 'NAME').map((l) => l.split('\t'))
        expect(header).toEqual(head)
        for (const row of rows) expect(row).toHaveLength(head.length)
        expect(rows.some((r) => r[0] === CJK_WORKER)).toBe(true)
        expect(rows.some((r) => r[0] === EMOJI_WORKER)).toBe(true)
        expect(rows.some((r) => r[4].split(', ').includes(CJK_POOL))).toBe(true)
        expect(rows.some((r) => r[5] === 'https://tokyo-01.example.test:10933/')).toBe(true)
      })
    })
  }
})
