/**
 * A worker document reduced to what the read model's readers use (`WorkerFacts`): the rules,
 * `builtin-worker` and the metrics. A space's worker list is read item by item and each document
 * reduced as it arrives, so that 100,000 workers cost what these fields cost, not what a whole
 * document does (its links, status text, operating system, shell...).
 *
 * The endpoint keeps every field a reader of an endpoint uses (src/domain/workers/endpoint-facts.ts
 * presents endpoints, the upgrade rules read versions and locks); the nested version and agent
 * details are kept as they came, being small.
 *
 * Pure.
 */
import type {EndpointResource, WorkerResource} from '../../octopus/types.js'
import type {EndpointFacts, WorkerFacts} from './types.js'

export function workerFacts(worker: WorkerResource): WorkerFacts {
  return {
    Id: worker.Id,
    Name: worker.Name,
    IsDisabled: worker.IsDisabled,
    HealthStatus: worker.HealthStatus,
    WorkerPoolIds: worker.WorkerPoolIds,
    Thumbprint: worker.Thumbprint,
    Uri: worker.Uri,
    HasLatestCalamari: worker.HasLatestCalamari,
    Endpoint: endpointFacts(worker.Endpoint),
  }
}

/** The endpoint's fields a reader uses; a value that is not an object (null, or what a hand-made document holds) stays as it came. */
function endpointFacts(endpoint: EndpointResource | null): EndpointFacts | null {
  if (typeof endpoint !== 'object' || endpoint === null) return endpoint
  const e = endpoint as EndpointResource & Record<string, unknown>
  const facts: EndpointFacts & Record<string, unknown> = {
    CommunicationStyle: e.CommunicationStyle,
    Uri: e.Uri,
    Host: e.Host,
    Port: e.Port,
    Thumbprint: e.Thumbprint,
    ProxyId: e.ProxyId,
    AccountId: e.AccountId,
    Fingerprint: e.Fingerprint,
    DotNetCorePlatform: e.DotNetCorePlatform,
    TentacleVersionDetails: e.TentacleVersionDetails,
    TentacleEndpointConfiguration: e.TentacleEndpointConfiguration,
    KubernetesAgentDetails: e.KubernetesAgentDetails,
    UpgradeLocked: e.UpgradeLocked,
  }
  return facts
}
