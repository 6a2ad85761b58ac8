/**
 * Where a step can run, as environments: the runbook's own scope (`EnvironmentScope`) intersected
 * with the step's `Environments` and minus its `ExcludedEnvironments`. Pure: no I/O.
 *
 * A runbook's `EnvironmentScope` (RunbookResource, Octopus 2021.2 swagger):
 * - `All`: any environment of the space;
 * - `Specified`: its `Environments` list;
 * - `FromProjectLifecycles`: the environments of the project's lifecycles. A project references
 *   lifecycles through its own `LifecycleId` and its channels' (a channel without one uses the
 *   project's); Octopus docs, "Lifecycles and Environments". Whether channel lifecycles count for a
 *   runbook is UNCONFIRMED: they are included, the reading under which a step may run in more
 *   environments (so `pool delete` and `--environment` never leave out a step that might run).
 *   A lifecycle's environments are its phases' automatic and optional deployment targets; "a
 *   lifecycle with no phases will result in Octopus calculating the phases automatically for you
 *   containing all environments" (Octopus docs). A lifecycle whose phases list no environment at
 *   all is read the same way (UNCONFIRMED; again the reading that keeps more).
 * When the lifecycles could not be read, the scope is `unresolved`: every reader treats the step
 * as possibly running in any environment its own restrictions allow.
 */
import type {ActionFacts, ChannelFacts, LifecycleFacts, ProjectFacts, RunbookFacts} from '../../octopus/usage-types.js'

export type EnvironmentScope =
  | {kind: 'all'}
  | {kind: 'only'; ids: string[]}
  | {kind: 'unresolved'; reason: string}

export const ALL_ENVIRONMENTS: EnvironmentScope = {kind: 'all'}

/** The environments a lifecycle allows: its phases' targets, or every environment when no phase names one. */
export function lifecycleScope(lifecycle: LifecycleFacts): EnvironmentScope {
  const ids = new Set<string>()
  for (const phase of lifecycle.Phases ?? []) {
    for (const id of [...(phase.AutomaticDeploymentTargets ?? []), ...(phase.OptionalDeploymentTargets ?? [])]) if (id) ids.add(id)
  }
  return ids.size ? {kind: 'only', ids: [...ids]} : ALL_ENVIRONMENTS
}

/**
 * A runbook's environments. `lifecycles` is undefined when they were not read (then a
 * `FromProjectLifecycles` runbook is unresolved); `channels` are the project's channels.
 */
export function runbookScope(runbook: RunbookFacts, project: ProjectFacts, channels: ChannelFacts[], lifecycles: Map<string, LifecycleFacts> | undefined): EnvironmentScope {
  const scope = (runbook.EnvironmentScope ?? 'All').toLowerCase()
  if (scope === 'specified') {
    const ids = (runbook.Environments ?? []).filter(Boolean)
    // An empty "Specified" list cannot be saved in the portal (UNCONFIRMED); read as no restriction, which keeps the step.
    return ids.length ? {kind: 'only', ids} : ALL_ENVIRONMENTS
  }
  if (scope !== 'fromprojectlifecycles') return ALL_ENVIRONMENTS
  if (!lifecycles) return {kind: 'unresolved', reason: 'the lifecycles were not read'}
  const lifecycleIds = new Set<string>()
  if (project.LifecycleId) lifecycleIds.add(project.LifecycleId)
  for (const channel of channels) if (channel.LifecycleId) lifecycleIds.add(channel.LifecycleId)
  if (lifecycleIds.size === 0) return {kind: 'unresolved', reason: `project '${project.Name}' names no lifecycle`}
  const ids = new Set<string>()
  for (const id of lifecycleIds) {
    const lifecycle = lifecycles.get(id)
    if (!lifecycle) return {kind: 'unresolved', reason: `lifecycle ${id} of project '${project.Name}' was not found`}
    const scope = lifecycleScope(lifecycle)
    if (scope.kind !== 'only') return ALL_ENVIRONMENTS
    for (const env of scope.ids) ids.add(env)
  }
  return {kind: 'only', ids: [...ids]}
}

export interface ActionEnvironments {
  /** Environment IDs the action can run in; null = any environment (but those in `excluded`). */
  ids: string[] | null
  excluded: string[]
  /** False when the runbook's scope could not be resolved: `ids` is then only the step's own bound. */
  resolved: boolean
}

/** The runbook's (or a deployment's: `all`) scope, intersected with the action's own restrictions. */
export function actionEnvironments(scope: EnvironmentScope, action: Pick<ActionFacts, 'Environments' | 'ExcludedEnvironments'>): ActionEnvironments {
  const own = (action.Environments ?? []).filter(Boolean)
  const excluded = (action.ExcludedEnvironments ?? []).filter(Boolean)
  let ids: string[] | null = own.length ? own : null
  if (scope.kind === 'only') ids = ids ? scope.ids.filter((id) => ids!.includes(id)) : [...scope.ids]
  if (ids) ids = ids.filter((id) => !excluded.includes(id))
  return {ids, excluded, resolved: scope.kind !== 'unresolved'}
}

/** Whether an action with these environments may run in the environment (an unresolved scope may). */
export function mayRunIn(environments: ActionEnvironments, environmentId: string): boolean {
  if (environments.excluded.includes(environmentId)) return false
  return environments.ids === null || environments.ids.includes(environmentId)
}
