/** naming/worker and naming/pool: names follow the configured convention (Octopus guidance §7.1, §7.2). */
import {checkName, type Convention} from '../convention.js'
import type {Finding} from '../types.js'
import {quote, spaceArg, spaceFinding, type RuleDescriptor} from './context.js'

function describe(conv: Convention): string {
  return conv.kind === 'template' ? `template ${conv.template}` : `/${conv.source}/`
}

export const namingWorker: RuleDescriptor = {
  id: 'naming/worker',
  defaultSeverity: 'warning',
  title: 'Worker names follow the naming convention',
  rationale: 'Octopus: "Establish an easy-to-understand naming convention for workers", e.g. p-db-omaha-worker-01.',
  unavailable: ({config}) => (config.conventions.worker ? undefined : 'conventions.worker is not configured'),
  run: ({snapshot, config}) => {
    const conv = config.conventions.worker
    if (!conv) return []
    const findings: Finding[] = []
    for (const space of snapshot.spaces) {
      for (const worker of space.workers) {
        const result = checkName(conv, worker.Name)
        if (result.ok) continue
        findings.push(spaceFinding('naming/worker', 'warning', space, worker,
          `Worker name '${worker.Name}' does not follow the convention (${describe(conv)}): ${result.problems.join('; ')}.`,
          `octoworkers worker update ${quote(worker.Name)} --name NEW-NAME ${spaceArg(space)}`))
      }
    }
    return findings
  },
}

export const namingPool: RuleDescriptor = {
  id: 'naming/pool',
  defaultSeverity: 'warning',
  title: 'Worker pool names follow the naming convention',
  rationale: 'Octopus: "Name the worker pool to match the purpose, location, and environment", e.g. Azure Central US Production Worker Pool.',
  unavailable: ({config}) => (config.conventions.pool ? undefined : 'conventions.pool is not configured'),
  run: ({snapshot, config}) => {
    const conv = config.conventions.pool
    if (!conv) return []
    const findings: Finding[] = []
    for (const space of snapshot.spaces) {
      for (const pool of space.pools) {
        const result = checkName(conv, pool.Name)
        if (result.ok) continue
        findings.push(spaceFinding('naming/pool', 'warning', space, pool,
          `Pool name '${pool.Name}' does not follow the convention (${describe(conv)}): ${result.problems.join('; ')}.`,
          `octoworkers pool update ${quote(pool.Name)} --name NEW-NAME ${spaceArg(space)}`))
      }
    }
    return findings
  },
}
