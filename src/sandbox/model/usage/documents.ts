/**
 * Projects and what their steps run on, as documents: environments, lifecycles, channels,
 * deployment processes (database and version-controlled), runbooks and their processes, project
 * and library variable sets with WorkerPool variables, and container feeds. Shapes follow the
 * Octopus 2021.2 swagger and the documents real servers export; every field any emulated version
 * has is built, and a response leaves out what its version lacks.
 */
import {randomUUID} from 'node:crypto'
import type {ModelContext} from '../../context.js'
import {spacePath, stamp} from '../../docs.js'
import {slugify} from '../../validate.js'

export interface ContainerSeed {
  Image: string
  FeedId: string
}

export interface ActionSeed {
  name: string
  type: string
  /** Octopus.Action.RunOnServer as stored ("true"/"false"), or undefined to leave it out. */
  runOnServer?: 'true' | 'false'
  targetRoles?: string
  pool?: string
  poolVariable?: string
  container?: ContainerSeed
  environments?: string[]
  excludedEnvironments?: string[]
  channels?: string[]
  disabled?: boolean
  script?: string
}

function buildAction(action: ActionSeed) {
  const properties: Record<string, string> = {}
  if (action.runOnServer !== undefined) properties['Octopus.Action.RunOnServer'] = action.runOnServer
  if (action.script) {
    properties['Octopus.Action.Script.ScriptSource'] = 'Inline'
    properties['Octopus.Action.Script.Syntax'] = 'Bash'
    properties['Octopus.Action.Script.ScriptBody'] = action.script
  }
  return {
    Id: randomUUID(),
    Name: action.name,
    Slug: slugify(action.name),
    ActionType: action.type,
    Notes: null,
    IsDisabled: action.disabled ?? false,
    CanBeUsedForProjectVersioning: false,
    IsRequired: false,
    WorkerPoolId: action.pool ?? null,
    WorkerPoolVariable: action.poolVariable ?? null,
    // Octopus sends an empty container object when none is set.
    Container: {Image: action.container?.Image ?? null, FeedId: action.container?.FeedId ?? null, GitUrl: null, Dockerfile: null},
    Environments: action.environments ?? [],
    ExcludedEnvironments: action.excludedEnvironments ?? [],
    Channels: action.channels ?? [],
    TenantTags: [],
    Packages: [],
    Condition: 'Success',
    Properties: properties,
    Links: {},
  }
}

/** One step per action (the common case), named like its action. */
export function buildSteps(actions: ActionSeed[]) {
  return actions.map((action) => {
    const built = buildAction(action)
    return {
      Id: randomUUID(),
      Name: action.name,
      Slug: slugify(action.name),
      PackageRequirement: 'LetOctopusDecide',
      Properties: action.targetRoles ? {'Octopus.Action.TargetRoles': action.targetRoles} : {},
      Condition: 'Success',
      StartTrigger: 'StartAfterPrevious',
      Actions: [built],
    }
  })
}

export type BuiltStep = ReturnType<typeof buildSteps>[number]

export function environmentDoc(ctx: ModelContext, spaceId: string, id: string, name: string, sortOrder: number) {
  return {
    Id: id, Name: name, Slug: slugify(name), Description: null, SortOrder: sortOrder, UseGuidedFailure: false, AllowDynamicInfrastructure: false,
    ExtensionSettings: [], SpaceId: spaceId, ...stamp(ctx),
    Links: {Self: spacePath(spaceId, `environments/${id}`), Machines: spacePath(spaceId, `environments/${id}/machines{?skip,take,partialName,roles,isDisabled,healthStatuses,commStyles,tenantIds,tenantTags,shellNames}`)},
  }
}

export interface PhaseSeed {
  name: string
  automatic?: string[]
  optional?: string[]
}

const KEEP_30_DAYS = {Unit: 'Days', QuantityToKeep: 30, ShouldKeepForever: false}

/** A lifecycle as the 2021.2 swagger's LifecycleResource; no phases = every environment (Octopus docs). */
export function lifecycleDoc(ctx: ModelContext, spaceId: string, id: string, name: string, phases: PhaseSeed[]) {
  return {
    Id: id, Name: name, Slug: slugify(name), Description: phases.length ? '' : 'The default lifecycle: no phases, so every environment',
    Phases: phases.map((phase) => ({
      Id: randomUUID(), Name: phase.name, AutomaticDeploymentTargets: phase.automatic ?? [], OptionalDeploymentTargets: phase.optional ?? [],
      MinimumEnvironmentsBeforePromotion: 0, IsOptionalPhase: false, ReleaseRetentionPolicy: null, TentacleRetentionPolicy: null,
    })),
    ReleaseRetentionPolicy: KEEP_30_DAYS, TentacleRetentionPolicy: KEEP_30_DAYS, SpaceId: spaceId, ...stamp(ctx),
    Links: {Self: spacePath(spaceId, `lifecycles/${id}`), Preview: spacePath(spaceId, `lifecycles/${id}/preview`), Projects: spacePath(spaceId, `lifecycles/${id}/projects`)},
  }
}

