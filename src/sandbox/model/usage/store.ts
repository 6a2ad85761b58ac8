/** Reads and writes of the usage documents table (schema.ts). */
import type {Store} from '../../store.js'
import {ensureSchema, type UsageKind} from './schema.js'

/** Committed JSON texts per kind and space (answers of `/all` are joins of them); dropped on any write. */
const listCache = new WeakMap<Store, Map<string, string[]>>()

export function putUsageDoc(store: Store, kind: UsageKind, spaceId: string, sortKey: string, doc: {Id: string}): void {
  ensureSchema(store)
  store.prepare(`INSERT INTO usage_documents (id, kind, space_id, sort_key, json) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT(kind, id) DO UPDATE SET sort_key = excluded.sort_key, json = excluded.json`).run(doc.Id, kind, spaceId, sortKey, JSON.stringify(doc))
  listCache.get(store)?.clear()
}

export function getUsageJson(store: Store, kind: UsageKind, spaceId: string, id: string): string | undefined {
  ensureSchema(store)
  return store.prepare('SELECT json FROM usage_documents WHERE kind = ? AND id = ? AND space_id = ?').pluck().get(kind, id, spaceId) as string | undefined
}

export function listUsageJson(store: Store, kind: UsageKind, spaceId: string): string[] {
  ensureSchema(store)
  let cache = listCache.get(store)
  if (!cache) listCache.set(store, (cache = new Map()))
  const key = `${kind}|${spaceId}`
  const hit = cache.get(key)
  if (hit) return hit
  const texts = store.prepare('SELECT json FROM usage_documents WHERE kind = ? AND space_id = ? ORDER BY sort_key, id').pluck().all(kind, spaceId) as string[]
  if (!store.db.inTransaction) cache.set(key, texts)
  return texts
}
