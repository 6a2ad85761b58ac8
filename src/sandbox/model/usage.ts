/**
 * Projects and what their steps run on: environments, channels, deployment processes (database
 * and version-controlled), runbooks and their processes, project and library variable sets with
 * WorkerPool variables, and container feeds. Shapes follow the Octopus 2021.2 swagger and the
 * documents real servers export (newer fields only where the emulated version has them).
 *
 * Kept in a table of its own (`usage_documents`), created on first use, so the shared store
 * schema is untouched. Environments live here too: they are only read (names for scopes).
 */
import {randomUUID} from 'node:crypto'
import type {ModelContext} from '../context.js'
import {isLegacy} from '../context.js'
import {spacePath, stamp} from '../docs.js'
import type {Store} from '../store.js'
import {slugify} from '../validate.js'

export type UsageKind = 'Environment' | 'Lifecycle' | 'Project' | 'Channel' | 'DeploymentProcess' | 'GitDeploymentProcess' | 'Runbook' | 'RunbookProcess' | 'LibraryVariableSet' | 'VariableSet' | 'Feed'

const SCHEMA = `
CREATE TABLE IF NOT EXISTS usage_documents (
  id TEXT NOT NULL COLLATE NOCASE,
  kind TEXT NOT NULL,
  space_id TEXT NOT NULL,
  sort_key TEXT NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS usage_documents_by_space ON usage_documents(kind, space_id, sort_key);
`

const ready = new WeakSet<Store>()
/** Committed JSON texts per kind and space (answers of `/all` are joins of them); dropped on any write. */
const listCache = new WeakMap<Store, Map<string, string[]>>()

function ensureSchema(store: Store): void {
  if (ready.has(store)) return
  store.db.exec(SCHEMA)
  ready.add(store)
}

export function putUsageDoc(store: Store, kind: UsageKind, spaceId: string, sortKey: string, doc: {Id: string}): void {
  ensureSchema(store)
  store.prepare(`INSERT INTO usage_documents (id, kind, space_id, sort_key, json) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT(kind, id) DO UPDATE SET sort_key = excluded.sort_key, json = excluded.json`).run(doc.Id, kind, spaceId, sortKey, JSON.stringify(doc))
  listCache.get(store)?.clear()
}

export function getUsageJson(store: Store, kind: UsageKind, spaceId: string, id: string): string | undefined {
  ensureSchema(store)
  return store.prepare('SELECT json FROM usage_documents WHERE kind = ? AND id = ? AND space_id = ?').pluck().get(kind, id, spaceId) as string | undefined
}

export function listUsageJson(store: Store, kind: UsageKind, spaceId: string): string[] {
  ensureSchema(store)
  let cache = listCache.get(store)
  if (!cache) listCache.set(store, (cache = new Map()))
  const key = `${kind}|${spaceId}`
  const hit = cache.get(key)
  if (hit) return hit
  const texts = store.prepare('SELECT json FROM usage_documents WHERE kind = ? AND space_id = ? ORDER BY sort_key, id').pluck().all(kind, spaceId) as string[]
  if (!store.db.inTransaction) cache.set(key, texts)
  return texts
}

/** Removes fields the emulated version does not have: 2021.2 has no inline execution containers. */
export function presentUsageJson(ctx: ModelContext, json: string): string {
  return isLegacy(ctx) ? json.replace(/,"GitUrl":null,"Dockerfile":null/g, '') : json
}


// ---- builders -----------------------------------------------------------------------------------

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

// ---- seeding helpers ----------------------------------------------------------------------------

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
    putUsageDoc(this.ctx.store, kind, this.spaceId, sortKey, doc)
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

export interface UsageSeedSpace {
  spaceId: string
  defaultPoolId: string
  pools: Record<string, string>
}

const WORKER_TOOLS = 'octopusdeploy/worker-tools:6.1.0-ubuntu.22.04'

