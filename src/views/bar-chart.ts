/** Horizontal bars for the report's table view: whole blocks plus an eighth-block remainder. */

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉']

/** A bar `width` cells long at `max`; any non-zero value shows at least a sliver. */
export function bar(value: number, max: number, width = 30): string {
  if (!(max > 0) || !(value > 0)) return ''
  const eighths = Math.max(1, Math.round((Math.min(value, max) / max) * width * 8))
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8]
}
