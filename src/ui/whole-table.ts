import stringWidth from 'string-width'
import {plainPaint} from './color.js'
import {cellText, layoutRow, renderTable, type Cell, type TableOptions} from './table.js'
import {longestWord, wrapItems, wrapWords} from './wrap.js'

/**
 * A table whose cells are never cut, for views where every cell names something (a worker, a
 * task ID, a time). On a terminal too narrow for it, in this order until it fits:
 *  1. `optional` columns that say little are left out (the caller says so and offers `--wide`);
 *  2. `under` columns move, one by one, from the row to a `Label: value` line under it, wrapped
 *     to the terminal (only as many as needed: each move is made only when wrapping could not
 *     make the table fit without it);
 *  3. `wrap` columns wrap at spaces within the column, onto more lines of the row, never
 *     narrower than their longest word.
 * A `fill` column (a bar chart) is last and gets the room the others leave, between its minimum
 * and maximum. It is decoration, so when the steps above cannot make the table fit beside it at its
 * minimum, it gives way before any heading or cell does:
 *  4. the fill shrinks into the room left, down to its `least`;
 *  5. headings wrap at their spaces (`PEAK CONCURRENT` over two lines), widest column first, each
 *     no narrower than its longest heading word or its cells, keeping room for the fill at `least`;
 *  6. the fill is left out (the caller is told, `fillWidth` 0, so its caption can stop naming it),
 *     and headings wrap as far as the whole width needs;
 *  7. `lastUnder` columns move under their row like `under` ones, one by one, each only when the
 *     table still does not fit (columns worth a place in the row whenever there is one, such as
 *     the wait times beside a long worker name).
 * What then still does not fit is left to the terminal, whole. Piped, the table is the shared
 * plain layout (renderTable's), every column in the row, a fill column at its maximum.
 */
export interface WholeTableOptions extends TableOptions {
  optional?: string[]
  under?: string[]
  /** Moved under their row only after every other step (see 7 above). */
  lastUnder?: string[]
  wrap?: string[]
  fill?: FillColumn
}

/** A last, headingless column drawn to the width it is given (a bar of each row's value). */
export interface FillColumn {
  minimum: number
  maximum: number
  /** The fewest cells it is still drawn in when the table cannot fit beside it at `minimum` (default `minimum`); narrower, it is left out. */
  least?: number
  draw: (row: number, width: number) => string
}

export interface WholeTable {
  text: string
  /** The `optional` columns left out to fit the terminal. */
  dropped: string[]
  /** The cells the fill column was drawn in: 0 when there is none or it was left out to fit. */
  fillWidth: number
}

const GAP = 2
const DEFAULT_COLUMNS = 80

