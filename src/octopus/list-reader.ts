/**
 * Reads a large JSON list (every worker of a space) element by element as it arrives: each element
 * is parsed on its own, checked against the list's item shape, and handed to `keep`, which returns
 * what the caller needs of it (or nothing, to leave it out). The whole list never exists at once,
 * not as bytes, not as one tree, so the memory a read takes is what the caller keeps.
 *
 * The checks are the list shape's own: the first item that does not fit is reported in the same
 * words as when the whole list is checked at once (`a JSON array whose item 3 is ...`), and a
 * malformed body is malformed. A body that is not an array, or a list that stays small, is handed
 * back whole, for the request to decode, check and describe like any other.
 *
 * Pure: no I/O.
 */
import * as v from 'valibot'
import {JsonArraySplitter} from './json-array-splitter.js'
import {describeItemIssue, type ResponseShape} from './response-shapes.js'
import type {BodySink} from './transport.js'

export type ListRead<R> =
  | {kind: 'items'; items: R[]; bytes: number}
  /** The first item that does not fit the shape, in words. */
  | {kind: 'problem'; problem: string; bytes: number}
  | {kind: 'malformed'; bytes: number}
  | {kind: 'whole'; body: Buffer}

/**
 * Below this many bytes a list is read whole and parsed at once: the splitter's scan is JavaScript,
 * which in a short run is not yet optimised when a small list is in, while `JSON.parse` is native;
 * what a small list holds at once does not matter. Past it the list is split as it arrives.
 */
export const SPLIT_ABOVE_BYTES = 1024 * 1024

export class ListReader<T, R> implements BodySink {
  private readonly splitter: JsonArraySplitter
  private items: R[] = []
  private problem?: string
  /** The chunks held until the body passes `splitAbove` bytes (then they go to the splitter). */
  private held: Buffer[] | undefined = []
  private heldBytes = 0

  constructor(
    private readonly itemSchema: v.GenericSchema,
    private readonly keep: (item: T) => R | undefined,
    private readonly splitAbove = SPLIT_ABOVE_BYTES,
  ) {
    this.splitter = new JsonArraySplitter((items, firstIndex) => this.elements(items, firstIndex))
  }

  /** The item shape of a list shape (`v.array(item)`), or undefined for any other shape. */
  static itemSchemaOf(shape: ResponseShape): v.GenericSchema | undefined {
    const schema = shape.schema as (v.GenericSchema & {type?: string; item?: v.GenericSchema}) | undefined
    return schema?.type === 'array' ? schema.item : undefined
  }

  write(chunk: Buffer): void {
    if (!this.held) return this.splitter.write(chunk)
    this.held.push(chunk)
    this.heldBytes += chunk.length
    if (this.heldBytes <= this.splitAbove) return
    const held = this.held
    this.held = undefined
    for (const piece of held) this.splitter.write(piece)
  }

  /** What was read; a list that stayed small is handed back whole, to be parsed and checked at once. */
  end(): ListRead<R> {
    if (this.held) return {kind: 'whole', body: this.held.length === 1 ? this.held[0] : Buffer.concat(this.held, this.heldBytes)}
    const outcome = this.splitter.end()
    if (outcome.kind === 'whole' || outcome.kind === 'malformed') return outcome
    if (this.problem !== undefined) return {kind: 'problem', problem: this.problem, bytes: outcome.bytes}
    return {kind: 'items', items: this.items, bytes: outcome.bytes}
  }

  private elements(items: unknown[], firstIndex: number): void {
    if (this.problem !== undefined) return
    for (let i = 0; i < items.length; i++) {
      const item = items[i]
      const result = v.safeParse(this.itemSchema, item, {abortEarly: true})
      if (!result.success) {
        const issue = result.issues[0]
        this.problem = describeItemIssue(this.itemSchema, firstIndex + i, issue.path ?? [], issue.input)
        // Read on to the end: a malformed body is reported as malformed, as when it is parsed whole.
        this.items = []
        return
      }
      const kept = this.keep(item as T)
      if (kept !== undefined) this.items.push(kept)
    }
  }
}
