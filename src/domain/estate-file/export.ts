/**
 * The estate file of what a server has (`estate export`). Deterministic, so that two exports of an
 * unchanged server are byte-identical and a review diff shows only what changed: spaces by name,
 * pools in the server's sort order (their position in the list is their order), workers by name,
 * keys in one fixed order, and a field only where it says something (`enabled: false`, a proxy, a
 * description). Names, never IDs; nothing secret (accounts by name; thumbprints are public).
 */
import type {WorkerResource} from '../../octopus/types.js'
import {isDynamicPool} from '../pools.js'
import {endpointDisplayOf, kindOf, type ActualEstate, type ActualSpace} from './diff.js'
import {ESTATE_FILE_VERSION} from './schema.js'

/** Plain code-unit order: the same on every machine and locale. */
export const byName = (a: {Name: string}, b: {Name: string}) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0)

export interface ExportedEstate {
  document: Record<string, unknown>
  /** Workers left out, with why (a kind a file cannot declare). */
  skipped: Array<{SpaceName: string; Name: string; Why: string}>
}

export function exportEstate(actual: ActualEstate): ExportedEstate {
  const skipped: ExportedEstate['skipped'] = []
  const spaces: Record<string, unknown> = {}
  for (const space of [...actual.spaces].sort(byName)) {
    spaces[space.Name] = exportSpace(space, (w, why) => skipped.push({SpaceName: space.Name, Name: w.Name, Why: why}))
  }
  const document: Record<string, unknown> = {version: ESTATE_FILE_VERSION}
  if (actual.builtInWorkerEnabled !== undefined) document.builtInWorker = actual.builtInWorkerEnabled ? 'enabled' : 'disabled'
  document.spaces = spaces
  return {document, skipped}
}

function exportSpace(space: ActualSpace, skip: (worker: WorkerResource, why: string) => void): Record<string, unknown> {
  const pools = space.pools.map((pool) => {
    const out: Record<string, unknown> = {name: pool.Name, type: isDynamicPool(pool) ? 'dynamic' : 'static'}
    if (isDynamicPool(pool) && pool.WorkerType) out.workerType = pool.WorkerType
    if (pool.Description) out.description = pool.Description
    if (pool.IsDefault) out.default = true
    return out
  })
  const poolOrder = new Map(space.pools.map((p, i) => [p.Id, i]))
  const workers: Array<Record<string, unknown>> = []
  for (const worker of [...space.workers].sort(byName)) {
    const kind = kindOf(worker)
    if (!kind) {
      skip(worker, `its endpoint is ${worker.Endpoint?.CommunicationStyle ?? 'missing'}, which a file cannot declare`)
      continue
    }
    const poolIds = [...new Set(worker.WorkerPoolIds ?? [])].filter((id) => poolOrder.has(id)).sort((a, b) => poolOrder.get(a)! - poolOrder.get(b)!)
    const out: Record<string, unknown> = {name: worker.Name, kind, pools: poolIds.map((id) => space.pools[poolOrder.get(id)!].Name)}
    for (const [field, value] of Object.entries(endpointDisplayOf(worker, space))) {
      if (value === null || value === undefined) continue
      out[field] = field === 'thumbprint' && typeof value === 'string' ? value.toUpperCase() : value
    }
    const policy = space.policies.find((p) => p.Id === worker.MachinePolicyId)
    if (policy) out.machinePolicy = policy.Name
    if (worker.IsDisabled) out.enabled = false
    workers.push(out)
  }
  return {pools, workers}
}
