/** naming/worker and naming/pool: names follow the configured convention (Octopus guidance §7.1, §7.2). */
import {checkName, type Convention} from '../convention.js'
import type {Snapshot} from '../../estate/types.js'
import type {Finding} from '../types.js'
import {quote, spaceArg, spaceFinding, type RuleDescriptor} from './context.js'

function describe(conv: Convention): string {
  if (conv.kind === 'regex') return `/${conv.source}/`
  return conv.templates.length === 1 ? `template ${conv.templates[0].template}` : `templates ${conv.templates.map((t) => t.template).join(' | ')}`
}

/** One rule per kind of resource: the two differ only in what they read and how they word it. */
function namingRule(opts: {
  kind: 'worker' | 'pool'
  title: string
  rationale: string
  label: string
  resources: (space: Snapshot['spaces'][number]) => Array<{Id: string; Name: string}>
}): RuleDescriptor {
  const id = `naming/${opts.kind}` as const
  return {
    id,
    defaultSeverity: 'warning',
    title: opts.title,
    rationale: opts.rationale,
    unavailable: ({config}) => (config.conventions[opts.kind] ? undefined : `conventions.${opts.kind} is not configured`),
    run: ({snapshot, config}) => {
      const conv = config.conventions[opts.kind]
      if (!conv) return []
      const findings: Finding[] = []
      for (const space of snapshot.spaces) {
        for (const resource of opts.resources(space)) {
          const result = checkName(conv, resource.Name)
          if (result.ok) continue
          findings.push(spaceFinding(id, 'warning', space, resource,
            `${opts.label} name '${resource.Name}' does not follow the convention (${describe(conv)}): ${result.problems.join('; ')}.`,
            `octoworkers ${opts.kind} update ${quote(resource.Name)} --name NEW-NAME ${spaceArg(space)}`))
        }
      }
      return findings
    },
  }
}

export const namingWorker = namingRule({
  kind: 'worker',
  title: 'Worker names follow the naming convention',
  rationale: 'Octopus: "Establish an easy-to-understand naming convention for workers", e.g. p-db-omaha-worker-01.',
  label: 'Worker',
  resources: (space) => space.workers,
})

export const namingPool = namingRule({
  kind: 'pool',
  title: 'Worker pool names follow the naming convention',
  rationale: 'Octopus: "Name the worker pool to match the purpose, location, and environment", e.g. Azure Central US Production Worker Pool.',
  label: 'Pool',
  resources: (space) => space.pools,
})
