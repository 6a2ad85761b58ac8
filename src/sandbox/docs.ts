import {HttpError, notFound} from './http.js'
import type {ModelContext} from './context.js'
import type {DocKind} from './store.js'
import type {PresentedJson} from './present.js'

/** Human names for 404 messages, as Octopus words them. */
const KIND_LABEL: Record<DocKind, string> = {
  Space: 'Space',
  WorkerPool: 'WorkerPool',
  Worker: 'Worker',
  MachinePolicy: 'MachinePolicy',
  Account: 'Account',
  Proxy: 'Proxy',
  Machine: 'Machine',
  ServerNode: 'OctopusServerNode',
  Environment: 'Environment',
}

/** Reads a document of the given kind in the space (or global), or 404s. */
export function loadDoc<T = any>(ctx: ModelContext, kind: DocKind, id: string, spaceId?: string): T {
  return JSON.parse(loadJson(ctx, kind, id, spaceId)) as T
}

/** The JSON text of a document (no parse), or 404. */
export function loadJson(ctx: ModelContext, kind: DocKind, id: string, spaceId?: string): string {
  const row = ctx.store.getDoc(kind, id)
  if (!row || (spaceId !== undefined && row.space_id !== null && row.space_id !== spaceId)) throw notFound(KIND_LABEL[kind], id)
  return row.json
}

/** A document as a response shows it (present.ts), or 404. */
export function loadPresented(ctx: ModelContext, kind: DocKind, id: string, spaceId?: string): PresentedJson {
  return ctx.present.text(loadJson(ctx, kind, id, spaceId))
}

/** Names are unique per space, ignoring case. */
export function assertUniqueName(ctx: ModelContext, kind: DocKind, spaceId: string | null, name: string, selfId?: string, label = 'name'): void {
  const existing = ctx.store.findByName(kind, spaceId, name)
  if (existing && existing.id !== selfId) {
    throw new HttpError(400, 'There was a problem with your request.', [`The ${label} '${name}' is already in use. Please choose a different ${label}.`])
  }
}

/** Filters documents by `ids`, `name` (exact, case-insensitive) and `partialName` (contains). */
export function matchesCommonFilters(doc: {Id: string; Name: string}, ids?: string[], name?: string, partialName?: string): boolean {
  if (ids && ids.length && !ids.some((id) => id.toLowerCase() === doc.Id.toLowerCase())) return false
  if (name !== undefined && name !== '' && doc.Name.toLowerCase() !== name.toLowerCase()) return false
  if (partialName !== undefined && partialName !== '' && !doc.Name.toLowerCase().includes(partialName.toLowerCase())) return false
  return true
}

export function spacePath(spaceId: string, suffix: string): string {
  return `/api/${spaceId}/${suffix}`
}

/** The space's own "last modified" stamp for documents this sandbox writes. */
export function stamp(ctx: ModelContext): {LastModifiedOn: string; LastModifiedBy: string} {
  return {LastModifiedOn: ctx.now(), LastModifiedBy: 'sandbox-admin'}
}
