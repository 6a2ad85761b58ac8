import {terminalSafe} from './safe.js'

/**
 * Plain tables: cli-table3 when on a TTY (borders), a padded, untruncated, uncoloured layout when
 * piped so that scripts can `awk` it. cli-table3 is loaded lazily (it costs startup time).
 */
export interface TableOptions {
  isTTY: boolean
}

export async function renderTable(head: string[], rows: Array<Array<string | number | boolean | null | undefined>>, opts: TableOptions): Promise<string> {
  const cells = rows.map((r) => r.map(cellText))
  if (!opts.isTTY) return plainTable(head, cells)
  const {default: Table} = await import('cli-table3')
  const table = new Table({head, style: {head: [], border: []}, wordWrap: false})
  for (const row of cells) table.push(row)
  return table.toString() + '\n'
}

export function plainTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => visibleLength(r[i] ?? ''))))
  const line = (cols: string[]) =>
    cols
      .map((c, i) => (i === cols.length - 1 ? c : c + ' '.repeat(Math.max(0, widths[i] - visibleLength(c)))))
      .join('  ')
      .trimEnd()
  return [line(head), ...rows.map(line)].join('\n') + '\n'
}

/** Cells hold server strings (names, descriptions), so each is made terminal-safe; headings are ours. */
function cellText(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  return terminalSafe(String(value))
}

function visibleLength(s: string): number {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001B\[[0-9;]*m/g, '').length
}
