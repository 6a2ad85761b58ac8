/**
 * What a response must look like for the command to use it (docs/ARCHITECTURE.md §4: "every
 * response is checked for the shape the command needs"). A proxy's login page, a `[]` where a
 * document belongs or a string where an array belongs must end in one clear line naming what
 * came back, never in `x.find is not a function` deep inside a command.
 *
 * Pure: no I/O. The client applies a shape to every 2xx body; repositories may pass their own.
 */

export interface Shape {
  /** What was expected, as a phrase: "a JSON array of resources". */
  readonly what: string
  /** Whether a non-JSON (text) body is acceptable, e.g. a task's raw log. */
  readonly text?: boolean
  /** Why the value does not fit, or undefined when it does. */
  problem(value: unknown): string | undefined
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** "a JSON string", "JSON null", "a JSON array of 3 items"... for messages. */
export function describeJson(value: unknown): string {
  if (value === null) return 'JSON null'
  if (Array.isArray(value)) return `a JSON array of ${value.length} item${value.length === 1 ? '' : 's'}`
  switch (typeof value) {
    case 'string': return 'a JSON string'
    case 'number': return 'a JSON number'
    case 'boolean': return 'a JSON boolean'
    case 'object': return 'a JSON object'
    default: return 'no JSON value'
  }
}

function itemProblem(item: Shape, values: unknown[]): string | undefined {
  for (const [i, v] of values.entries()) {
    const p = item.problem(v)
    if (p) return `item ${i + 1} is ${p}`
  }
  return undefined
}

/** Anything JSON or text: for probes that look at the status only. */
export const anyBody: Shape = {what: 'any answer', text: true, problem: () => undefined}

/** A text body (or a JSON string), e.g. `GET /api/tasks/{id}/raw`. */
export const textBody: Shape = {
  what: 'text',
  text: true,
  problem: (v) => (typeof v === 'string' ? undefined : describeJson(v)),
}

/** Any JSON value (PUT/DELETE answers, which servers fill in differently). */
export const anyJson: Shape = {what: 'JSON', problem: () => undefined}

/** A JSON object (a document such as a space home or the features configuration). */
export const jsonObject: Shape = {what: 'a JSON object', problem: (v) => (isObject(v) ? undefined : describeJson(v))}

/** A JSON object with the given string fields (e.g. a resource's `Id`). */
export function objectWith(...fields: string[]): Shape {
  const what = `a JSON object with ${fields.join(' and ')}`
  return {
    what,
    problem(v) {
      if (!isObject(v)) return describeJson(v)
      const missing = fields.filter((f) => typeof v[f] !== 'string')
      return missing.length ? `a JSON object without a string ${missing.join(' or ')}` : undefined
    },
  }
}

/** One resource: an object with a string `Id`. */
export const resource = objectWith('Id')
/** A named resource (pools, workers, spaces, policies, accounts...): `Id` and `Name` strings. */
export const namedResource = objectWith('Id', 'Name')

/** A JSON array whose every item fits `item` (e.g. the answer of an `/all` route). */
export function arrayOf(item: Shape, what = `a JSON array of ${item.what.replace(/^a JSON /, '').replace(/^object/, 'objects')}`): Shape {
  return {
    what,
    problem(v) {
      if (!Array.isArray(v)) return describeJson(v)
      const p = itemProblem(item, v)
      return p ? `a JSON array whose ${p}` : undefined
    },
  }
}

/** A paged Octopus collection: `{Items: [...], TotalResults?, Links?}` with items fitting `item`. */
export function collectionOf(item: Shape = resource): Shape {
  return {
    what: 'an Octopus collection (a JSON object with Items)',
    problem(v) {
      if (!isObject(v)) return describeJson(v)
      if (!Array.isArray(v.Items)) return v.Items === undefined ? 'a JSON object without Items' : `a JSON object whose Items is ${describeJson(v.Items)}`
      if (v.TotalResults !== undefined && typeof v.TotalResults !== 'number') return 'a collection whose TotalResults is not a number'
      if (v.Links !== undefined && !isObject(v.Links)) return 'a collection whose Links is not an object'
      const p = itemProblem(item, v.Items)
      return p ? `a collection whose ${p}` : undefined
    },
  }
}

/** The `/api` root document: `Version` string and a `Links` object of string templates. */
export const rootDocument: Shape = {
  what: 'an Octopus root document',
  problem(v) {
    if (!isObject(v)) return describeJson(v)
    if (typeof v.Version !== 'string') return 'a JSON object without a string Version'
    if (!isObject(v.Links)) return 'a JSON object without a Links object'
    const bad = Object.entries(v.Links).find(([, t]) => typeof t !== 'string')
    return bad ? `a root document whose link '${bad[0]}' is not a string` : undefined
  },
}

const ID_SEGMENT = /^[A-Za-z][A-Za-z0-9]*-\d+$/

/** `/all` routes whose items have no Name: variable sets and processes are named by their owner. */
const UNNAMED_COLLECTIONS = new Set(['variables', 'deploymentprocesses', 'runbookprocesses'])

/**
 * The shape a request needs when its caller did not say: inferred from the method and the
 * route, so that every call is checked even before it names a shape of its own.
 * - GET `.../all`: an array of named resources, or of resources with an Id for the collections
 *   whose items have no name of their own (variable sets, processes).
 * - GET `.../raw`: text (a task's raw log).
 * - GET `.../{Type-N}` under a collection (`/api/Spaces-1/workers/Workers-3`): a resource.
 *   (`/api/Spaces-1` itself is the space home document, which has no Id.)
 * - any other GET: a JSON object. PUT/POST/DELETE: any JSON (servers answer them differently).
 */
export function inferShape(method: string, url: string): Shape {
  if (method.toUpperCase() !== 'GET') return anyJson
  let segments: string[]
  try {
    segments = new URL(url, 'http://x').pathname.split('/').filter(Boolean)
  } catch {
    return jsonObject
  }
  const last = segments.at(-1) ?? ''
  if (last === 'all') {
    const collection = (segments.at(-2) ?? '').toLowerCase()
    return UNNAMED_COLLECTIONS.has(collection) ? arrayOf(resource, 'a JSON array of resources') : arrayOf(namedResource, 'a JSON array of named resources')
  }
  if (last === 'raw') return textBody
  if (ID_SEGMENT.test(last) && segments.length >= 3 && segments.at(-2)!.toLowerCase() !== 'api') return resource
  return jsonObject
}

/** `1.2 kB`, `300 B`, `256.0 MB`: sizes in messages. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`
  if (n < 1_000_000_000) return `${(n / 1_000_000).toFixed(1)} MB`
  return `${(n / 1_000_000_000).toFixed(1)} GB`
}