/**
 * The demo's projects (documented in sandbox/index.ts). In space Default: Customer Portal takes
 * its pool from a WorkerPool variable by environment and runs one step in a container; Billing
 * Database uses a library set's pool variable, a direct pool, a disabled step, and a runbook whose
 * pool variable has no value for Production; Internal Tools relies on the default pool and uses
 * the dynamic pool and the empty Windows pool; Platform Config is version-controlled (its process
 * is in git). In Platform Team, Cluster Bootstrap relies on the default pool, which is empty (the
 * built-in worker runs it).
 */
export function seedUsageDemo(ctx: ModelContext, main: UsageSeedSpace, platform: UsageSeedSpace): void {
  const s = new UsageSeeder(ctx, main.spaceId)
  // Environments-1 is Production (the demo's deployment target web-prod-01 is in it); listed in promotion order.
  const [production, development, staging] = s.environments(['Production', 'Development', 'Staging'], [2, 0, 1])
  const envs = [development, staging, production]
  s.feed('Octopus Server (built-in)', 'BuiltIn')
  const dockerHub = s.feed('Docker Hub', 'Docker')
  const p = main.pools
  const sharedPools = s.library('Worker Pools', 'Variables', 'Worker pools shared by the database projects', [{name: 'Shared.DatabasePool', value: p.omahaDb}], envs)
  s.library('Deployment helpers', 'ScriptModule', 'Bash functions used by script steps', [], envs)

  s.project({
    name: 'Customer Portal', description: 'The customer-facing web site', channels: ['Default', 'Hotfix'], environments: envs,
    variables: () => [
      {name: 'Project.WorkerPool', value: p.staging, environments: [development.Id, staging.Id]},
      {name: 'Project.WorkerPool', value: p.azure, environments: [production.Id]},
    ],
    steps: [
      {name: 'Deploy web app', type: 'Octopus.AzureAppService', runOnServer: 'true', poolVariable: 'Project.WorkerPool', container: {Image: 'octopuslabs/azure-workertools', FeedId: dockerHub}},
      {name: 'Smoke test', type: 'Octopus.Script', runOnServer: 'true', poolVariable: 'Project.WorkerPool', script: 'curl -fsS https://portal.example/health'},
      {name: 'Approve production', type: 'Octopus.Manual', runOnServer: 'false', environments: [production.Id]},
      {name: 'Deploy to IIS', type: 'Octopus.IIS', runOnServer: 'false', targetRoles: 'web-server'},
      {name: 'Notify team', type: 'Octopus.Email', runOnServer: 'true'},
    ],
  })
  const billing = s.project({
    name: 'Billing Database', description: 'Schema migrations for the billing database', libraryVariableSetIds: [sharedPools], environments: envs,
    variables: () => [{name: 'Project.RefreshPool', value: p.staging, environments: [staging.Id]}],
    steps: [
      {name: 'Back up database', type: 'Octopus.Script', runOnServer: 'true', poolVariable: 'Shared.DatabasePool', script: 'backup-db billing'},
      {name: 'Run migrations', type: 'Octopus.Script', runOnServer: 'true', pool: p.omahaDb, container: {Image: WORKER_TOOLS, FeedId: dockerHub}, script: 'migrate up'},
      {name: 'Rebuild indexes', type: 'Octopus.Script', runOnServer: 'true', pool: p.omahaDb, disabled: true, script: 'rebuild-indexes billing'},
    ],
    runbooks: [{name: 'Refresh test data', environments: [staging.Id, production.Id], steps: [
      {name: 'Restore snapshot', type: 'Octopus.Script', runOnServer: 'true', poolVariable: 'Project.RefreshPool', script: 'restore-snapshot billing'},
    ]}],
  })
  s.releaseSnapshot(billing.projectId, [{name: 'Run migrations', type: 'Octopus.Script', runOnServer: 'true', pool: p.test}])
  s.project({
    name: 'Internal Tools', description: 'Docs site and build helpers', environments: envs,
    steps: [
      {name: 'Build docs', type: 'Octopus.Script', runOnServer: 'true', script: 'make docs'},
      {name: 'Publish to S3', type: 'Octopus.AwsUploadS3', runOnServer: 'false', pool: p.hosted},
      {name: 'Windows smoke test', type: 'Octopus.Script', runOnServer: 'true', pool: p.emptyWindows, environments: [staging.Id], script: 'Test-Tools.ps1'},
    ],
    runbooks: [{name: 'Rotate logs', steps: [{name: 'Rotate', type: 'Octopus.Script', runOnServer: 'true', script: 'logrotate -f /etc/logrotate.conf'}]}],
  })
  s.project({
    name: 'Platform Config', description: 'Shared infrastructure, version-controlled', environments: envs,
    git: {url: 'https://git.example/platform/platform-config.git', defaultBranch: 'main'},
    steps: [{name: 'Terraform apply', type: 'Octopus.TerraformApply', runOnServer: 'true', pool: p.staging, container: {Image: WORKER_TOOLS, FeedId: dockerHub}}],
  })

  const t = new UsageSeeder(ctx, platform.spaceId)
  const platformEnvs = t.environments(['Development', 'Production'])
  const platformHub = t.feed('Docker Hub', 'Docker')
  t.project({
    name: 'Cluster Bootstrap', description: 'Bootstraps the London Kubernetes clusters', environments: platformEnvs,
    steps: [
      {name: 'Render manifests', type: 'Octopus.Script', runOnServer: 'true', script: 'render-manifests'},
      {name: 'kubectl apply', type: 'Octopus.KubernetesRunScript', runOnServer: 'true', pool: platform.pools.k8s, container: {Image: 'octopuslabs/k8s-workertools', FeedId: platformHub}},
    ],
  })
}

