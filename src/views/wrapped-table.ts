/**
 * Tables whose named columns (a pool's or a space's name, an endpoint) are never cut: on a
 * terminal too narrow for them, such a cell wraps onto lines of its own under its row, the other
 * cells of those lines left blank, so `Production Database Omaha Worker Pool` is read whole where
 * the plain fitted table would show `Production Da…`. Piped, it is the plain table (every cell
 * whole, tab-separated): wrapping is only for people.
 */
import stringWidth from 'string-width'
import {graphemes} from '../ui/graphemes.js'
import {renderTable, type Cell, type TableOptions} from '../ui/table.js'
import {terminalSafe} from '../ui/safe.js'

const GAP = 2
/** A wrapped column keeps at least this many cells (or its heading's width). */
const MIN_WRAPPED_WIDTH = 8
/** Before any word is split, a wrapped column keeps its longest word whole, up to this width. */
const WHOLE_WORD_WIDTH = 12

/** The width of the table as laid out with every cell whole, gaps included. */
export function naturalTableWidth(head: string[], rows: Cell[][]): number {
  const widths = naturalWidths(head, rows.map((r) => r.map(cellText)))
  return widths.reduce((sum, w) => sum + w, 0) + GAP * Math.max(0, widths.length - 1)
}

/** The narrowest the table can be with the columns headed `wrap` wrapped to their minimum. */
export function minimalTableWidth(head: string[], rows: Cell[][], wrap: string[]): number {
  const widths = naturalWidths(head, rows.map((r) => r.map(cellText)))
  const minimum = widths.map((w, i) => (wrap.includes(head[i]) ? Math.min(w, Math.max(stringWidth(head[i]), MIN_WRAPPED_WIDTH)) : w))
  return minimum.reduce((sum, w) => sum + w, 0) + GAP * Math.max(0, widths.length - 1)
}

/**
 * The table on a terminal with the columns headed `wrap` wrapped, never cut, and every other
 * column whole: the widest wrapped column gives up a cell at a time until the table fits `width`
 * or every wrapped column is at its minimum (the table is then as narrow as it can be). The first
 * column of `wrap` (the row's name) gives up room only once the others are at their minimum.
 */
export function wrappedTable(head: string[], rows: Cell[][], opts: {table: TableOptions; wrap: string[]}): string {
  const cells = rows.map((r) => head.map((_, i) => cellText(r[i])))
  const keepAll = {...opts.table, keep: head}
  if (!opts.table.isTTY) return renderTable(head, cells, opts.table)
  const width = opts.table.width ?? 80
  const widths = naturalWidths(head, cells)
  const wrapped = head.map((h) => opts.wrap.includes(h))
  const minimum = head.map((h, i) => Math.min(widths[i], Math.max(stringWidth(h), MIN_WRAPPED_WIDTH)))
  const longestWord = cells.length ? head.map((_, i) => Math.max(...cells.map((r) => Math.max(0, ...r[i].split(/\s+/).map((w) => stringWidth(w)))))) : head.map(() => 0)
  const wholeWords = head.map((h, i) => Math.max(minimum[i], Math.min(widths[i], longestWord[i], WHOLE_WORD_WIDTH)))
  const total = () => widths.reduce((sum, w) => sum + w, 0) + GAP * Math.max(0, widths.length - 1)
  const first = head.indexOf(opts.wrap.find((h) => head.includes(h)) ?? '')
  const widestOf = (floor: number[], skipFirst: boolean) => {
    let widest = -1
    for (let i = 0; i < widths.length; i++) {
      if (!wrapped[i] || widths[i] <= floor[i] || (skipFirst && i === first)) continue
      if (widest < 0 || widths[i] > widths[widest]) widest = i
    }
    return widest
  }
  // Words are kept whole while they can be (the name column last), then split.
  const order: Array<[number[], boolean]> = [[wholeWords, true], [wholeWords, false], [minimum, true], [minimum, false]]
  while (total() > width) {
    const widest = order.map(([floor, skipFirst]) => widestOf(floor, skipFirst)).find((i) => i >= 0)
    if (widest === undefined) break
    widths[widest]--
  }
  const lines = cells.flatMap((row) => {
    const parts = row.map((cell, i) => (wrapped[i] ? wrapCell(cell, widths[i]) : [cell]))
    const height = Math.max(...parts.map((p) => p.length))
    return Array.from({length: height}, (_, k) => parts.map((p) => p[k] ?? ''))
  })
  return renderTable(head, lines, keepAll)
}

/**
 * A cell's text as lines of at most `width` display cells: broken after a space, a `/`, `.`
 * or `:` where one falls within the line (so a URL breaks between its parts), else at the width.
 */
export function wrapCell(text: string, width: number): string[] {
  if (stringWidth(text) <= width) return [text]
  const out: string[] = []
  let rest = [...graphemes(text)]
  while (rest.length > 0) {
    let used = 0
    let fit = 0
    while (fit < rest.length && used + stringWidth(rest[fit]) <= width) used += stringWidth(rest[fit++])
    if (fit === rest.length) {
      out.push(rest.join(''))
      break
    }
    // After the last space that fits (words stay whole), else after a `/ . :` in the line's
    // second half (no stub of a URL is left on a line), else at the width.
    let cut = /\s/.test(rest[fit]) ? fit : 0
    for (let k = fit; k > 0 && cut === 0; k--) if (/\s/.test(rest[k - 1])) cut = k
    for (let k = fit; k > fit / 2 && cut === 0; k--) if (/[/.:]/.test(rest[k - 1])) cut = k
    if (cut === 0) cut = Math.max(1, fit)
    out.push(rest.slice(0, cut).join('').trimEnd())
    rest = rest.slice(cut)
    while (rest[0] === ' ') rest = rest.slice(1)
  }
  return out
}

function naturalWidths(head: string[], rows: string[][]): number[] {
  return head.map((h, i) => Math.max(stringWidth(h), ...rows.map((r) => stringWidth(r[i] ?? ''))))
}

/** As the table prints a cell: server strings made terminal-safe (escaping twice changes nothing). */
function cellText(value: Cell): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  return terminalSafe(String(value))
}