export interface GitSeed {
  url: string
  defaultBranch: string
}

export function projectDoc(ctx: ModelContext, spaceId: string, id: string, fields: {name: string; description?: string; libraryVariableSetIds?: string[]; git?: GitSeed; disabled?: boolean; lifecycleId: string}) {
  const git = fields.git
  return {
    Id: id, Name: fields.name, Slug: slugify(fields.name), Description: fields.description ?? '', IsDisabled: fields.disabled ?? false,
    VariableSetId: `variableset-${id}`, DeploymentProcessId: `deploymentprocess-${id}`, ClonedFromProjectId: null, DiscreteChannelRelease: false,
    IncludedLibraryVariableSetIds: fields.libraryVariableSetIds ?? [], DefaultToSkipIfAlreadyInstalled: false, TenantedDeploymentMode: 'Untenanted',
    DefaultGuidedFailureMode: 'EnvironmentDefault', VersioningStrategy: {Template: '#{Octopus.Version.LastMajor}.#{Octopus.Version.LastMinor}.#{Octopus.Version.NextPatch}', DonorPackage: null},
    ReleaseCreationStrategy: {ChannelId: null, ReleaseCreationPackage: null}, Templates: [], AutoDeployReleaseOverrides: [], ReleaseNotesTemplate: null,
    DeploymentChangesTemplate: null, LifecycleId: fields.lifecycleId, ProjectGroupId: 'ProjectGroups-1', AutoCreateRelease: false,
    IsVersionControlled: git !== undefined,
    PersistenceSettings: git
      ? {Type: 'VersionControlled', Url: git.url, DefaultBranch: git.defaultBranch, BasePath: '.octopus', Credentials: {Type: 'Anonymous'}, ConversionState: {VariablesAreInGit: false, RunbooksAreInGit: false}}
      : {Type: 'Database'},
    ProjectConnectivityPolicy: {AllowDeploymentsToNoTargets: false, ExcludeUnhealthyTargets: false, SkipMachineBehavior: 'None', TargetRoles: []},
    ExtensionSettings: [], SpaceId: spaceId, ...stamp(ctx),
    Links: {
      Self: spacePath(spaceId, `projects/${id}`),
      Channels: spacePath(spaceId, `projects/${id}/channels{/id}{?skip,take,partialName}`),
      // A version-controlled project's process lives in git: its link is a template over the git ref.
      DeploymentProcess: git ? spacePath(spaceId, `projects/${id}/{gitRef}/deploymentprocesses`) : spacePath(spaceId, `deploymentprocesses/deploymentprocess-${id}`),
      Variables: spacePath(spaceId, `variables/variableset-${id}`),
      // Runbooks arrived in 2019.11: an older server's project links none.
      ...(ctx.profile.runbooks ? {Runbooks: spacePath(spaceId, `projects/${id}/runbooks{?skip,take,partialName}`)} : {}),
    },
  }
}

export function channelDoc(ctx: ModelContext, spaceId: string, id: string, projectId: string, name: string, isDefault: boolean, lifecycleId: string | null = null) {
  return {
    Id: id, Name: name, Slug: slugify(name), Description: '', ProjectId: projectId, LifecycleId: lifecycleId, IsDefault: isDefault, Rules: [], TenantTags: [],
    SpaceId: spaceId, ...stamp(ctx), Links: {Self: spacePath(spaceId, `channels/${id}`), Project: spacePath(spaceId, `projects/${projectId}`)},
  }
}

export function deploymentProcessDoc(ctx: ModelContext, spaceId: string, id: string, projectId: string, steps: BuiltStep[], version = 1) {
  return {
    Id: id, ProjectId: projectId, SpaceId: spaceId, Version: version, LastSnapshotId: null, Steps: steps, ...stamp(ctx),
    Links: {Self: spacePath(spaceId, `deploymentprocesses/${id}`), Project: spacePath(spaceId, `projects/${projectId}`)},
  }
}

export type RunbookEnvironmentScope = 'All' | 'Specified' | 'FromProjectLifecycles'

