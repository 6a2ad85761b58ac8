import stringWidth from 'string-width'
import {graphemes} from './graphemes.js'
import {plainPaint, type Paint} from './color.js'
import {terminalSafe} from './safe.js'

/**
 * Tables as `gh` prints them: plain columns two spaces apart, no borders. On a TTY the header is
 * bold and the table is fitted to the terminal's width by truncating the widest text column with
 * `…` (the first column, the row's name, last); piped, as `gh` pipes them: tab-separated values,
 * one record a line, the header kept, nothing truncated, padded or coloured, so that `cut -f2`
 * takes a column whole even when its cells hold spaces (`Default Worker Pool`). A cell cannot
 * hold a tab or a newline of its own: terminalSafe shows them as `\t` and `\n`. Widths on a TTY
 * are display widths (a CJK character or an emoji takes two cells), so such names stay aligned.
 */
export interface TableOptions {
  isTTY: boolean
  /** Columns available on a TTY (the I/O context's `columns`); default 80. */
  width?: number
  /** The run's colours (the heading is bold on a TTY); default none. */
  paint?: Paint
  /** Headings of columns never to truncate (e.g. an ID that must stay whole to be pasted). */
  keep?: string[]
}

export type Cell = string | number | boolean | null | undefined

const GAP = '  '
const ELLIPSIS = '…'
/** A truncated column keeps at least this many cells (or its heading's width). */
const MIN_TRUNCATED_WIDTH = 8
/**
 * A column whose widest cell is this narrow is never cut: it holds short words (a type, a health
 * state, `yes`), which cut (`Unavaila…`) read worse than the long text beside them.
 */
const SHORT_COLUMN = 12

export function renderTable(head: string[], rows: Cell[][], opts: TableOptions): string {
  const cells = rows.map((r) => head.map((_, i) => cellText(r[i])))
  if (!opts.isTTY) return plainTable(head, cells)
  return fittedTable(head, cells, {width: opts.width ?? DEFAULT_COLUMNS, keep: opts.keep ?? [], paint: opts.paint})
}

/** The piped layout: tab-separated values, every cell whole, the header first. */
export function plainTable(head: string[], rows: string[][]): string {
  return [head, ...rows].map((r) => r.join('\t')).join('\n') + '\n'
}

/** The TTY layout: bold headings, columns fitted to `width`. */
export function fittedTable(head: string[], rows: string[][], opts: {width: number; keep: string[]; paint?: Paint}): string {
  const natural = naturalWidths(head, rows)
  const truncatable = head.map((h, i) => !opts.keep.includes(h) && natural[i] > SHORT_COLUMN && isTextColumn(rows.map((r) => r[i])))
  const minimum = head.map((h, i) => Math.min(natural[i], Math.max(stringWidth(h), MIN_TRUNCATED_WIDTH)))
  const widths = fitColumns(natural, {width: opts.width, truncatable, minimum})
  const fit = (row: string[]) => row.map((c, i) => truncateToWidth(c, widths[i]))
  const heading = layoutRow(fit(head), widths, (opts.paint ?? plainPaint).bold)
  return [heading, ...rows.map((r) => layoutRow(fit(r), widths))].join('\n') + '\n'
}

/**
 * Column widths whose total (with the gaps) fits `width`: the widest truncatable column gives up
 * one cell at a time (on a tie, the rightmost) until the table fits. The first column names the
 * row (a worker, a pool, a rule): it is cut only once every other truncatable column is at its
 * minimum, since rows whose names are cut alike (`p-db-omaha-wo…` three times) cannot be told
 * apart. When every truncatable column is at its minimum the table is as narrow as it can be and
 * the terminal wraps it.
 */
export function fitColumns(natural: number[], opts: {width: number; truncatable: boolean[]; minimum: number[]}): number[] {
  const widths = [...natural]
  const total = () => widths.reduce((sum, w) => sum + w, 0) + GAP.length * Math.max(0, widths.length - 1)
  const cuttable = (i: number) => opts.truncatable[i] && widths[i] > opts.minimum[i]
  const widestCuttable = (from: number) => {
    let widest = -1
    for (let i = from; i < widths.length; i++) if (cuttable(i) && (widest < 0 || widths[i] >= widths[widest])) widest = i
    return widest
  }
  while (total() > opts.width) {
    const next = widestCuttable(1) >= 0 ? widestCuttable(1) : widestCuttable(0)
    if (next < 0) break
    widths[next]--
  }
  return widths
}

/** The text cut to at most `width` display cells, ending in `…` when anything was cut. */
export function truncateToWidth(text: string, width: number): string {
  if (stringWidth(text) <= width) return text
  if (width <= 0) return ''
  let out = ''
  let used = 0
  for (const segment of graphemes(text)) {
    const w = stringWidth(segment)
    if (used + w > width - 1) break
    out += segment
    used += w
  }
  return out + ELLIPSIS
}

const DEFAULT_COLUMNS = 80

/** The terminal's width: stdout's own when it is a terminal, else $COLUMNS, else 80. */
export function terminalColumns(stdout: {isTTY?: boolean; columns?: number}, env: Readonly<Record<string, string | undefined>>): number {
  if (stdout.isTTY && stdout.columns && stdout.columns > 0) return stdout.columns
  const fromEnv = Number(env.COLUMNS)
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_COLUMNS
}

function naturalWidths(head: string[], rows: string[][]): number[] {
  return head.map((h, i) => Math.max(stringWidth(h), ...rows.map((r) => stringWidth(r[i] ?? ''))))
}

/** Counts, yes/no flags and n/a are never cut: only columns holding some other text are. */
function isTextColumn(column: string[]): boolean {
  return column.some((c) => !/^(?:-?[\d.,]+%?|n\/a|yes|no|)$/.test(c))
}

export function layoutRow(cells: string[], widths: number[], style: (s: string) => string = (s) => s): string {
  return cells
    .map((c, i) => style(c) + (i === cells.length - 1 ? '' : ' '.repeat(Math.max(0, widths[i] - stringWidth(c)))))
    .join(GAP)
    .trimEnd()
}

/** Cells hold server strings (names, descriptions), so each is made terminal-safe; headings are ours. */
export function cellText(value: Cell): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  return terminalSafe(String(value))
}
