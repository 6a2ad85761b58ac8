/**
 * Splits a JSON array arriving in chunks into its elements, handed on as soon as they are in, so
 * that a 25 MB worker list never exists whole (not as bytes, not as one string, not as one tree):
 * the caller reduces each element to what it needs, and the rest dies young.
 *
 * Only the array's own syntax is scanned here (brackets, commas, strings and their escapes, to know
 * where the elements of a chunk end); the complete elements of each chunk are then parsed together
 * by `JSON.parse` (one call a chunk, not one an element), which is strict. The body is cut only at
 * the array's own commas, so the whole is valid JSON exactly when every run of elements between
 * two cuts parses as an array and no run is empty (a cut is a comma, which must have an element on
 * each side): a malformed body is still reported as malformed.
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
  /**
   * An Octopus collection (`{..., "Items": [...], ...}`) whose Items were handed on: the document
   * with `Items` holding ITEMS_SPLIT in their place (or, where a later `Items` key overrides the
   * split one, as JSON.parse reads duplicate keys, that later value).
   */
  | {kind: 'collection'; document: Record<string, unknown>; elements: number; bytes: number}
  /** An array whose own syntax is broken, or with an element that does not parse. */
  | {kind: 'malformed'; bytes: number}

type State = 'start' | 'head' | 'elements' | 'tail' | 'done' | 'whole' | 'malformed'

/** What a collection's `Items` holds, in the document `end` gives, when its items were handed on. */
export const ITEMS_SPLIT = '\u0000items handed on one by one'

/** A collection's fields before `Items` (its counts and type): past this the body is read whole. */
const HEAD_LIMIT = 64 * 1024

export class JsonArraySplitter {
  private state: State = 'start'
  private depth = 0
  private inString = false
  private escaped = false
  /** The bytes after the last cut, from earlier chunks (elements that span chunks). */
  private pending: Buffer[] = []
  /** Whether the array has a comma of its own yet (then no run of elements may be empty). */
  private sawComma = false
  private whole: Buffer[] = []
  private bytes = 0
  private elements = 0
  /** A collection's text before its Items array, and after it. */
  private head?: Buffer
  private tail: Buffer[] = []

  /**
   * @param onElements gets each run of complete elements, in order, with the index of the first.
   * An error it throws is passed on.
   */
  constructor(
    private readonly onElements: (items: unknown[], firstIndex: number) => void,
    /** What the body should be: a list (`[...]`), or a collection (`{"Items": [...], ...}`); anything else is read whole. */
    private readonly expect: 'array' | 'collection' = 'array',
  ) {}

  write(chunk: Buffer): void {
    this.bytes += chunk.length
    this.take(chunk)
  }

