import stringWidth from 'string-width'
import {graphemes} from '../ui/graphemes.js'

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
  return !/^(?:[-*\u2022]|\d+[.)])\s/.test(line)
}

function isHeading(line: string): boolean {
  return /^[A-Z][A-Z0-9 ()/-]*$/.test(line.trim())
}

/**
 * Wraps help text at `width` display cells, one source line at a time, keeping each line's own
 * indentation (oclif's wrap drops it, flattening tables such as EXIT CODES): continuation lines
 * hang under the text of a list item (`- auto ...`) or of a definition row (`  direct    the...`),
 * else under the line's first character. Runs of spaces inside a line are kept; a word longer
 * than the room is split.
 */
export function wrapHelpText(text: string, width: number): string {
  return text.split('\n').flatMap((line) => wrapHelpLine(line, width)).join('\n')
}

/**
 * Display cells of a piece of help text. Printable ASCII, nearly all of it, is one cell a
 * character; string-width, which also knows wide and zero-width characters, costs far more, and
 * wrapping measures the line being built once per word.
 */
function cells(text: string): number {
  return /^[\x20-\x7e]*$/.test(text) ? text.length : stringWidth(text)
}

function wrapHelpLine(line: string, width: number): string[] {
  const body = line.trimEnd()
  if (cells(body) <= width) return [body]
  const hang = ' '.repeat(Math.min(hangingIndent(body), Math.floor(width / 2)))
  const out: string[] = []
  let current = ''
  for (const [, space, word] of body.matchAll(/(\s*)(\S+)/g)) {
    const room = width - cells(current)
    if (current.trim() !== '' && cells(space) + cells(word) > room) {
      out.push(current)
      current = hang
    } else {
      current += space
    }
    current = appendSplitting(current, word, width, hang, out)
  }
  out.push(current)
  return out
}

/** Appends a word, splitting it across lines when it alone is wider than the room. */
function appendSplitting(current: string, word: string, width: number, hang: string, out: string[]): string {
  if (cells(current) + cells(word) <= width) return current + word
  let line = current
  for (const segment of graphemes(word)) {
    if (cells(line) + cells(segment) > width && line.trim() !== '') {
      out.push(line)
      line = hang
    }
    line += segment
  }
  return line
}

function hangingIndent(line: string): number {
  const item = /^(\s*(?:[-*\u2022]|\d+[.)])\s+)/.exec(line) ?? /^(\s+\S+\s{2,})/.exec(line)
  return cells((item ?? /^(\s*)/.exec(line)!)[1])
}

