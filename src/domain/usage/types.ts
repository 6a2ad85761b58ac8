/**
 * What `pool usage` computes from (the estate read through src/octopus/usage-types.ts) and
 * the rows it reports.
 * Field names are Octopus's PascalCase because rows are printed as JSON.
 */
import type {ProcessFacts, ProjectFacts, RunbookFacts, NamedFacts, ChannelFacts, LifecycleFacts, LibraryVariableSetFacts, VariableSetFacts} from '../../octopus/usage-types.js'

export interface UsagePoolFacts {
  Id: string
  Name: string
  IsDefault: boolean
  WorkerPoolType?: string | null
}

/** Workers of a pool: all registered, and those Octopus would lease (enabled and healthy). */
export interface PoolWorkerCount {
  Total: number
  Usable: number
}

/** What one space's usage is computed from. */
export interface UsageEstate {
  space: NamedFacts
  pools: UsagePoolFacts[]
  /** Worker counts per pool ID; a pool missing from the map counts as unknown (not as empty). */
  poolWorkers?: Map<string, PoolWorkerCount>
  projects: ProjectFacts[]
  /** Database deployment processes (the space list; snapshots in it are ignored). */
  deploymentProcesses: ProcessFacts[]
  runbooks: RunbookFacts[]
  runbookProcesses: ProcessFacts[]
  environments: NamedFacts[]
  channels: ChannelFacts[]
  libraryVariableSets: LibraryVariableSetFacts[]
  variableSets: VariableSetFacts[]
  feeds?: NamedFacts[]
  /**
   * The space's lifecycles, read only when some runbook takes its environments from the project's
   * lifecycles; undefined when not read (then such runbooks' environments are unresolved).
   */
  lifecycles?: LifecycleFacts[]
  /** False when the server has no runbooks at all (its root links none: before Octopus 2019.11). */
  serverHasRunbooks?: boolean
  /** Version-controlled projects: their process (and variables in git) read at the default branch. */
  git?: Map<string, GitReads>
}

export interface GitReads {
  gitRef: string
  process?: ProcessFacts
  /** Text variables from git (when VariablesAreInGit). */
  variables?: VariableSetFacts
  /** Why the process could not be read, when it could not. */
  error?: string
}

export type Via = 'direct' | 'variable' | 'default'
export type RunsOnWorker = 'yes' | 'likely'

/** One action that runs on one pool, and how it gets there. */
export interface UsageRow {
  SpaceId: string
  SpaceName: string
  PoolId: string
  PoolName: string
  ProjectId: string
  ProjectName: string
  ProjectDisabled: boolean
  ProcessType: 'Deployment' | 'Runbook'
  /** "Deployment process" or the runbook's name. */
  ProcessName: string
  RunbookId: string | null
  StepName: string
  ActionId: string
  ActionName: string
  ActionType: string
  IsDisabled: boolean
  Via: Via
  /** The WorkerPoolVariable name when Via is 'variable'. */
  Variable: string | null
  /** Where the variable's value came from: 'project' or the library variable set's name. */
  VariableSource: string | null
  /**
   * Environments in which the action runs on this pool (names): for a runbook step, the runbook's
   * own environments intersected with the step's. null = every environment the step's own
   * restrictions allow (or, when EnvironmentsResolved is false, possibly any of them).
   */
  Environments: string[] | null
  /** The runbook's EnvironmentScope (All, Specified, FromProjectLifecycles); null for a deployment process. */
  RunbookEnvironmentScope: string | null
  /** False when the runbook's environments come from project lifecycles that could not be read. */
  EnvironmentsResolved: boolean
  /** Channels in which it does (names); null = every channel. */
  Channels: string[] | null
  /** The action's own environment restrictions (names), as set on the step. */
  RestrictedToEnvironments: string[]
  ExcludedEnvironments: string[]
  RestrictedToChannels: string[]
  RunsOnWorker: RunsOnWorker
  /** Why the action is taken to run on a worker (the rule is partly a heuristic). */
  RunsOnWorkerReason: string
  /** The pool is the default pool and has no workers: Octopus runs the step on the built-in worker. */
  BuiltInWorker: boolean
  Container: {Image: string | null; FeedId: string | null; FeedName: string | null; GitUrl: string | null; Dockerfile: string | null} | null
  VersionControlled: boolean
  /** The git ref read for a version-controlled project (its default branch). */
  GitRef: string | null
}

/** Something `pool usage` could not resolve, or a step that cannot get a pool. */
export interface UsageProblem {
  Kind: 'missing-variable-value' | 'unknown-pool' | 'unknown-variable' | 'tenant-variable' | 'both-pool-and-variable' | 'git-read-failed' | 'ambiguous-variable'
  SpaceId: string
  SpaceName: string
  ProjectId: string
  ProjectName: string
  ProcessType: 'Deployment' | 'Runbook'
  ProcessName: string
  StepName: string | null
  ActionId: string | null
  ActionName: string | null
  IsDisabled: boolean
  Variable: string | null
  /** Environments concerned (names), for missing values. */
  Environments: string[]
  Message: string
}

/** What cannot be seen, with counts where known. */
export interface UsageGaps {
  /** Version-controlled projects, read at their default branch only. */
  VersionControlledProjects: number
  /** Projects whose runbooks are in git: those runbooks are not read. */
  RunbooksInGitProjects: number
  /** Actions whose pool comes from a tenant-supplied value (not read). */
  TenantSuppliedActions: number
  /** Frozen processes of releases and published runbook snapshots are never read. */
  SnapshotsRead: false
  /** False when the server has no runbooks (before Octopus 2019.11): only deployment processes exist. */
  ServerHasRunbooks: boolean
  /** Runbooks whose environments come from project lifecycles that could not be read. */
  UnresolvedRunbookScopes: number
}

export interface SpaceUsage {
  space: NamedFacts
  rows: UsageRow[]
  problems: UsageProblem[]
  gaps: UsageGaps
  /** Actions that run on a worker, whatever the pool (for the default-pool rule's share). */
  workerActions: number
}