export function renderWholeTable(head: string[], rows: Cell[][], opts: WholeTableOptions): WholeTable {
  const fill = opts.fill
  if (!opts.isTTY) {
    const withFill = fill ? {head: [...head, ''], rows: rows.map((r, i) => [...r, fill.draw(i, fill.maximum)])} : {head, rows}
    return {text: renderTable(withFill.head, withFill.rows, opts), dropped: [], fillWidth: fill ? fill.maximum : 0}
  }
  const width = opts.width ?? DEFAULT_COLUMNS
  const cells = rows.map((r) => head.map((_, i) => cellText(r[i])))
  const natural = head.map((h, i) => Math.max(stringWidth(h), ...cells.map((r) => stringWidth(r[i]))))
  const wraps = head.map((h) => opts.wrap?.includes(h) ?? false)
  const minimum = head.map((h, i) => (wraps[i] ? Math.max(stringWidth(h), ...cells.map((r) => longestWord(r[i]))) : natural[i]))
  const budget = width - (fill ? fill.minimum + GAP : 0)
  let shown = head.map((_, i) => i)
  const total = (widths: number[]) => shown.reduce((sum, i) => sum + widths[i], 0) + GAP * Math.max(0, shown.length - 1)

  /** Takes the given columns out of the row, in order, until `fits` says it does (`afterEach` re-lays what is left); returns their indexes. */
  const takeOutUntilFits = (headings: string[] | undefined, fits: () => boolean, afterEach?: () => void): number[] => {
    const taken: number[] = []
    for (const heading of headings ?? []) {
      if (fits()) break
      const at = head.indexOf(heading)
      if (!shown.includes(at)) continue
      shown = shown.filter((i) => i !== at)
      taken.push(at)
      afterEach?.()
    }
    return taken
  }
  const dropped = takeOutUntilFits(opts.optional, () => total(natural) <= budget).map((i) => head[i])
  const underneath = takeOutUntilFits(opts.under, () => total(minimum) <= budget)
  const widths = [...natural]
  while (total(widths) > budget) {
    let widest = -1
    for (const i of shown) if (wraps[i] && widths[i] > minimum[i] && (widest < 0 || widths[i] >= widths[widest])) widest = i
    if (widest < 0) break
    widths[widest]--
  }
  let fillWidth = fill ? Math.max(fill.minimum, Math.min(fill.maximum, width - total(widths) - GAP)) : 0
  if (total(widths) > budget) {
    // A heading wraps only at its spaces, so a column narrows to the widest line of its heading
    // wrapped one cell narrower (or its cells, whichever is wider); a `wrap` column, whose cells
    // wrap too, one cell at a time.
    const headFloor = head.map((h, i) => Math.max(longestWord(h), ...cells.map((r) => (wraps[i] ? longestWord(r[i]) : stringWidth(r[i])))))
    const narrower = (i: number) => (wraps[i] ? widths[i] - 1 : Math.max(headFloor[i], ...wrapWords(head[i], widths[i] - 1).map((line) => stringWidth(line))))
    const wrapHeadings = (room: number) => {
      while (total(widths) > room) {
        let widest = -1
        for (const i of shown) if (widths[i] > headFloor[i] && (widest < 0 || widths[i] >= widths[widest])) widest = i
        if (widest < 0) return
        widths[widest] = narrower(widest)
      }
    }
    if (fill) {
      const least = Math.min(fill.least ?? fill.minimum, fill.minimum)
      if (width - total(widths) - GAP < least) wrapHeadings(width - least - GAP)
      const room = width - total(widths) - GAP
      fillWidth = room >= least ? Math.min(fill.maximum, room) : 0
    }
    if (fillWidth === 0) {
      const beforeHeadings = [...widths]
      wrapHeadings(width)
      // With a column gone, headings need wrap only as far as the narrower row still needs.
      underneath.push(...takeOutUntilFits(opts.lastUnder, () => total(widths) <= width, () => {
        widths.splice(0, widths.length, ...beforeHeadings)
        wrapHeadings(width)
      }))
    }
  }
  const drawn = fill && fillWidth > 0 ? fill : undefined

  const shownWidths = [...shown.map((i) => widths[i]), ...(drawn ? [fillWidth] : [])]
  const bold = (opts.paint ?? plainPaint).bold
  const headings = shown.map((i) => wrapWords(head[i], widths[i]))
  const lines: string[] = []
  for (let k = 0; k < Math.max(1, ...headings.map((h) => h.length)); k++) lines.push(layoutRow([...headings.map((h) => h[k] ?? ''), ...(drawn ? [''] : [])], shownWidths, bold))
  cells.forEach((row, r) => {
    const columns = shown.map((i) => (wraps[i] ? wrapWords(row[i], widths[i]) : [row[i]]))
    if (drawn) columns.push([drawn.draw(r, fillWidth)])
    const height = Math.max(...columns.map((c) => c.length))
    for (let k = 0; k < height; k++) lines.push(layoutRow(columns.map((c) => c[k] ?? ''), shownWidths))
    const notes = [...underneath].sort((a, b) => a - b).filter((i) => row[i] !== '').map((i) => `${label(head[i])}: ${row[i]}`)
    if (notes.length > 0) lines.push(...wrapItems(notes, width - 2, {hang: '  '}).map((line) => `  ${line}`))
  })
  return {text: lines.join('\n') + '\n', dropped, fillWidth}
}

/** `TASK STATE` -> `Task state`: a heading as the label of a value under its row. */
function label(heading: string): string {
  return heading.charAt(0) + heading.slice(1).toLowerCase()
}
