/** pool/empty, worker/duplicate-*, worker/also-deployment-target, dynamic/in-use: what is registered where. */
import {thumbprintOf, workersOf} from '../../estate/facts.js'
import {isDynamicPool, isStaticPool} from '../../pools.js'
import {fallsBackToBuiltinWorker} from '../../builtin-worker.js'
import type {SpaceSnapshot, WorkerFacts} from '../../estate/types.js'
import {lowerCased} from '../../../text/case.js'
import {groupOf} from '../../../text/group.js'
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
 * The groups of two or more workers with one key, across `spaces` in order, each group in the
 * order of its first worker and its workers in theirs. Most keys are unique (100,000 workers, a
 * handful of duplicates): a worker is remembered by its place in the walk (a number) until a second
 * one shares its key, so nothing is made for each of them but the key's entry.
 */
function duplicateGroups(spaces: readonly SpaceSnapshot[], key: (worker: WorkerFacts) => string | undefined): Placed[][] {
  const firstAt = new Map<string, number>()
  const groups = new Map<number, Placed[]>()
  const starts: number[] = []
  let at = 0
  for (const space of spaces) {
    starts.push(at)
    for (const worker of space.workers) {
      const k = key(worker)
      if (k !== undefined) {
        const first = firstAt.get(k)
        if (first === undefined) firstAt.set(k, at)
        else {
          const group = groups.get(first)
          if (group) group.push({space, worker})
          else groups.set(first, [placedAt(spaces, starts, first), {space, worker}])
        }
      }
      at++
    }
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, group]) => group)
}

/** The worker at place `at` of the walk over `spaces` (whose first places are `starts`). */
function placedAt(spaces: readonly SpaceSnapshot[], starts: readonly number[], at: number): Placed {
  let index = starts.length - 1
  while (starts[index] > at) index--
  return {space: spaces[index], worker: spaces[index].workers[at - starts[index]]}
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
    return duplicateGroups(snapshot.spaces, (worker) => lowerCased(worker.Name.trim())).flatMap((group) =>
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
      for (const group of duplicateGroups([space], thumbprintOf)) {
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
  return lowerCased(uri.trim()).replace(/\/+$/, '')
}

export const alsoDeploymentTarget: RuleDescriptor = {
  id: 'worker/also-deployment-target',
  defaultSeverity: 'warning',
  title: 'Listening Tentacles are not both worker and deployment target',
  rationale: 'A listening Tentacle can be registered as both a worker and a deployment target, but Octopus does not recommend it.',
  unavailable: ({snapshot}) => (snapshot.spaces.some((s) => s.deploymentTargets) ? undefined : 'the deployment targets could not be read'),
  run: ({snapshot}) => {
    // The listening targets (and those whose style is not said) by thumbprint and by address, each
    // list in the order the spaces give them: a worker looks its matches up instead of comparing
    // itself with every target.
    const listening = snapshot.spaces.flatMap((space) => (space.deploymentTargets ?? []).map((target) => ({space, target})))
      .filter(({target}) => !target.Endpoint?.CommunicationStyle || target.Endpoint.CommunicationStyle === 'TentaclePassive')
    const findings: Finding[] = []
    if (listening.length === 0) return findings
    const places = listening.map((_, at) => at)
    const byThumbprint = groupOf(places, (at) => thumbprintOf(listening[at].target))
    const byUri = groupOf(places, (at) => normalizeUri(listening[at].target.Endpoint?.Uri ?? listening[at].target.Uri))
    for (const space of snapshot.spaces) {
      for (const worker of space.workers) {
        if (worker.Endpoint?.CommunicationStyle !== 'TentaclePassive') continue
        const thumbprint = thumbprintOf(worker)
        const uri = normalizeUri(worker.Endpoint.Uri ?? worker.Uri)
        const sameThumbprint = thumbprint === undefined ? undefined : byThumbprint.get(thumbprint)
        const sameUri = uri === undefined ? undefined : byUri.get(uri)
        if (!sameThumbprint && !sameUri) continue
        const matches = [...new Set([...(sameThumbprint ?? []), ...(sameUri ?? [])])].sort((a, b) => a - b).map((at) => listening[at])
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
