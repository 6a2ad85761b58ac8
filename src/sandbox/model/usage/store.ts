import type {Store} from '../../store.js'
import {USAGE_SCHEMA, type UsageKind} from './schema.js'

/** A stored usage document, as the routes filter on it; never changed once read (lists share it). */
export interface StoredUsageDoc {
  readonly Id: string
  readonly Name?: string
  readonly ContentType?: string
  readonly ProjectId?: string
}

/**
 * The usage documents of one sandbox's database (schema.ts). Each sandbox has its own, held in its
 * context, so two sandboxes in one process never see each other's lists; write through the
 * sandbox's own instance, or its cached lists go stale.
 */
export class UsageDocuments {
  /**
   * Committed documents per kind and space, parsed once (answers of `/all` are joins of their
   * presented texts), dropped on any write; reads inside a transaction never fill it, so it holds
   * only committed data.
   */
  private readonly lists = new Map<string, readonly StoredUsageDoc[]>()

  constructor(private readonly store: Store) {
    store.db.exec(USAGE_SCHEMA)
  }

  put(kind: UsageKind, spaceId: string, sortKey: string, doc: {Id: string}): void {
    this.store.prepare(`INSERT INTO usage_documents (id, kind, space_id, sort_key, json) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(kind, id) DO UPDATE SET sort_key = excluded.sort_key, json = excluded.json`).run(doc.Id, kind, spaceId, sortKey, JSON.stringify(doc))
    this.lists.clear()
  }

  /** The stored JSON text of one document in the space. */
  get(kind: UsageKind, spaceId: string, id: string): string | undefined {
    return this.store.prepare('SELECT json FROM usage_documents WHERE kind = ? AND id = ? AND space_id = ?').pluck().get(kind, id, spaceId) as string | undefined
  }

  /** The documents of a kind in the space, by sort key then ID; the same array of the same objects until the next write. */
  list(kind: UsageKind, spaceId: string): readonly StoredUsageDoc[] {
    const key = `${kind}|${spaceId}`
    const hit = this.lists.get(key)
    if (hit) return hit
    const texts = this.store.prepare('SELECT json FROM usage_documents WHERE kind = ? AND space_id = ? ORDER BY sort_key, id').pluck().all(kind, spaceId) as string[]
    const docs = texts.map((text) => JSON.parse(text) as StoredUsageDoc)
    if (!this.store.db.inTransaction) this.lists.set(key, docs)
    return docs
  }
}
