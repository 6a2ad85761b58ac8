/**
 * usage/*: what the deployment processes and runbooks run on (src/domain/usage). These rules need the
 * process reads, which the snapshot makes only when one of them is enabled (src/app/estate/read.ts).
 */
import {isAvailable} from '../../availability.js'
import {workersOf} from '../../estate/facts.js'
import {isDynamicPool} from '../../pools.js'
import {failsForLackOfWorker} from '../../builtin-worker.js'
import type {SpaceSnapshot} from '../../estate/types.js'
import type {Finding, RuleId} from '../types.js'
import type {UsageRow} from '../../usage/types.js'
import {rowsByPool} from '../../usage/summary.js'
import {addWorkerFix, quote, spaceArg, spaceFinding, type RuleDescriptor} from './context.js'
import {plural} from '../../../text/wording.js'

const notRead: RuleDescriptor['unavailable'] = ({snapshot}) =>
  snapshot.spaces.some((s) => s.usage) ? undefined : 'the deployment processes and runbooks were not read'

/** Rows of steps that would actually run: the action and its project enabled. */
function live(rows: UsageRow[]): UsageRow[] {
  return rows.filter((r) => !r.IsDisabled && !r.ProjectDisabled)
}

/** Where a runbook step runs, as its rows say (the runbook's environments with the step's). */
function runbookWhere(row: UsageRow): string {
  if (row.Environments) return ` in ${row.Environments.join(', ') || 'no environment'}`
  return row.EnvironmentsResolved ? '' : ' in its project lifecycles\' environments (not resolved)'
}

function examples(rows: UsageRow[], limit = 3): string {
  const names = [...new Set(rows.map((r) => `'${r.StepName}' (${r.ProjectName}${r.ProcessType === 'Runbook' ? `, runbook ${r.ProcessName}${runbookWhere(r)}` : ''})`))]
  return names.length <= limit ? names.join(', ') : `${names.slice(0, limit).join(', ')} and ${names.length - limit} more`
}

function distinctActions(rows: UsageRow[]): number {
  return new Set(rows.map((r) => `${r.ProjectId}|${r.RunbookId ?? ''}|${r.ActionId}`)).size
}

function usageFix(poolName: string, space: SpaceSnapshot): string {
  return `octoworkers pool usage ${quote(poolName)} ${spaceArg(space)}`
}

export const poolWithoutWorkers: RuleDescriptor = {
  id: 'usage/pool-without-workers',
  defaultSeverity: 'error',
  title: 'Every pool that steps run on has an available worker',
  rationale: 'A step fails "for lack of a worker" when its pool has no healthy, enabled worker (Octopus docs, worker pools). Only an EMPTY default pool falls back to the built-in worker, and only while it is on; unhealthy workers in the default pool block that fallback. A step whose pool was deleted fails too.',
  unavailable: notRead,
  run: ({snapshot}) => {
    const findings: Finding[] = []
    for (const space of snapshot.spaces) {
      if (!space.usage) continue
      const byPool = rowsByPool(space.usage.rows)
      for (const pool of space.pools) {
        const rows = live(byPool.get(pool.Id) ?? [])
        if (rows.length === 0) continue
        const members = workersOf(space, pool.Id)
        // An empty default pool runs on the built-in worker while it is on: builtin/in-use reports
        // that. A switch that could not be read is taken as on: no error on a guess.
        if (!failsForLackOfWorker(pool, {registered: members.length, available: members.filter(isAvailable).length}, snapshot.builtInWorkerEnabled !== false)) continue
        const why = members.length === 0
          ? pool.IsDefault ? 'no workers, and the built-in worker is switched off' : 'no workers'
          : `no available worker (${members.length} registered, none enabled and healthy)`
        findings.push(spaceFinding('usage/pool-without-workers', 'error', space, pool,
          `${distinctActions(rows)} step action${distinctActions(rows) === 1 ? ' runs' : 's run'} on pool '${pool.Name}', which has ${why}: ${distinctActions(rows) === 1 ? 'its' : 'their'} deployments and runbook runs will fail. Steps: ${examples(rows)}.`,
          addWorkerFix(pool, space, snapshot.server)))
      }
      for (const problem of space.usage.problems) {
        if (problem.Kind !== 'unknown-pool' || problem.IsDisabled) continue
        findings.push(spaceFinding('usage/pool-without-workers', 'error', space, {Id: problem.ActionId ?? problem.ProjectId, Name: problem.ProjectName}, problem.Message,
          'Edit the step to choose an existing worker pool (or fix the pool variable\'s value).'))
      }
    }
    return findings
  },
}

