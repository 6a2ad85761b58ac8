/**
 * Octopus has no ETag, If-Match or version on workers and pools: the last write wins. What a plan
 * saw of each resource is therefore kept as a fingerprint of its writable fields, and apply reads
 * the resource again right before writing and compares: a different fingerprint means someone else
 * changed it, and that item is not written. Read-only fields that change on their own (health,
 * status summary, versions) are left out, so a health check between plan and apply is no conflict.
 */
import type {EndpointResource, WorkerPoolResource, WorkerResource} from '../../octopus/types.js'

function endpointFields(endpoint: EndpointResource | null | undefined): Record<string, unknown> | null {
  if (!endpoint) return null
  const config = endpoint.TentacleEndpointConfiguration
  return {
    CommunicationStyle: endpoint.CommunicationStyle ?? null,
    Uri: endpoint.Uri ?? null,
    Thumbprint: endpoint.Thumbprint ?? null,
    ProxyId: endpoint.ProxyId ?? null,
    Host: endpoint.Host ?? null,
    Port: endpoint.Port ?? null,
    Fingerprint: endpoint.Fingerprint ?? null,
    AccountId: endpoint.AccountId ?? null,
    DotNetCorePlatform: endpoint.DotNetCorePlatform ?? null,
    TentacleEndpointConfiguration: config ? {Thumbprint: config.Thumbprint ?? null, Uri: config.Uri ?? null} : null,
  }
}

export function workerFingerprint(worker: Pick<WorkerResource, 'Name' | 'IsDisabled' | 'MachinePolicyId' | 'WorkerPoolIds' | 'Endpoint'>): string {
  return JSON.stringify({
    Name: worker.Name,
    IsDisabled: Boolean(worker.IsDisabled),
    MachinePolicyId: worker.MachinePolicyId ?? null,
    WorkerPoolIds: [...(worker.WorkerPoolIds ?? [])].sort(),
    Endpoint: endpointFields(worker.Endpoint),
  })
}

export function poolFingerprint(pool: Pick<WorkerPoolResource, 'Name' | 'Description' | 'IsDefault' | 'WorkerPoolType'> & {WorkerType?: string | null}): string {
  return JSON.stringify({
    Name: pool.Name,
    Description: pool.Description ?? '',
    IsDefault: Boolean(pool.IsDefault),
    WorkerPoolType: pool.WorkerPoolType ?? 'StaticWorkerPool',
    WorkerType: pool.WorkerType ?? null,
  })
}

/** The pools' order as the server lists it. */
export function orderFingerprint(poolIds: readonly string[]): string {
  return JSON.stringify(poolIds)
}
