import {queryInt} from './http.js'

export const DEFAULT_TAKE = 30

export interface Paging {
  skip: number
  take: number
}

export function paging(query: URLSearchParams): Paging {
  return {skip: queryInt(query, 'skip', 0), take: queryInt(query, 'take', DEFAULT_TAKE)}
}

/**
 * A `ResourceCollection` as JSON text, built from item JSON texts (no re-serialising).
 * Links follow Octopus: Self, Template, Page.All, Page.Current, Page.Last and Page.Next when there is one.
 */
export function collectionJson(itemType: string, itemTexts: string[], page: Paging, basePath: string, template: string, query?: URLSearchParams): string {
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
  const links: Record<string, string> = {
    Self: pageLink(page.skip),
    Template: template,
    'Page.All': pageLink(0, 2147483647),
    'Page.Current': pageLink(page.skip),
    'Page.Last': pageLink(take > 0 ? (pages - 1) * take : 0),
  }
  if (take > 0 && page.skip + take < total) links['Page.Next'] = pageLink(page.skip + take)
  const head = JSON.stringify({ItemType: itemType, TotalResults: total, ItemsPerPage: take, NumberOfPages: pages, LastPageNumber: pages - 1})
  return `${head.slice(0, -1)},"Items":[${slice.join(',')}],"Links":${JSON.stringify(links)}}`
}

/** A bare JSON array from item texts (the `/all` endpoints). */
export function arrayJson(itemTexts: string[]): string {
  return `[${itemTexts.join(',')}]`
}
