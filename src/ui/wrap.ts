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
      // Wider than any line: word by word from here.
      const words = item.split(/ +/).filter((w) => w !== '')
      words.forEach((word, k) => push(word, k === 0 ? separator : ' '))
    }
  }
  if (!lineIsEmpty() || lines.length === 0) lines.push(line.trimEnd())
  return lines
}

/** The widest single word of a text: the narrowest a column can wrap it to without cutting. */
export function longestWord(text: string): number {
  return Math.max(0, ...text.split(/ +/).map((w) => stringWidth(w)))
}
