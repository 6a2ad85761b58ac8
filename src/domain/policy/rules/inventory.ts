/** pool/empty, worker/duplicate-*, worker/also-deployment-target, dynamic/in-use: what is registered where. */
import {thumbprintOf, workersOf} from '../../estate/facts.js'
import {isDynamicPool, isStaticPool} from '../../pools.js'
import {fallsBackToBuiltinWorker} from '../../builtin-worker.js'
import type {SpaceSnapshot, WorkerFacts} from '../../estate/types.js'
import type {Finding} from '../types.js'
import {quote, spaceArg, spaceFinding, type RuleDescriptor} from './context.js'

export const emptyPool: RuleDescriptor = {
  id: 'pool/empty',
  defaultSeverity: 'warning',
  title: 'Non-default static pools have workers',
  rationale: 'A step that uses an empty pool fails: only the default pool falls back to the built-in worker.',
  run: ({snapshot}) => {
    const findings: Finding[] = []
    for (const space of snapshot.spaces) {
      for (const pool of space.pools) {
        const registered = workersOf(space, pool.Id).length
        // An empty default pool falls back to the built-in worker: builtin/in-use and usage/* report it.
        if (!isStaticPool(pool) || registered > 0 || fallsBackToBuiltinWorker(pool, registered)) continue
        findings.push(spaceFinding('pool/empty', 'warning', space, pool,
          `Pool '${pool.Name}' has no workers; steps that use it fail (only the default pool falls back to the built-in worker).`,
          `octoworkers pool delete ${quote(pool.Name)} ${spaceArg(space)}`))
      }
    }
    return findings
  },
}

interface Placed {
  space: SpaceSnapshot
  worker: WorkerFacts
}

/**
 * The groups of two or more items with one key, in the order of each group's first item. Most keys
 * are unique (100,000 workers, a handful of duplicates): an item is kept alone until a second one
 * shares its key, so no array is made for each of them.
 */
function groupBy(items: Placed[], key: (p: Placed) => string | undefined): Placed[][] {
  const firstIndex = new Map<string, number>()
  const groups = new Map<number, Placed[]>()
  for (let i = 0; i < items.length; i++) {
    const k = key(items[i])
    if (k === undefined) continue
    const first = firstIndex.get(k)
    if (first === undefined) firstIndex.set(k, i)
    else {
      const group = groups.get(first)
      if (group) group.push(items[i])
      else groups.set(first, [items[first], items[i]])
    }
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, group]) => group)
}

function where(p: Placed): string {
  return `${p.worker.Id} in space '${p.space.space.Name}'`
}

export const duplicateName: RuleDescriptor = {
  id: 'worker/duplicate-name',
  defaultSeverity: 'warning',
  title: 'Worker names are unique across spaces',
  rationale: 'Two workers with the same name (ignoring case) make logs, leases and scripts ambiguous.',
  run: ({snapshot}) => {
    const all = snapshot.spaces.flatMap((space) => space.workers.map((worker) => ({space, worker})))
    return groupBy(all, (p) => p.worker.Name.trim().toLowerCase()).flatMap((group) =>
      group.map((p) => spaceFinding('worker/duplicate-name', 'warning', p.space, p.worker,
        `Worker name '${p.worker.Name}' is also used by ${group.filter((o) => o !== p).map((o) => `'${o.worker.Name}' (${where(o)})`).join(', ')}.`,
        `octoworkers worker update ${quote(p.worker.Name)} --name NEW-NAME ${spaceArg(p.space)}`)))
  },
}

export const duplicateThumbprint: RuleDescriptor = {
  id: 'worker/duplicate-thumbprint',
  defaultSeverity: 'warning',
  title: 'No Tentacle is registered twice as a worker in one space',
  rationale: 'Two workers with one certificate thumbprint are one Tentacle registered twice: it is leased as two workers and counted twice for redundancy. (Registering one Tentacle in several spaces is normal, so only duplicates within a space count.)',
  run: ({snapshot}) => {
    const findings: Finding[] = []
    for (const space of snapshot.spaces) {
      const placed = space.workers.map((worker) => ({space, worker}))
      for (const group of groupBy(placed, (p) => thumbprintOf(p.worker))) {
        for (const p of group) {
          findings.push(spaceFinding('worker/duplicate-thumbprint', 'warning', space, p.worker,
            `Worker '${p.worker.Name}' has the same Tentacle thumbprint (${thumbprintOf(p.worker)}) as ${group.filter((o) => o !== p).map((o) => `'${o.worker.Name}' (${o.worker.Id})`).join(', ')}: one Tentacle registered twice.`,
            `octoworkers worker delete ${quote(p.worker.Name)} ${spaceArg(space)}  # keep one registration`))
        }
      }
    }
    return findings
  },
}

function normalizeUri(uri: string | null | undefined): string | undefined {
  if (!uri) return undefined
  return uri.trim().toLowerCase().replace(/\/+$/, '')
}

export const alsoDeploymentTarget: RuleDescriptor = {
  id: 'worker/also-deployment-target',
  defaultSeverity: 'warning',
  title: 'Listening Tentacles are not both worker and deployment target',
  rationale: 'A listening Tentacle can be registered as both a worker and a deployment target, but Octopus does not recommend it.',
  unavailable: ({snapshot}) => (snapshot.spaces.some((s) => s.deploymentTargets) ? undefined : 'the deployment targets could not be read'),
  run: ({snapshot}) => {
    const targets = snapshot.spaces.flatMap((space) => (space.deploymentTargets ?? []).map((target) => ({space, target})))
    const findings: Finding[] = []
    for (const space of snapshot.spaces) {
      for (const worker of space.workers) {
        if (worker.Endpoint?.CommunicationStyle !== 'TentaclePassive') continue
        const thumbprint = thumbprintOf(worker)
        const uri = normalizeUri(worker.Endpoint.Uri ?? worker.Uri)
        const matches = targets.filter(({target}) => {
          if (target.Endpoint?.CommunicationStyle && target.Endpoint.CommunicationStyle !== 'TentaclePassive') return false
          return (thumbprint !== undefined && thumbprintOf(target) === thumbprint) || (uri !== undefined && normalizeUri(target.Endpoint?.Uri ?? target.Uri) === uri)
        })
        if (matches.length === 0) continue
        findings.push(spaceFinding('worker/also-deployment-target', 'warning', space, worker,
          `Listening Tentacle worker '${worker.Name}' is also registered as deployment target ${matches.map(({space: s, target}) => `'${target.Name}' (${target.Id} in space '${s.space.Name}')`).join(', ')}; Octopus does not recommend using one Tentacle for both.`,
          'Run a separate Tentacle instance (its own port and certificate) for the worker role, then re-register the worker.'))
      }
    }
    return findings
  },
}

export const dynamicInUse: RuleDescriptor = {
  id: 'dynamic/in-use',
  defaultSeverity: 'note',
  title: 'Dynamic worker pools in use',
  rationale: 'Dynamic workers are leased VMs on Octopus Cloud (one per pool at a time). At scale Octopus suggests hosting your own workers.',
  run: ({snapshot}) => {
    const findings: Finding[] = []
    for (const space of snapshot.spaces) {
      for (const pool of space.pools.filter(isDynamicPool)) {
        findings.push(spaceFinding('dynamic/in-use', 'note', space, pool,
          `Pool '${pool.Name}' is a dynamic worker pool${pool.WorkerType ? ` (${pool.WorkerType})` : ''}: Octopus Cloud leases one worker VM from it at a time.`,
          null))
      }
    }
    return findings
  },
}
