/**
 * Splits a JSON array arriving in chunks into its elements, each handed on as the text of one
 * element the moment its last byte is in, so that a 25 MB worker list never exists whole (not as
 * bytes, not as one string, not as one tree): each element is `JSON.parse`d natively by the caller,
 * reduced to what it needs, and the rest dies young.
 *
 * Only the array's own syntax is scanned here (brackets, commas, strings and their escapes, to know
 * where an element ends); every element is then parsed by `JSON.parse`, which is strict. The whole
 * is valid JSON exactly when the array's own syntax is (checked here: `[`, elements separated by
 * single commas, `]`, whitespace only around them) and every element parses, so a malformed body is
 * still reported as malformed.
 *
 * A body that is not an array (an object, a string, an HTML page, empty, or with a byte-order mark)
 * is not split: its bytes are kept whole, for the caller to decode and describe as it does any body.
 *
 * Pure: no I/O.
 */

const OPEN_ARRAY = 0x5b // [
const CLOSE_ARRAY = 0x5d // ]
const OPEN_OBJECT = 0x7b // {
const CLOSE_OBJECT = 0x7d // }
const QUOTE = 0x22 // "
const BACKSLASH = 0x5c // \
const COMMA = 0x2c // ,

const isWhitespace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

/** What a finished body turned out to be. */
export type SplitOutcome =
  /** A well-formed array: every element was handed on. */
  | {kind: 'array'; elements: number; bytes: number}
  /** Not an array: the body, whole, to decode as any other. */
  | {kind: 'whole'; body: Buffer}
  /** An array whose own syntax is broken, or with an element that does not parse. */
  | {kind: 'malformed'; bytes: number}

type State = 'start' | 'elements' | 'done' | 'whole' | 'malformed'

export class JsonArraySplitter {
  private state: State = 'start'
  private depth = 0
  private inString = false
  private escaped = false
  /** Pieces of the current element from earlier chunks (an element that spans chunks). */
  private pieces: Buffer[] = []
  /** Whether the current element has a byte that is not whitespace. */
  private hasContent = false
  private whole: Buffer[] = []
  private bytes = 0
  private elements = 0

  /**
   * @param onElement gets the UTF-8 text of each element, in order. It parses it; when that
   * throws, the body is malformed (the error is not passed on: the outcome says so).
   */
  constructor(private readonly onElement: (text: string, index: number) => void) {}

  write(chunk: Buffer): void {
    this.bytes += chunk.length
    if (this.state === 'whole') {
      this.whole.push(chunk)
      return
    }
    if (this.state === 'malformed') return
    let i = 0
    const n = chunk.length
    if (this.state === 'start') {
      while (i < n && isWhitespace(chunk[i])) i++
      if (i === n) {
        // Only whitespace so far: kept, in case the body turns out not to be an array.
        this.whole.push(chunk)
        return
      }
      if (chunk[i] !== OPEN_ARRAY) {
        this.state = 'whole'
        this.whole.push(chunk)
        return
      }
      this.whole = []
      i++
      this.depth = 1
      this.state = 'elements'
    }
    // The scan is the hot loop (every byte of a large list): its state is in locals.
    let {depth, inString, escaped, hasContent} = this
    let done = this.state === 'done'
    let start = i
    scan: for (; i < n; i++) {
      let c = chunk[i]
      if (inString) {
        if (escaped) {
          escaped = false
          continue
        }
        // Most bytes of a document are inside strings: they are skipped in a loop of their own.
        while (c !== QUOTE && c !== BACKSLASH) {
          if (++i === n) break scan
          c = chunk[i]
        }
        if (c === BACKSLASH) escaped = true
        else inString = false
        continue
      }
      if (done) {
        if (!isWhitespace(c)) return this.fail()
        continue
      }
      switch (c) {
        case QUOTE:
          inString = true
          hasContent = true
          break
        case OPEN_ARRAY:
        case OPEN_OBJECT:
          depth++
          hasContent = true
          break
        case CLOSE_ARRAY:
        case CLOSE_OBJECT:
          if (--depth === 0) {
            if (c !== CLOSE_ARRAY) return this.fail()
            // `[]` and `[ ]` hold no element; `[1,]` ends on an empty one, which is malformed.
            if (hasContent || this.elements > 0) {
              if (!this.emit(chunk, start, i, hasContent)) return
            }
            this.pieces = []
            hasContent = false
            done = true
            this.state = 'done'
          }
          break
        case COMMA:
          if (depth === 1) {
            if (!this.emit(chunk, start, i, hasContent)) return
            hasContent = false
            start = i + 1
          }
          break
        default:
          if (!hasContent && !isWhitespace(c)) hasContent = true
      }
    }
    Object.assign(this, {depth, inString, escaped, hasContent})
    if (!done && start < n) this.pieces.push(chunk.subarray(start, n))
  }

  /** Call once the body is all in. */
  end(): SplitOutcome {
    if (this.state === 'start' || this.state === 'whole') return {kind: 'whole', body: this.whole.length === 1 ? this.whole[0] : Buffer.concat(this.whole)}
    if (this.state !== 'done') return {kind: 'malformed', bytes: this.bytes}
    return {kind: 'array', elements: this.elements, bytes: this.bytes}
  }

  private fail(): void {
    this.state = 'malformed'
    this.pieces = []
  }

  /** Hands on the element that ends at `end` (exclusive) of `chunk`; false when the body is malformed. */
  private emit(chunk: Buffer, start: number, end: number, hasContent: boolean): boolean {
    if (!hasContent) {
      this.fail()
      return false
    }
    let text: string
    if (this.pieces.length === 0) text = chunk.toString('utf8', start, end)
    else {
      this.pieces.push(chunk.subarray(start, end))
      text = Buffer.concat(this.pieces).toString('utf8')
      this.pieces = []
    }
    try {
      this.onElement(text, this.elements++)
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error
      this.fail()
      return false
    }
    return true
  }
}