export const defaultPoolReliance: RuleDescriptor = {
  id: 'usage/default-pool',
  defaultSeverity: 'warning',
  title: 'Steps choose their pool instead of relying on the default pool or the built-in worker',
  rationale: 'A step with no pool runs on the space\'s default pool, and on the built-in worker (the Octopus Server host) when that pool is empty. At scale Octopus advises pools per purpose, location and environment, and switching the built-in worker off.',
  unavailable: notRead,
  run: ({snapshot}) => {
    const findings: Finding[] = []
    for (const space of snapshot.spaces) {
      if (!space.usage) continue
      const pool = space.pools.find((p) => p.IsDefault)
      if (!pool) continue
      const implicit = live(space.usage.rows.filter((r) => r.Via === 'default'))
      const builtIn = live(space.usage.rows.filter((r) => r.BuiltInWorker))
      if (implicit.length === 0 && builtIn.length === 0) continue
      const parts: string[] = []
      if (implicit.length) parts.push(`${distinctActions(implicit)} step action${distinctActions(implicit) === 1 ? ' sets' : 's set'} no pool and rel${distinctActions(implicit) === 1 ? 'ies' : 'y'} on the default pool '${pool.Name}' (${examples(implicit)})`)
      if (builtIn.length) parts.push(`${distinctActions(builtIn)} run${distinctActions(builtIn) === 1 ? 's' : ''} on the built-in worker on the Octopus Server, because '${pool.Name}' has no workers`)
      findings.push(spaceFinding('usage/default-pool', 'warning', space, pool, `${parts.join('; ')}.`, usageFix(pool.Name, space)))
    }
    return findings
  },
}

export const noExecutionContainer: RuleDescriptor = {
  id: 'usage/no-execution-container',
  defaultSeverity: 'note',
  title: 'Worker steps run in an execution container',
  rationale: 'Octopus suggests execution containers for workers (2020.2+) to manage the tools steps need without installing them on every worker.',
  unavailable: notRead,
  run: ({snapshot}) => {
    const findings: Finding[] = []
    for (const space of snapshot.spaces) {
      if (!space.usage) continue
      const byProject = new Map<string, UsageRow[]>()
      for (const row of live(space.usage.rows)) {
        // Dynamic workers and cloud steps run fine without one too; the note is about tooling drift on your own workers.
        if (row.Container) continue
        byProject.set(row.ProjectId, [...(byProject.get(row.ProjectId) ?? []), row])
      }
      for (const rows of byProject.values()) {
        const project = {Id: rows[0].ProjectId, Name: rows[0].ProjectName}
        findings.push(spaceFinding('usage/no-execution-container', 'note', space, project,
          `${plural(distinctActions(rows), 'worker step action')} of project '${project.Name}' run${distinctActions(rows) === 1 ? 's' : ''} without an execution container: ${examples(rows)}.`,
          'Choose a container image for the step (Execution Location > Container Image), e.g. octopusdeploy/worker-tools.'))
      }
    }
    return findings
  },
}

export const unusedPool: RuleDescriptor = {
  id: 'usage/unused-pool',
  defaultSeverity: 'note',
  title: 'Static pools with workers are used by some step',
  rationale: 'A pool that no deployment or runbook step uses holds workers that do nothing (releases frozen before a change may still name it).',
  unavailable: notRead,
  run: ({snapshot}) => {
    const findings: Finding[] = []
    for (const space of snapshot.spaces) {
      if (!space.usage) continue
      const usedPools = new Set(space.usage.rows.map((r) => r.PoolId))
      for (const pool of space.pools) {
        if (pool.IsDefault || isDynamicPool(pool)) continue
        const members = workersOf(space, pool.Id)
        if (members.length === 0 || usedPools.has(pool.Id)) continue
        findings.push(spaceFinding('usage/unused-pool', 'note', space, pool,
          `No deployment or runbook step uses pool '${pool.Name}', which holds ${plural(members.length, 'worker')}.`,
          usageFix(pool.Name, space)))
      }
    }
    return findings
  },
}

export const missingVariableValue: RuleDescriptor = {
  id: 'usage/missing-variable-value',
  defaultSeverity: 'error',
  title: 'Worker pool variables have a value wherever their steps run',
  rationale: 'A step whose worker pool variable has no value in scope fails: "No variable named ... was in scope and set to value ... so could not determine which worker pool to use". Environments are those the step and its runbook allow (a runbook scoped to its project\'s lifecycles: their environments; a deployment\'s lifecycle is not read).',
  unavailable: notRead,
  run: ({snapshot}) => {
    const findings: Finding[] = []
    for (const space of snapshot.spaces) {
      for (const problem of space.usage?.problems ?? []) {
        if ((problem.Kind !== 'missing-variable-value' && problem.Kind !== 'unknown-variable') || problem.IsDisabled) continue
        findings.push(spaceFinding('usage/missing-variable-value', 'error', space, {Id: problem.ProjectId, Name: problem.ProjectName}, problem.Message,
          `Give '${problem.Variable}' a WorkerPool value${problem.Environments.length ? ` scoped to ${problem.Environments.join(', ')}` : ''} in the variables of project '${problem.ProjectName}': ${snapshot.server}/app#/${space.space.Id}/projects/${problem.ProjectId}/variables`))
      }
    }
    return findings
  },
}

export const USAGE_RULES: readonly RuleDescriptor[] = [poolWithoutWorkers, missingVariableValue, defaultPoolReliance, unusedPool, noExecutionContainer]

export const USAGE_RULE_IDS: readonly RuleId[] = USAGE_RULES.map((r) => r.id)

/** Whether the config leaves some usage/* rule on (then `check` reads the processes). */
export function usageRulesEnabled(severities: Partial<Record<RuleId, string>>): boolean {
  return USAGE_RULE_IDS.some((id) => severities[id] !== 'off')
}
