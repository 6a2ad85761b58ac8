import stringWidth from 'string-width'
import {terminalSafeBlock} from '../../../src/ui/safe.js'
import {describe, expect, it} from 'vitest'
import {createPaint} from '../../../src/ui/color.js'
import {fitColumns, renderTable, terminalColumns, truncateToWidth} from '../../../src/ui/table.js'

const ESC = '\u001B'
// eslint-disable-next-line no-control-regex
const SGR = /\u001B\[[0-9;]*m/g


/** The display column at which `text` starts in `line` (CJK and emoji count two). */
function columnOf(line: string, text: string): number {
  const at = line.indexOf(text)
  expect(at, `${JSON.stringify(text)} in ${JSON.stringify(line)}`).toBeGreaterThanOrEqual(0)
  return stringWidth(line.slice(0, at))
}

function lines(text: string): string[] {
  return text.trimEnd().split('\n')
}

const HEAD = ['NAME', 'TYPE', 'WORKERS', 'ENDPOINT']
const ROWS = [
  ['東京ワーカー-01', 'Listening', 3, 'https://tokyo-worker-01.corp.example:10933/'],
  ['🚀-rocket-worker', 'SSH', 12, 'ssh://rocket.corp.example:22/'],
  ['plain-worker-with-a-rather-long-name', 'Polling', 0, 'poll://abcdefghijklmnopqrst/'],
]

describe('truncateToWidth', () => {
  it('leaves text that fits alone', () => {
    expect(truncateToWidth('worker-01', 9)).toBe('worker-01')
    expect(truncateToWidth('東京', 4)).toBe('東京')
  })

  it('cuts by display width and ends in one ellipsis', () => {
    expect(truncateToWidth('worker-01', 6)).toBe('worke…')
    expect(stringWidth(truncateToWidth('worker-01', 6))).toBe(6)
  })

  it('never splits a wide character: the cut stops one cell short instead', () => {
    // 東京ワーカー is 12 cells; 7 cells hold 東京ワ (6) and the ellipsis.
    expect(truncateToWidth('東京ワーカー', 7)).toBe('東京ワ…')
    // 6 cells: 東京ワ would leave no room for the ellipsis, so 東京 (4) + … = 5 cells.
    expect(truncateToWidth('東京ワーカー', 6)).toBe('東京…')
  })

  it('keeps an emoji sequence whole (one grapheme, two cells)', () => {
    const family = '👩‍👩‍👧'
    expect(stringWidth(family)).toBe(2)
    expect(truncateToWidth(`${family}${family}${family}`, 5)).toBe(`${family}${family}…`)
    expect(truncateToWidth(`${family}${family}${family}`, 4)).toBe(`${family}…`)
  })

  it('a width of 1 leaves only the ellipsis, 0 nothing', () => {
    expect(truncateToWidth('abc', 1)).toBe('…')
    expect(truncateToWidth('abc', 0)).toBe('')
  })
})

describe('fitColumns', () => {
  const all = (n: number) => Array.from({length: n}, () => true)

  it('keeps natural widths when the table fits', () => {
    expect(fitColumns([10, 5, 20], {width: 39, truncatable: all(3), minimum: [4, 4, 4]})).toEqual([10, 5, 20])
  })

  it('takes the excess from the widest truncatable column first', () => {
    // 10 + 5 + 20 + 2 gaps of 2 = 39; at 34 the widest (20) gives up 5.
    expect(fitColumns([10, 5, 20], {width: 34, truncatable: all(3), minimum: [4, 4, 4]})).toEqual([10, 5, 15])
  })

  it('levels the widest columns down together once they meet', () => {
    expect(fitColumns([4, 12, 20], {width: 24, truncatable: all(3), minimum: [4, 4, 4]})).toEqual([4, 8, 8])
  })

  it('cuts the first column (the name) only when the others are at their minimum', () => {
    // Others first: 20 -> 6 fits 27 with the name whole.
    expect(fitColumns([12, 5, 20], {width: 27, truncatable: all(3), minimum: [4, 4, 4]})).toEqual([12, 5, 6])
    // At 20 the others stop at their minimum of 4 and the name gives up the rest.
    expect(fitColumns([12, 5, 20], {width: 20, truncatable: all(3), minimum: [4, 4, 4]})).toEqual([8, 4, 4])
  })

  it('never cuts a column that is not truncatable, nor one below its minimum', () => {
    expect(fitColumns([12, 30, 20], {width: 30, truncatable: [true, false, true], minimum: [8, 4, 8]})).toEqual([8, 30, 8])
  })
})

describe('renderTable on a terminal', () => {
  it('fits the width: no line is wider, the widest text column is cut with …, numbers stay whole', async () => {
    for (const width of [80, 60, 50]) {
      const text = renderTable(HEAD, ROWS, {isTTY: true, width})
      for (const line of lines(text)) expect(stringWidth(line), line).toBeLessThanOrEqual(width)
      expect(text).toContain('…')
      for (const n of ['3', '12', '0']) expect(text).toMatch(new RegExp(`\\s${n}\\s`))
    }
  })

  it('aligns every column by display width, with CJK and emoji names', async () => {
    const rows = lines(renderTable(HEAD, ROWS, {isTTY: true, width: 60}))
    const typeColumn = columnOf(rows[0], 'TYPE')
    expect(columnOf(rows[1], 'Listen')).toBe(typeColumn)
    expect(columnOf(rows[2], 'SSH')).toBe(typeColumn)
    expect(columnOf(rows[3], 'Polling')).toBe(typeColumn)
    const workersColumn = columnOf(rows[0], 'WORKERS')
    expect(columnOf(rows[1], '3 ')).toBe(workersColumn)
    expect(columnOf(rows[2], '12')).toBe(workersColumn)
  })

  it('has no borders and no rule between rows: a header line and one line per row', async () => {
    const text = renderTable(HEAD, ROWS, {isTTY: true, width: 200})
    expect(lines(text)).toHaveLength(1 + ROWS.length)
    expect(text).not.toMatch(/[─│┌┐└┘├┤┼]/)
    expect(lines(text)[0]).toMatch(/^NAME\s+TYPE\s+WORKERS\s+ENDPOINT$/)
  })

  it('keeps a column listed in `keep` whole and cuts the others instead', async () => {
    const text = renderTable(HEAD, ROWS, {isTTY: true, width: 70, keep: ['ENDPOINT']})
    expect(text).toContain('https://tokyo-worker-01.corp.example:10933/')
    expect(text).not.toContain('plain-worker-with-a-rather-long-name')
  })

  it('names that share a long prefix stay whole, so their rows can be told apart', async () => {
    const rows = [1, 2, 3].map((n) => [`p-db-omaha-worker-0${n}`, 'Listening', 'Production Database Omaha Worker Pool', `https://p-db-omaha-worker-0${n}.corp.example:10933/`])
    const text = renderTable(['NAME', 'TYPE', 'POOLS', 'ENDPOINT'], rows, {isTTY: true, width: 80})
    for (const line of lines(text)) expect(stringWidth(line)).toBeLessThanOrEqual(80)
    for (const n of [1, 2, 3]) expect(text).toContain(`p-db-omaha-worker-0${n}  `)
  })

  it('a terminal too narrow for the minimum widths still gives one line per row, every cell started', async () => {
    const text = renderTable(HEAD, ROWS, {isTTY: true, width: 10})
    expect(lines(text)).toHaveLength(1 + ROWS.length)
    expect(lines(text)[1]).toMatch(/^東京ワ…\s+Listening\s+3\s+https:\/…$/)
  })

  it('bolds the header when colour is on, and only the header', async () => {
    const text = renderTable(HEAD, ROWS, {isTTY: true, width: 200, paint: createPaint(true)})
    expect(terminalSafeBlock(lines(text)[0], {colour: true})).toContain(`${ESC}[1mNAME${ESC}[22m`)
    for (const line of lines(text).slice(1)) expect(line).not.toMatch(SGR)
    // Padding sits outside the escape codes, so the columns still line up.
    expect(columnOf(lines(text)[0].replace(SGR, ''), 'TYPE')).toBe(columnOf(lines(text)[1], 'Listening'))
  })
})

describe('renderTable piped', () => {
  it('tab-separated values as gh pipes them: one record a line, the header first, every cell whole, nothing padded or coloured', async () => {
    const text = renderTable(HEAD, ROWS, {isTTY: false, width: 20, paint: createPaint(true)})
    expect(text).not.toContain('…')
    expect(text).not.toMatch(SGR)
    const records = text.trimEnd().split('\n').map((line) => line.split('\t'))
    expect(records).toEqual([HEAD, ...ROWS.map((row) => row.map(String))])
  })

  it('a cell with spaces is one field (cut -f takes it whole); a tab or newline in a cell cannot add a field or a record', async () => {
    const text = renderTable(['NAME', 'WORKERS'], [['Default Worker Pool', 2], ['evil\tcolumn\nrow', 1]], {isTTY: false})
    expect(text).toBe('NAME\tWORKERS\nDefault Worker Pool\t2\nevil\\tcolumn\\nrow\t1\n')
  })
})

/**
 * Names holding symbols (✔ ™ © ⚠), combining marks (Devanagari) or invisible characters (soft
 * hyphen, zero-width space): widths measured by another rule than our string-width (such as the
 * string-width 4 inside cli-table3 0.6.5) pad these rows one cell off, or cut piped names.
 */
describe('renderTable with symbols, combining marks and invisible characters', () => {
  const NAMES = ['deploy ✔ ready', 'Acme™ pool', '© corp', '⚠ old', 'नमस्ते-worker', 'long\u00ADname', 'a\u200Bb']
  const rows = NAMES.map((name) => [name, 'Listening', 3])

  it('on a terminal: every name whole and every column aligned by our display width', () => {
    const text = lines(renderTable(['NAME', 'TYPE', 'WORKERS'], rows, {isTTY: true, width: 80, paint: createPaint(true)}))
    const typeColumn = columnOf(text[0].replace(SGR, ''), 'TYPE')
    for (const [i, name] of NAMES.entries()) {
      expect(text[i + 1].startsWith(`${name}  `), text[i + 1]).toBe(true)
      expect(columnOf(text[i + 1], 'Listening'), text[i + 1]).toBe(typeColumn)
    }
  })

  it('piped: every name whole, one field of its own', () => {
    const text = lines(renderTable(['NAME', 'TYPE', 'WORKERS'], rows, {isTTY: false}))
    for (const [i, name] of NAMES.entries()) expect(text[i + 1].split('\t')).toEqual([name, 'Listening', '3'])
  })
})

describe('terminalColumns', () => {
  it("is the terminal's own width, else $COLUMNS, else 80", () => {
    expect(terminalColumns({isTTY: true, columns: 100}, {COLUMNS: '120'})).toBe(100)
    expect(terminalColumns({isTTY: false}, {COLUMNS: '120'})).toBe(120)
    expect(terminalColumns({isTTY: true, columns: 0}, {COLUMNS: 'wide'})).toBe(80)
    expect(terminalColumns({isTTY: false}, {})).toBe(80)
  })
})