/**
 * `scale:N`'s projects: `count` projects spread over the spaces, each with a three-step process
 * (a direct pool, a pool variable by environment, the default pool), every 5th with a container,
 * every 20th with a disabled step, every 4th with a runbook. All database-stored, so a read costs
 * the same number of requests whatever the count.
 */
export function seedUsageScale(ctx: ModelContext, spaces: UsageSeedSpace[], count: number): void {
  const seeders = spaces.map((space) => {
    const seeder = new UsageSeeder(ctx, space.spaceId)
    return {space, seeder, environments: seeder.environments(['Development', 'Test', 'Production']), feed: seeder.feed('Docker Hub', 'Docker'), pools: Object.values(space.pools)}
  })
  for (let n = 0; n < count; n++) {
    const {space, seeder, environments, feed, pools} = seeders[n % seeders.length]
    const pick = (k: number) => pools.length ? pools[(Math.floor(n / seeders.length) + k) % pools.length] : space.defaultPoolId
    const name = `Scale Project ${String(n + 1).padStart(5, '0')}`
    seeder.project({
      name, environments,
      variables: () => [
        {name: 'Project.WorkerPool', value: pick(1), environments: [environments[0].Id, environments[1].Id]},
        {name: 'Project.WorkerPool', value: pick(2), environments: [environments[2].Id]},
      ],
      steps: [
        {name: 'Deploy', type: 'Octopus.Script', runOnServer: 'true', pool: pick(0), container: n % 5 === 0 ? {Image: WORKER_TOOLS, FeedId: feed} : undefined, script: 'deploy'},
        {name: 'Migrate', type: 'Octopus.Script', runOnServer: 'true', poolVariable: 'Project.WorkerPool', disabled: n % 20 === 19, script: 'migrate'},
        {name: 'Notify', type: 'Octopus.Script', runOnServer: 'true', script: 'notify'},
      ],
      runbooks: n % 4 === 0 ? [{name: `${name} maintenance`, steps: [{name: 'Vacuum', type: 'Octopus.Script', runOnServer: 'true', pool: pick(0), script: 'vacuum'}]}] : [],
    })
  }
}
