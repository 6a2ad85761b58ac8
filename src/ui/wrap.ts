import stringWidth from 'string-width'

/**
 * Text wrapped to a terminal's width at spaces, so that a name or an ID is never cut: a line
 * breaks only between words, and a single word wider than the whole line (a URL, an ID in a very
 * narrow terminal) stands whole on a line of its own, where the terminal shows it as it is.
 */
export interface WrapOptions {
  /** Put before every line after the first (a hanging indent). */
  hang?: string
}

/** Lines of at most `width` display cells (but for a word that alone is wider), broken at spaces. */
export function wrapWords(text: string, width: number, opts: WrapOptions = {}): string[] {
  return wrapItems([text], width, {...opts, separator: ' '})
}

/**
 * Items (fields of an event line, `Label: value` notes) laid out on lines of at most `width`
 * cells, `separator` between them. An item goes whole onto the next line when it does not fit
 * the room left; an item wider than a line is itself broken at its spaces.
 */
export function wrapItems(items: string[], width: number, opts: WrapOptions & {separator?: string} = {}): string[] {
  const separator = opts.separator ?? '  '
  const hang = opts.hang ?? ''
  const lines: string[] = []
  let line = ''
  const lineIsEmpty = () => line === '' || line === hang
  const push = (word: string, gap: string) => {
    if (!lineIsEmpty() && stringWidth(line + gap + word) > width) {
      lines.push(line.trimEnd())
      line = hang
    }
    line += lineIsEmpty() ? word : gap + word
  }
  for (const item of items) {
    if (item === '') continue
    const gap = lineIsEmpty() ? '' : separator
    if (stringWidth(line + gap + item) <= width) line += gap + item
    else if (!lineIsEmpty() && stringWidth(hang + item) <= width) {
      lines.push(line.trimEnd())
      line = hang + item
    } else {
      // Wider than any line: word by word from the start of a line of its own (so that it does
      // not read as the end of the entry before it), a time's parts kept together.
      if (!lineIsEmpty()) {
        lines.push(line.trimEnd())
        line = hang
      }
      unbreakableWords(item).forEach((word) => push(word, ' '))
    }
  }
  if (!lineIsEmpty() || lines.length === 0) lines.push(line.trimEnd())
  return lines
}

/** One part of a printed time (`1h`, `02m`, `40s`, `800ms`), maybe in brackets or before a comma. */
const TIME_PART = /^\(?\d+(?:\.\d+)?(?:ms|[wdhms])[),.;:]*$/

/**
 * The words of a text, where the parts of a time such as `1m 40s` count as one word: a line
 * broken between them would read as two times (`1m` at the end of one line, `40s` at the start
 * of the next).
 */
function unbreakableWords(text: string): string[] {
  const words: string[] = []
  for (const word of text.split(/ +/)) {
    if (word === '') continue
    const last = words.at(-1)
    // Only a part that ends in its unit (nothing after it) continues into the next part.
    if (last !== undefined && TIME_PART.test(word) && /(?:^|\s)\(?\d+(?:\.\d+)?(?:ms|[wdhms])$/.test(last)) words[words.length - 1] = `${last} ${word}`
    else words.push(word)
  }
  return words
}

/** The widest single word of a text: the narrowest a column can wrap it to without cutting. */
export function longestWord(text: string): number {
  return Math.max(0, ...text.split(/ +/).map((w) => stringWidth(w)))
}
