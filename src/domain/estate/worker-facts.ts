/**
 * A worker document reduced to what the read model's readers use (`WorkerFacts`): the rules,
 * `builtin-worker` and the metrics. A space's worker list is read item by item and each document
 * reduced as it arrives, so that 100,000 workers cost what these fields cost, not what a whole
 * document does (its links, status text, operating system, shell...).
 *
 * The endpoint keeps every field a reader of an endpoint uses (src/domain/workers/endpoint-facts.ts
 * presents endpoints, the upgrade rules read versions and locks), those it has only; the nested
 * version and agent details are kept as they came, being small. The values that repeat from
 * worker to worker (health, style, pool IDs) are shared, and the worker's URI and thumbprint are
 * the endpoint's own when equal: a copy of each per worker is most of what a reduced worker costs.
 *
 * Pure (the shared strings are a cache of values, which changes no result).
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
    WorkerPoolIds: Array.isArray(poolIds) ? poolIds.map(shared) : poolIds,
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
    if (value !== undefined) facts[field] = field === 'CommunicationStyle' ? shared(value) : value
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
