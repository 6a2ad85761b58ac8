/**
 * The user-perceived characters of a text, for cutting it to a display width. The segmenter is
 * made on first use, not at import: creating one loads ICU's break data (about 18 ms), which a run
 * that cuts no text (any --json run) must not pay.
 */
let segmenter: Intl.Segmenter | undefined

export function* graphemes(text: string): Generator<string> {
  for (const {segment} of (segmenter ??= new Intl.Segmenter(undefined, {granularity: 'grapheme'})).segment(text)) yield segment
}
