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
import {ITEMS_SPLIT, JsonArraySplitter} from './json-array-splitter.js'
import {describeItemIssue, shapeProblem, type ResponseShape} from './response-shapes.js'
import type {BodySink} from './transport.js'

export type ListRead<R> =
  | {kind: 'items'; items: R[]; bytes: number}
  /** A collection: its document, with `Items` holding what was kept of each item. */
  | {kind: 'collection'; document: Record<string, unknown>; bytes: number}
  /** The first item that does not fit the shape, in words. */
  | {kind: 'problem'; problem: string; bytes: number}
  | {kind: 'malformed'; bytes: number}
  | {kind: 'whole'; body: Buffer}

/**
 * Up to this many bytes a list is read whole and parsed at once: the splitter's scan is JavaScript,
 * which in a short run costs more than native `JSON.parse` (about 1.5x on a 2.4 MB worker list, and
 * more before it is optimised), while what a list of a few MB holds at once (its bytes, its text and
 * its tree, briefly) does not matter. Past it, where memory does, the list is split as it arrives.
 */
export const SPLIT_ABOVE_BYTES = 4 * 1024 * 1024

type SchemaNode = v.GenericSchema & {type?: string; item?: v.GenericSchema; pipe?: readonly unknown[]; entries?: Record<string, v.GenericSchema>}

/** The item schema of a list shape (`v.array(item)`) or of a collection shape (an object whose `Items` is `v.array(item)`). */
function splitItems(shape: ResponseShape): {items: v.GenericSchema; collection: boolean} | undefined {
  const schema = shape.schema as SchemaNode | undefined
  if (schema?.type === 'array' && schema.item) return {items: schema.item, collection: false}
  const object = schema?.pipe?.find((step) => (step as SchemaNode).type === 'object') as SchemaNode | undefined
  const items = object?.entries?.Items as SchemaNode | undefined
  if (items?.type === 'array' && items.item) return {items: items.item, collection: true}
  return undefined
}

/** What `keep` keeps of each of a list read whole, in order (an item it keeps nothing of left out). */
export function keptOf<T, R>(items: T[], keep: (item: T) => R | undefined): R[] {
  const kept: R[] = []
  for (const item of items) {
    const value = keep(item)
    if (value !== undefined) kept.push(value)
  }
  return kept
}

export class ListReader<T, R> implements BodySink {
  private readonly splitter: JsonArraySplitter
  private readonly itemSchema: v.GenericSchema
  private readonly collection: boolean
  private items: R[] = []
  private problem?: string
  /** The chunks held until the body passes `splitAbove` bytes (then they go to the splitter). */
  private held: Buffer[] | undefined = []
  private heldBytes = 0

  /** `shape` is a list shape or a collection shape (`splits` says which shapes are). */
  constructor(
    private readonly shape: ResponseShape,
    private readonly keep: (item: T) => R | undefined,
    private readonly splitAbove = SPLIT_ABOVE_BYTES,
  ) {
    const split = splitItems(shape)
    if (!split) throw new Error(`not a list or collection shape: ${shape.what}`)
    this.itemSchema = split.items
    this.collection = split.collection
    this.splitter = new JsonArraySplitter((items, firstIndex) => this.elements(items, firstIndex), split.collection ? 'collection' : 'array')
  }

  /** Whether bodies of this shape can be read item by item: a list, or a collection of items. */
  static splits(shape: ResponseShape): boolean {
    return splitItems(shape) !== undefined
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
    if (outcome.kind === 'array') {
      if (this.problem !== undefined) return {kind: 'problem', problem: this.problem, bytes: outcome.bytes}
      return {kind: 'items', items: this.items, bytes: outcome.bytes}
    }
    const document = outcome.document
    if (document.Items !== ITEMS_SPLIT) {
      // A later `Items` key overrode the split one (JSON.parse keeps the last): that one is the list, read whole.
      const problem = shapeProblem(this.shape, document)
      if (problem !== undefined) return {kind: 'problem', problem, bytes: outcome.bytes}
      document.Items = keptOf(document.Items as T[], this.keep)
      return {kind: 'collection', document, bytes: outcome.bytes}
    }
    // Items are checked first, as when the collection is checked whole.
    if (this.problem !== undefined) return {kind: 'problem', problem: `a JSON object whose Items is ${this.problem}`, bytes: outcome.bytes}
    document.Items = []
    const problem = shapeProblem(this.shape, document)
    if (problem !== undefined) return {kind: 'problem', problem, bytes: outcome.bytes}
    document.Items = this.items
    return {kind: 'collection', document, bytes: outcome.bytes}
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
