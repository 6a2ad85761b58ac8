/**
 * Help text as written in the source is hard-wrapped at whatever width its author's editor had;
 * oclif then wraps every line again at the terminal's width, which leaves a stub of one or two
 * words after each source line ("...on loopback by / default, until..."). Reflowing first makes
 * each paragraph one line, so the terminal-width wrap is the only one.
 *
 * A line is joined to the one before it only when that one stops mid-sentence: a line ending a
 * sentence (`.`, `!`, `?`, or `:` introducing what follows) keeps the author's break, a blank line
 * ends a paragraph, and lines that start a list item (`- `, `* `, `1. `), are indented (tables
 * such as EXIT CODES, commands, an indented block) or are headings in capitals keep their own line.
 */
export function reflowParagraphs(text: string): string {
  const out: string[] = []
  for (const line of text.split('\n')) {
    const previous = out.at(-1)
    if (previous !== undefined && continuesProse(previous, line)) out[out.length - 1] = `${previous.trimEnd()} ${line.trim()}`
    else out.push(line)
  }
  return out.join('\n')
}

function continuesProse(previous: string, line: string): boolean {
  if (previous.trim() === '' || line.trim() === '') return false
  if (/^\s/.test(previous) || /^\s/.test(line)) return false
  if (/[.!?:]["')`\]]*$/.test(previous.trimEnd())) return false
  if (isHeading(previous) || isHeading(line)) return false
  return !/^(?:[-*•]|\d+[.)])\s/.test(line)
}

function isHeading(line: string): boolean {
  return /^[A-Z][A-Z0-9 ()/-]*$/.test(line.trim())
}
