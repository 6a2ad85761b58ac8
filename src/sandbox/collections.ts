import {queryInt} from './http.js'
import type {ModelContext} from './context.js'

export const DEFAULT_TAKE = 30

export interface Paging {
  skip: number
  take: number
}

export function paging(query: URLSearchParams): Paging {
  return {skip: queryInt(query, 'skip', 0), take: queryInt(query, 'take', DEFAULT_TAKE)}
}

/**
 * A `ResourceCollection` as JSON text, built from item JSON texts (no re-serialising). The paging
 * links follow the version's style (profiles.ts):
 * - modern (2023.1 events, 2024 artifacts as real servers returned them): Self, Template,
 *   Page.All, Page.Next (when there is a next page), Page.Current, Page.Last;
 * - legacy (Octopus.Client's canned 2017 collections): `IsStale`, and Self, Template, Page.Next,
 *   Page.Current, then Page.0 … Page.N, with no Page.All or Page.Last.
 */
export function collectionJson(ctx: ModelContext, itemType: string, itemTexts: string[], page: Paging, basePath: string, template: string, query?: URLSearchParams): string {
  const total = itemTexts.length
  const take = page.take
  const slice = itemTexts.slice(page.skip, take === 0 ? page.skip : page.skip + take)
  const pages = take > 0 ? Math.max(1, Math.ceil(total / take)) : 1
  const keep = new URLSearchParams()
  for (const [k, v] of query ?? []) if (!/^(skip|take|apikey)$/i.test(k)) keep.append(k, v)
  const pageLink = (skip: number, pageTake = take) => {
    const q = new URLSearchParams(keep)
    q.set('skip', String(skip))
    q.set('take', String(pageTake))
    return `${basePath}?${q.toString()}`
  }
  const next = take > 0 && page.skip + take < total ? pageLink(page.skip + take) : undefined
  const links: Record<string, string> = {Self: pageLink(page.skip), Template: template}
  const legacy = ctx.profile.paging === 'legacy'
  if (!legacy) links['Page.All'] = pageLink(0, 2147483647)
  if (next) links['Page.Next'] = next
  links['Page.Current'] = pageLink(page.skip)
  if (legacy) for (let n = 0; n < pages; n++) links[`Page.${n}`] = pageLink(n * take)
  else links['Page.Last'] = pageLink(take > 0 ? (pages - 1) * take : 0)
  const head = JSON.stringify(legacy
    ? {ItemType: itemType, IsStale: false, TotalResults: total, ItemsPerPage: take, NumberOfPages: pages, LastPageNumber: pages - 1}
    : {ItemType: itemType, TotalResults: total, ItemsPerPage: take, NumberOfPages: pages, LastPageNumber: pages - 1})
  return `${head.slice(0, -1)},"Items":[${slice.join(',')}],"Links":${JSON.stringify(links)}}`
}

/** A bare JSON array from item texts (the `/all` endpoints). */
export function arrayJson(itemTexts: string[]): string {
  return `[${itemTexts.join(',')}]`
}
