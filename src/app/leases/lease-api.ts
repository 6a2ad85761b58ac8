/**
 * Reading `GET /api/{space}/workertaskleases` for the lease sources, with the body's shape checked.
 *
 * A poll whose body is not a well-formed lease collection (an HTML login or proxy page answered
 * with 200, `[]`, JSON of another shape, items without IDs) is a FAILED poll, never "no leases":
 * treating it as an empty snapshot would print every active lease as Released. The error is a
 * transient CliError (exit 1, code `bad-lease-response`), so `leases tail` says so and retries.
 */
import type {SpaceContext} from '../../octopus/client.js'
import type {WorkerTaskLeaseResource} from '../../octopus/types.js'
import {CliError, ExitCode} from '../../text/errors.js'
import {plural} from '../../text/wording.js'

export const LEASE_PAGE_SIZE = 1000

export interface LeaseSnapshot {
  leases: WorkerTaskLeaseResource[]
  /**
   * False when the collection took several pages and they disagree (leases came and went between
   * the page requests): what is listed is real, but a lease missing from it may only have moved
   * to another page, so it must not be taken as released.
   */
  complete: boolean
}

/** Reads every page of the space's active leases; `undefined` when the route is 404 (no lease API). */
export async function readLeaseSnapshot(space: SpaceContext, pageSize = LEASE_PAGE_SIZE): Promise<LeaseSnapshot | undefined> {
  const url = space.path('workertaskleases')
  const byId = new Map<string, WorkerTaskLeaseResource>()
  const totals = new Set<number>()
  let listed = 0
  for (let skip = 0; ; skip += pageSize) {
    const response = await space.client.request<unknown>('GET', url, {query: {skip, take: pageSize}, allowStatus: [404]})
    if (response.status === 404) return undefined
    const page = parseLeaseCollection(response.data, `${space.client.server}${url}`)
    totals.add(page.totalResults)
    listed += page.items.length
    for (const item of page.items) byId.set(item.Id, item)
    if (page.items.length < pageSize || listed >= page.totalResults) {
      const complete = skip === 0 || (totals.size === 1 && byId.size === listed && listed === page.totalResults)
      return {leases: [...byId.values()], complete}
    }
  }
}

export interface LeasePage {
  items: WorkerTaskLeaseResource[]
  totalResults: number
}

/**
 * Checks one response body: `{WorkerTaskLeases: {Items: [...], TotalResults}}` (the documented
 * shape), or the collection itself at the top level. Throws a one-line `bad-lease-response`
 * error naming the URL and what came back otherwise.
 */
export function parseLeaseCollection(body: unknown, url: string): LeasePage {
  const fail = (what: string) =>
    new CliError(`GET ${url} answered with ${what}, not a collection of worker task leases; treating this poll as failed.`, ExitCode.Failure, {
      hint: 'Is the server URL the Octopus Server root, and is a proxy or login page in the way?',
      code: 'bad-lease-response',
    })
  if (!isObject(body)) throw fail(describeBody(body))
  const collection = isObject(body.WorkerTaskLeases) ? body.WorkerTaskLeases : 'Items' in body ? body : undefined
  if (!collection) throw fail(`a JSON object without WorkerTaskLeases (keys: ${Object.keys(body).slice(0, 5).join(', ') || 'none'})`)
  if (!Array.isArray(collection.Items)) throw fail(`a WorkerTaskLeases collection whose Items is ${describeBody(collection.Items)}`)
  const items: WorkerTaskLeaseResource[] = []
  for (const [index, item] of collection.Items.entries()) {
    const problem = leaseProblem(item)
    if (problem) throw fail(`a lease at Items[${index}] that ${problem}`)
    items.push(item as unknown as WorkerTaskLeaseResource)
  }
  const total = collection.TotalResults
  const totalResults = typeof total === 'number' && Number.isInteger(total) && total >= 0 ? total : items.length
  return {items, totalResults}
}

function leaseProblem(item: unknown): string | undefined {
  if (!isObject(item)) return `is ${describeBody(item)}`
  for (const field of ['Id', 'ServerTaskId', 'TakenAt'] as const) {
    if (typeof item[field] !== 'string' || item[field] === '') return `has no ${field}`
  }
  // Worker and pool IDs name the lease's subject; a real server could leave one null, never make it a number or object.
  for (const field of ['WorkerId', 'WorkerPoolId'] as const) {
    if (item[field] !== undefined && item[field] !== null && typeof item[field] !== 'string') return `has a ${field} that is not a string`
  }
  if (!Number.isFinite(Date.parse(item.TakenAt as string))) return `has a TakenAt that is not a time ('${String(item.TakenAt).slice(0, 40)}')`
  if (item.Exclusive !== undefined && item.Exclusive !== null && typeof item.Exclusive !== 'boolean') return 'has a non-boolean Exclusive'
  return undefined
}

/** `text/html (1.2 kB)`-style description of a body that is not what was expected. */
export function describeBody(body: unknown): string {
  if (body === null || body === undefined) return 'an empty body'
  if (typeof body === 'string') {
    const size = Buffer.byteLength(body)
    const kind = /^\s*</.test(body) ? 'an HTML/XML page' : 'text'
    return `${kind} (${size < 1024 ? `${size} B` : `${(size / 1024).toFixed(1)} kB`})`
  }
  if (Array.isArray(body)) return `a JSON array of ${plural(body.length, 'item')}`
  if (typeof body === 'object') return 'a JSON object'
  return `a JSON ${typeof body}`
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