  private take(chunk: Buffer): void {
    if (this.state === 'tail') {
      this.tail.push(chunk)
      return
    }
    if (this.state === 'head') return this.findItems(chunk)
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
      if (chunk[i] === OPEN_OBJECT && this.expect === 'collection') {
        this.state = 'head'
        return this.findItems(chunk)
      }
      if (chunk[i] !== OPEN_ARRAY || this.expect !== 'array') {
        this.state = 'whole'
        this.whole.push(chunk)
        return
      }
      this.whole = []
      i++
      this.depth = 1
      this.state = 'elements'
    }
    if (this.state === 'done') return this.trailer(chunk, i)
    // The scan is the hot loop (every byte of a large list): its state is in locals.
    let depth = this.depth
    let inString = this.inString
    let escaped = this.escaped
    const start = i
    let lastComma = -1
    let close = -1
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
      switch (c) {
        case QUOTE:
          inString = true
          break
        case OPEN_ARRAY:
        case OPEN_OBJECT:
          depth++
          break
        case CLOSE_ARRAY:
        case CLOSE_OBJECT:
          if (--depth === 0) {
            if (c !== CLOSE_ARRAY) return this.fail()
            close = i
            break scan
          }
          break
        case COMMA:
          if (depth === 1) lastComma = i
          break
      }
    }
    this.depth = depth
    this.inString = inString
    this.escaped = escaped
    if (close >= 0) {
      if (lastComma >= 0) this.sawComma = true
      // The last run: after a comma it must hold an element (`[1,]` is malformed); `[]` holds none.
      if (!this.run(chunk, start, close, this.sawComma)) return
      this.pending = []
      if (this.head) {
        this.state = 'tail'
        this.tail.push(chunk.subarray(close + 1))
      } else {
        this.state = 'done'
        this.trailer(chunk, close + 1)
      }
    } else if (lastComma >= 0) {
      this.sawComma = true
      // A cut is a comma: the run before it holds an element.
      if (!this.run(chunk, start, lastComma, true)) return
      this.pending = lastComma + 1 < n ? [chunk.subarray(lastComma + 1, n)] : []
    } else if (start < n) this.pending.push(chunk.subarray(start, n))
  }

  /** Call once the body is all in. */
  end(): SplitOutcome {
    if (this.state === 'start' || this.state === 'head' || this.state === 'whole') return {kind: 'whole', body: this.whole.length === 1 ? this.whole[0] : Buffer.concat(this.whole)}
    if (this.state === 'tail') {
      // The collection without its items: as JSON.parse reads the whole, a later `Items` key overrides.
      const text = `${this.head!.toString('utf8')}${JSON.stringify(ITEMS_SPLIT)}${Buffer.concat(this.tail).toString('utf8')}`
      let document: unknown
      try {
        document = JSON.parse(text)
      } catch {
        return {kind: 'malformed', bytes: this.bytes}
      }
      return {kind: 'collection', document: document as Record<string, unknown>, elements: this.elements, bytes: this.bytes}
    }
    if (this.state !== 'done') return {kind: 'malformed', bytes: this.bytes}
    return {kind: 'array', elements: this.elements, bytes: this.bytes}
  }

  /**
   * A body that opens with `{`: held whole until its `Items` key (at the top level, holding an
   * array) is found, then split from that array's first byte. Not found within HEAD_LIMIT bytes,
   * or the object ends first: the body is read whole.
   */
  private findItems(chunk: Buffer): void {
    this.whole.push(chunk)
    const held = Buffer.concat(this.whole)
    const at = itemsArrayStart(held)
    if (at === null || (at === undefined && held.length > HEAD_LIMIT)) {
      this.state = 'whole'
      this.whole = [held]
      return
    }
    if (at === undefined) {
      this.whole = [held]
      return
    }
    this.whole = []
    this.head = held.subarray(0, at)
    this.depth = 1
    this.state = 'elements'
    this.take(held.subarray(at + 1))
  }

  /** After the array: whitespace only. */
  private trailer(chunk: Buffer, from: number): void {
    for (let i = from; i < chunk.length; i++) if (!isWhitespace(chunk[i])) return this.fail()
  }

  private fail(): void {
    this.state = 'malformed'
    this.pending = []
  }

  /**
   * Parses the elements from the last cut to `end` (exclusive) of `chunk` and hands them on; false
   * (the body is malformed) when they do not parse, or when there are none and `needsOne`.
   */
  private run(chunk: Buffer, start: number, end: number, needsOne: boolean): boolean {
    const text = this.pending.length === 0
      ? chunk.toString('utf8', start, end)
      : Buffer.concat([...this.pending, chunk.subarray(start, end)]).toString('utf8')
    let items: unknown[]
    try {
      items = JSON.parse(`[${text}]`) as unknown[]
    } catch {
      this.fail()
      return false
    }
    if (items.length === 0 && needsOne) {
      this.fail()
      return false
    }
    const first = this.elements
    this.elements += items.length
    if (items.length > 0) this.onElements(items, first)
    return true
  }
}

/**
 * Where the array of the top-level `Items` key of an object's text begins (the index of its `[`);
 * undefined while the text may yet hold it, null once it cannot (the object ended without one).
 */
export function itemsArrayStart(text: Buffer): number | null | undefined {
  let depth = 0
  let inString = false
  let escaped = false
  let stringStart = -1
  /** The top-level string just closed, while nothing but whitespace followed it: a key when a `:` comes. */
  let lastString: [number, number] | undefined
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (escaped) escaped = false
      else if (c === BACKSLASH) escaped = true
      else if (c === QUOTE) {
        inString = false
        if (depth === 1) lastString = [stringStart, i + 1]
      }
      continue
    }
    if (isWhitespace(c)) continue
    if (c === QUOTE) {
      inString = true
      stringStart = i
      lastString = undefined
      continue
    }
    if (c === 0x3a /* : */ && depth === 1 && lastString) {
      let key: unknown
      try {
        key = JSON.parse(text.toString('utf8', lastString[0], lastString[1]))
      } catch {
        key = undefined
      }
      lastString = undefined
      if (key !== 'Items') continue
      let j = i + 1
      while (j < text.length && isWhitespace(text[j])) j++
      if (j === text.length) return undefined
      if (text[j] === OPEN_ARRAY) return j
      continue
    }
    lastString = undefined
    if (c === OPEN_ARRAY || c === OPEN_OBJECT) depth++
    else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      if (--depth <= 0) return null
    }
  }
  return undefined
}
