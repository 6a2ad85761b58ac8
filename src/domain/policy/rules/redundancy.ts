/** redundancy/* and ha/too-few-workers: enough usable workers per pool and per space (Octopus guidance §7.3, §7.10). */
import {isAvailable, unavailableReason} from '../../availability.js'
import {minWorkersFor} from '../../floor.js'
import {workersOf} from '../../estate/facts.js'
import {isStaticPool} from '../../pools.js'
import {runsOnBuiltinWorker} from '../../builtin-worker.js'
import type {WorkerFacts} from '../../estate/types.js'
import type {Finding} from '../types.js'
import {addWorkerFix, quote, registerWorkerFix, spaceArg, spaceFinding, type RuleDescriptor} from './context.js'
import {plural} from '../../../text/wording.js'

/** "3 workers: 1 disabled, 2 Unhealthy" — why a pool's usable count is what it is. */
function breakdown(workers: readonly WorkerFacts[]): string {
  if (workers.length === 0) return 'no workers'
  const reasons = new Map<string, number>()
  for (const w of workers) {
    const reason = unavailableReason(w)
    if (reason) reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
  }
  const detail = [...reasons].map(([k, n]) => `${n} ${k}`).join(', ')
  return `${plural(workers.length, 'worker')}${detail ? `: ${detail}` : ''}`
}

export const minWorkers: RuleDescriptor = {
  id: 'redundancy/min-workers',
  defaultSeverity: 'warning',
  title: 'Static pools have enough healthy, enabled workers',
  rationale: 'Octopus: "For redundancy, have at least two workers per pool." A pool with no usable worker fails every step that uses it (error); fewer than the minimum is a warning.',
  run: ({snapshot, config}) => {
    const findings: Finding[] = []
    for (const space of snapshot.spaces) {
      for (const pool of space.pools.filter(isStaticPool)) {
        const workers = workersOf(space, pool.Id)
        if (workers.length === 0 && !pool.IsDefault) continue // pool/empty covers it
        const needed = minWorkersFor(config, pool)
        const usable = workers.filter(isAvailable).length
        if (needed === 0 || usable >= needed) continue
        // A switch that could not be read is taken as off: the message does not promise a fallback.
        const builtinFallback = runsOnBuiltinWorker(pool, workers.length, snapshot.builtInWorkerEnabled === true)
        const consequence = usable > 0
          ? `at least ${needed} are recommended for redundancy`
          : builtinFallback ? 'its steps run on the built-in worker on the Octopus Server' : 'steps that use it will fail for lack of a worker'
        findings.push(spaceFinding('redundancy/min-workers', usable === 0 ? 'error' : 'warning', space, pool,
          `Pool '${pool.Name}' has ${plural(usable, 'healthy, enabled worker')} (${breakdown(workers)}); ${consequence}.`,
          addWorkerFix(pool, space, snapshot.server)))
      }
    }
    return findings
  },
}

export const allUnhealthy: RuleDescriptor = {
  id: 'redundancy/all-unhealthy',
  defaultSeverity: 'error',
  title: 'No pool has only unhealthy workers',
  rationale: 'When every enabled worker of a pool is unhealthy, steps that use the pool fail, and the built-in worker does not step in.',
  run: ({snapshot}) => {
    const findings: Finding[] = []
    for (const space of snapshot.spaces) {
      for (const pool of space.pools) {
        const enabled = workersOf(space, pool.Id).filter((w) => !w.IsDisabled)
        if (enabled.length === 0 || enabled.some(isAvailable)) continue
        findings.push(spaceFinding('redundancy/all-unhealthy', 'error', space, pool,
          `All ${plural(enabled.length, 'enabled worker')} of pool '${pool.Name}' are unhealthy (${[...new Set(enabled.map((w) => w.HealthStatus))].join(', ')}).`,
          `octoworkers worker health --pool ${quote(pool.Name)} --wait ${spaceArg(space)}`))
      }
    }
    return findings
  },
}

export const tooFewForHa: RuleDescriptor = {
  id: 'ha/too-few-workers',
  defaultSeverity: 'warning',
  title: 'At least as many healthy external workers as server nodes',
  rationale: 'Octopus: each HA node has its own built-in worker; provision at least as many external workers as server nodes.',
  unavailable: ({snapshot}) => (snapshot.serverNodes ? undefined : 'the server nodes could not be read'),
  run: ({snapshot}) => {
    const nodes = snapshot.serverNodes
    if (!nodes || nodes.length === 0) return []
    const findings: Finding[] = []
    for (const space of snapshot.spaces) {
      const usable = space.workers.filter(isAvailable).length
      if (usable >= nodes.length) continue
      findings.push({
        RuleId: 'ha/too-few-workers', Severity: 'warning', Subject: space.space.Name, SubjectId: space.space.Id, SpaceId: space.space.Id, SpaceName: space.space.Name,
        Message: `Space '${space.space.Name}' has ${plural(usable, 'healthy, enabled external worker')} but the server has ${plural(nodes.length, 'node')} (${nodes.map((n) => n.Name).join(', ')}); provision at least one worker per node.`,
        Fix: registerWorkerFix('POOL', space),
      })
    }
    return findings
  },
}
