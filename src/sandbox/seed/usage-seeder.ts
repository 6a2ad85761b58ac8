/**
 * Writes projects and what their steps run on for a seed: IDs from the sandbox's counters, sort
 * keys the routes list by, and the documents documents.ts builds.
 */
import type {ModelContext} from '../context.js'
import type {UsageKind} from '../model/usage/schema.js'
import {buildSteps, channelDoc, deploymentProcessDoc, environmentDoc, feedDoc, libraryVariableSetDoc, lifecycleDoc, projectDoc, runbookDoc, runbookProcessDoc, variableSetDoc, type ActionSeed, type GitSeed, type PhaseSeed, type RunbookEnvironmentScope, type VariableSeed} from '../model/usage/documents.js'

/** Next number of an Octopus ID sequence, shared with the rest of the sandbox's counters. */
function next(ctx: ModelContext, prefix: string): string {
  return `${prefix}-${ctx.store.nextNumber(prefix)}`
}

const pad = (n: number) => String(n).padStart(6, '0')

export class UsageSeeder {
  /** The space's Default Lifecycle (no phases: every environment), made with its first project. */
  private defaultLifecycleId?: string

  constructor(private readonly ctx: ModelContext, readonly spaceId: string) {}

  lifecycle(name: string, phases: PhaseSeed[]): string {
    const id = next(this.ctx, 'Lifecycles')
    this.put('Lifecycle', name.toLowerCase(), lifecycleDoc(this.ctx, this.spaceId, id, name, phases))
    return id
  }

  private put(kind: UsageKind, sortKey: string, doc: {Id: string}): void {
    this.ctx.usage.put(kind, this.spaceId, sortKey, doc)
  }

  /** Environments created in the order given; `sortOrders` puts them in promotion order when that differs. */
  environments(names: string[], sortOrders?: number[]): Array<{Id: string; Name: string}> {
    return names.map((name, i) => {
      const id = next(this.ctx, 'Environments')
      const sortOrder = sortOrders?.[i] ?? i
      this.put('Environment', pad(sortOrder), environmentDoc(this.ctx, this.spaceId, id, name, sortOrder))
      return {Id: id, Name: name}
    })
  }

  feed(name: string, type: 'BuiltIn' | 'Docker'): string {
    const id = next(this.ctx, 'Feeds')
    this.put('Feed', name.toLowerCase(), feedDoc(this.ctx, this.spaceId, id, name, type))
    return id
  }

  library(name: string, contentType: 'Variables' | 'ScriptModule', description: string, variables: VariableSeed[], environments: Array<{Id: string; Name: string}>): string {
    const id = next(this.ctx, 'LibraryVariableSets')
    this.put('LibraryVariableSet', name.toLowerCase(), libraryVariableSetDoc(this.ctx, this.spaceId, id, name, contentType, description))
    this.put('VariableSet', `variableset-${id}`, variableSetDoc(this.ctx, this.spaceId, id, variables, {environments}))
    return id
  }

  /**
   * A project with its channels, process (in the database, or in git at the default branch for a
   * version-controlled project), variables and runbooks.
   */
  project(fields: {
    name: string
    description?: string
    libraryVariableSetIds?: string[]
    git?: GitSeed
    channels?: string[]
    steps: ActionSeed[]
    variables?: (channels: Array<{Id: string; Name: string}>) => VariableSeed[]
    runbooks?: Array<{name: string; environments?: string[]; environmentScope?: RunbookEnvironmentScope; steps: ActionSeed[]}>
    environments: Array<{Id: string; Name: string}>
    /** The project's lifecycle (default: the space's Default Lifecycle). */
    lifecycleId?: string
    /** Channels' own lifecycles by channel name (default: none, the project's). */
    channelLifecycles?: Record<string, string>
  }): {projectId: string; channels: Array<{Id: string; Name: string}>; runbookIds: string[]} {
    const lifecycleId = fields.lifecycleId ?? (this.defaultLifecycleId ??= this.lifecycle('Default Lifecycle', []))
    const projectId = next(this.ctx, 'Projects')
    const project = projectDoc(this.ctx, this.spaceId, projectId, {...fields, lifecycleId})
    this.put('Project', fields.name.toLowerCase(), project)
    const channels = (fields.channels ?? ['Default']).map((name, i) => {
      const id = next(this.ctx, 'Channels')
      this.put('Channel', `${fields.name.toLowerCase()}|${pad(i)}`, channelDoc(this.ctx, this.spaceId, id, projectId, name, i === 0, fields.channelLifecycles?.[name] ?? null))
      return {Id: id, Name: name}
    })
    const steps = buildSteps(fields.steps)
    const processId = project.DeploymentProcessId
    if (fields.git) {
      this.put('GitDeploymentProcess', `${projectId}|refs/heads/${fields.git.defaultBranch}`, {...deploymentProcessDoc(this.ctx, this.spaceId, processId, projectId, steps), Id: `${projectId}|refs/heads/${fields.git.defaultBranch}`})
    } else {
      this.put('DeploymentProcess', processId, deploymentProcessDoc(this.ctx, this.spaceId, processId, projectId, steps))
    }
    const runbookIds: string[] = []
    const processes: Array<{Id: string; Name: string; ProcessType: 'Deployment' | 'Runbook'}> = [{Id: projectId, Name: fields.name, ProcessType: 'Deployment'}]
    for (const runbook of fields.runbooks ?? []) {
      const runbookId = next(this.ctx, 'Runbooks')
      runbookIds.push(runbookId)
      processes.push({Id: runbookId, Name: runbook.name, ProcessType: 'Runbook'})
      this.put('Runbook', runbook.name.toLowerCase(), runbookDoc(this.ctx, this.spaceId, runbookId, projectId, runbook))
      const process = runbookProcessDoc(this.ctx, this.spaceId, runbookId, projectId, buildSteps(runbook.steps))
      this.put('RunbookProcess', process.Id, process)
    }
    this.put('VariableSet', project.VariableSetId, variableSetDoc(this.ctx, this.spaceId, projectId, fields.variables?.(channels) ?? [], {environments: fields.environments, channels, processes}))
    return {projectId, channels, runbookIds}
  }

  /** A frozen copy of a project's process, as a release would hold (the space list may contain it). */
  releaseSnapshot(projectId: string, steps: ActionSeed[]): void {
    const id = `deploymentprocess-${projectId}-s-1-7QZ3K`
    this.put('DeploymentProcess', id, deploymentProcessDoc(this.ctx, this.spaceId, id, projectId, buildSteps(steps)))
    const setId = `variableset-${projectId}-s-0-95KK6`
    this.put('VariableSet', setId, variableSetDoc(this.ctx, this.spaceId, projectId, [], {environments: []}, setId))
  }
}