export function runbookDoc(ctx: ModelContext, spaceId: string, id: string, projectId: string, fields: {name: string; environments?: string[]; environmentScope?: RunbookEnvironmentScope}) {
  return {
    Id: id, Name: fields.name, Slug: slugify(fields.name), Description: '', RunbookProcessId: `RunbookProcess-${id}`, PublishedRunbookSnapshotId: null,
    ProjectId: projectId, SpaceId: spaceId, MultiTenancyMode: 'Untenanted', EnvironmentScope: fields.environmentScope ?? (fields.environments?.length ? 'Specified' : 'All'),
    Environments: fields.environments ?? [], DefaultGuidedFailureMode: 'EnvironmentDefault', RunRetentionPolicy: {QuantityToKeep: 100, ShouldKeepForever: false},
    ConnectivityPolicy: {AllowDeploymentsToNoTargets: true, ExcludeUnhealthyTargets: false, SkipMachineBehavior: 'None', TargetRoles: []}, ...stamp(ctx),
    Links: {Self: spacePath(spaceId, `runbooks/${id}`), Project: spacePath(spaceId, `projects/${projectId}`), RunbookProcesses: spacePath(spaceId, `runbookProcesses/RunbookProcess-${id}`)},
  }
}

export function runbookProcessDoc(ctx: ModelContext, spaceId: string, runbookId: string, projectId: string, steps: BuiltStep[]) {
  const id = `RunbookProcess-${runbookId}`
  return {
    Id: id, RunbookId: runbookId, ProjectId: projectId, SpaceId: spaceId, Version: 1, LastSnapshotId: null, Steps: steps, ...stamp(ctx),
    Links: {Self: spacePath(spaceId, `runbookProcesses/${id}`), Runbook: spacePath(spaceId, `runbooks/${runbookId}`)},
  }
}

export interface VariableSeed {
  name: string
  value: string
  type?: string
  environments?: string[]
  channels?: string[]
  processes?: string[]
  actions?: string[]
}

export function variableSetDoc(ctx: ModelContext, spaceId: string, ownerId: string, variables: VariableSeed[], names: {environments: Array<{Id: string; Name: string}>; channels?: Array<{Id: string; Name: string}>; processes?: Array<{Id: string; Name: string; ProcessType: 'Deployment' | 'Runbook'}>}, id = `variableset-${ownerId}`) {
  return {
    Id: id, OwnerId: ownerId, Version: 1, SpaceId: spaceId,
    Variables: variables.map((v) => {
      const scope: Record<string, string[]> = {}
      if (v.environments?.length) scope.Environment = v.environments
      if (v.channels?.length) scope.Channel = v.channels
      if (v.processes?.length) scope.ProcessOwner = v.processes
      if (v.actions?.length) scope.Action = v.actions
      return {Id: randomUUID(), Name: v.name, Value: v.value, Description: null, Scope: scope, IsEditable: true, Prompt: null, Type: v.type ?? 'WorkerPool', IsSensitive: false}
    }),
    ScopeValues: {
      Environments: names.environments.map(({Id, Name}) => ({Id, Name})), Machines: [], Actions: [], Roles: [],
      Channels: (names.channels ?? []).map(({Id, Name}) => ({Id, Name})), TenantTags: [], Processes: names.processes ?? [],
    },
    ...stamp(ctx),
    Links: {Self: spacePath(spaceId, `variables/${id}`)},
  }
}

export function libraryVariableSetDoc(ctx: ModelContext, spaceId: string, id: string, name: string, contentType: 'Variables' | 'ScriptModule', description: string) {
  return {
    Id: id, Name: name, Description: description, VariableSetId: `variableset-${id}`, ContentType: contentType, Templates: [], SpaceId: spaceId, ...stamp(ctx),
    Links: {Self: spacePath(spaceId, `libraryvariablesets/${id}`), Variables: spacePath(spaceId, `variables/variableset-${id}`)},
  }
}

export function feedDoc(ctx: ModelContext, spaceId: string, id: string, name: string, type: 'BuiltIn' | 'Docker') {
  const docker = type === 'Docker'
  return {
    Id: id, Name: name, Slug: slugify(name), FeedType: type, SpaceId: spaceId,
    ...(docker ? {FeedUri: 'https://index.docker.io', ApiVersion: 'v1', RegistryPath: null, Username: null, Password: {HasValue: false, NewValue: null}} : {}),
    PackageAcquisitionLocationOptions: docker ? ['ExecutionTarget', 'NotAcquired'] : ['Server', 'ExecutionTarget'],
    ...stamp(ctx), Links: {Self: spacePath(spaceId, `feeds/${id}`)},
  }
}
