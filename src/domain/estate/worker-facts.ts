/**
 * A worker document reduced to what the read model's readers use (`WorkerFacts`): the rules,
 * `builtin-worker` and the metrics. A space's worker list is read item by item and each document
 * reduced as it arrives, so that 100,000 workers cost what these fields cost, not what a whole
 * document does (its links, status text, operating system, shell...).
 *
 * The endpoint keeps every field a reader of an endpoint uses (src/domain/workers/endpoint-facts.ts
 * presents endpoints, the upgrade rules read versions and locks), those it has only. The values
 * that repeat from worker to worker are shared: health, style, each pool ID, the list of pool IDs
 * and the nested version and agent details (most workers of an estate run one Tentacle version
 * with the same advice); the worker's URI and thumbprint are the endpoint's own when equal. A copy
 * of each per worker is most of what a reduced worker costs. A shared list or details object is
 * frozen, so that a reader that changed one in place would fail loudly rather than change other
 * workers' facts.
 *
 * Pure (the shared values are a cache, which changes no result).
 */
import type {EndpointResource, WorkerResource} from '../../octopus/types.js'
import type {EndpointFacts, WorkerFacts} from './types.js'

const ENDPOINT_FIELDS = [
  'CommunicationStyle', 'Uri', 'Host', 'Port', 'Thumbprint', 'ProxyId', 'AccountId', 'Fingerprint', 'DotNetCorePlatform',
  'TentacleVersionDetails', 'TentacleEndpointConfiguration', 'KubernetesAgentDetails', 'UpgradeLocked',
] as const

export function workerFacts(worker: WorkerResource): WorkerFacts {
  const endpoint = endpointFacts(worker.Endpoint)
  const uri = worker.Uri
  const thumbprint = worker.Thumbprint
  if (endpoint && typeof endpoint === 'object') {
    if (endpoint.Uri === uri && uri !== undefined) endpoint.Uri = uri
    if (endpoint.Thumbprint === thumbprint && thumbprint !== undefined) endpoint.Thumbprint = thumbprint
  }
  const poolIds = worker.WorkerPoolIds
  return {
    Id: worker.Id,
    Name: worker.Name,
    IsDisabled: worker.IsDisabled,
    HealthStatus: shared(worker.HealthStatus),
    WorkerPoolIds: Array.isArray(poolIds) ? sharedList(poolIds) : poolIds,
    Thumbprint: thumbprint,
    Uri: uri,
    HasLatestCalamari: worker.HasLatestCalamari,
    Endpoint: endpoint,
  }
}

/** The endpoint's fields a reader uses, those present; a value that is not an object (null, or what a hand-made document holds) stays as it came. */
function endpointFacts(endpoint: EndpointResource | null): EndpointFacts | null {
  if (typeof endpoint !== 'object' || endpoint === null) return endpoint
  const from = endpoint as Record<string, unknown>
  const facts: Record<string, unknown> = {}
  for (const field of ENDPOINT_FIELDS) {
    const value = from[field]
    if (value === undefined) continue
    facts[field] = field === 'CommunicationStyle' ? shared(value) : NESTED_DETAILS.has(field) ? sharedDetails(value) : value
  }
  return facts as unknown as EndpointFacts
}

/** One copy of each short value that repeats from worker to worker (at most MAX_SHARED of them). */
function shared<T>(value: T): T {
  if (typeof value !== 'string' || value.length > 64) return value
  const known = sharedValues.get(value)
  if (known !== undefined) return known as T
  if (sharedValues.size < MAX_SHARED) sharedValues.set(value, value)
  return value
}
const MAX_SHARED = 10_000
const sharedValues = new Map<string, string>()

/** The nested objects of flat values that repeat from worker to worker. */
const NESTED_DETAILS = new Set<string>(['TentacleVersionDetails', 'KubernetesAgentDetails'])

/**
 * One frozen copy of each list of short strings (a worker's pool IDs); any other list as it came.
 * Most workers are in one pool: such a list is found by its one ID, without a key to build.
 */
function sharedList<T>(list: T[]): T[] {
  if (list.length === 1 && typeof list[0] === 'string' && list[0].length <= 64) {
    const id = list[0]
    let one = singleIdLists.get(id)
    if (!one) {
      one = Object.freeze([shared(id)])
      if (singleIdLists.size < MAX_SHARED) singleIdLists.set(id, one)
    }
    return one as unknown as T[]
  }
  let key = ''
  for (const item of list) {
    if (!isShortText(item)) return list.map(shared)
    key += item + '\u0000'
  }
  let known = sharedLists.get(key)
  if (!known) {
    known = Object.freeze(list.map(shared)) as readonly unknown[]
    if (sharedLists.size < MAX_SHARED) sharedLists.set(key, known)
  }
  return known as T[]
}
const singleIdLists = new Map<string, readonly string[]>()
const sharedLists = new Map<string, readonly unknown[]>()

/**
 * One frozen copy of each details object whose values are all short strings, numbers, booleans or
 * null (a Tentacle's version and upgrade advice); any other value as it came. The copies are found
 * by the object's first string value (its version), then compared field by field: no key is built.
 */
function sharedDetails(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
  const fields = value as Record<string, unknown>
  let bucketKey: string | undefined
  let count = 0
  for (const field in fields) {
    if (!Object.hasOwn(fields, field)) return value
    const item = fields[field]
    if (item !== null && typeof item !== 'boolean' && typeof item !== 'number' && !(typeof item === 'string' && item.length <= 64)) return value
    if (bucketKey === undefined && typeof item === 'string') bucketKey = item
    count++
  }
  const bucket = detailsByFirstText.get(bucketKey ?? '')
  const known = bucket?.find((candidate) => sameFlatFields(candidate, fields, count))
  if (known) return known.value
  const made = Object.freeze({...fields})
  if (detailsCount < MAX_SHARED) {
    detailsCount++
    const entry = {value: made, fields: Object.keys(made)}
    if (bucket) bucket.push(entry)
    else detailsByFirstText.set(bucketKey ?? '', [entry])
  }
  return made
}
const detailsByFirstText = new Map<string, Array<{value: Readonly<Record<string, unknown>>; fields: string[]}>>()
let detailsCount = 0

/** Whether `b` has the candidate's fields, in its order, with the same flat values. */
function sameFlatFields(candidate: {value: Readonly<Record<string, unknown>>; fields: string[]}, b: Record<string, unknown>, bCount: number): boolean {
  if (candidate.fields.length !== bCount) return false
  let at = 0
  for (const field in b) {
    if (candidate.fields[at] !== field || !Object.is(candidate.value[field], b[field])) return false
    at++
  }
  return true
}

/** A string that can be part of a list's key: short, and without the separator. */
function isShortText(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 64 && !value.includes('\u0000')
}
