/**
 * The parts of Octopus's project, process, runbook, channel, lifecycle and variable documents that
 * `pool usage` reads, as the client returns them (real API documents fit as they are; unit tests
 * can write small fixtures). Field names are Octopus's own PascalCase.
 */

/** A property value is a plain string, or an object when sensitive (`{HasValue, NewValue}`). */
export type PropertyValue = string | {HasValue?: boolean; NewValue?: string | null} | null | undefined

export interface ContainerFacts {
  Image?: string | null
  FeedId?: string | null
  /** Inline execution containers (newer servers). */
  GitUrl?: string | null
  Dockerfile?: string | null
}

export interface ActionFacts {
  Id: string
  Name: string
  ActionType: string
  IsDisabled?: boolean
  WorkerPoolId?: string | null
  WorkerPoolVariable?: string | null
  Container?: ContainerFacts | null
  Environments?: string[] | null
  ExcludedEnvironments?: string[] | null
  Channels?: string[] | null
  Properties?: Record<string, PropertyValue> | null
}

export interface StepFacts {
  Id: string
  Name: string
  Properties?: Record<string, PropertyValue> | null
  Actions?: ActionFacts[] | null
}

export interface ProcessFacts {
  Id: string
  ProjectId?: string | null
  RunbookId?: string | null
  Steps?: StepFacts[] | null
}

export interface ProjectFacts {
  Id: string
  Name: string
  IsDisabled?: boolean
  DeploymentProcessId?: string | null
  VariableSetId?: string | null
  IncludedLibraryVariableSetIds?: string[] | null
  IsVersionControlled?: boolean
  /** The project's lifecycle (its channels may name others). */
  LifecycleId?: string | null
  PersistenceSettings?: {
    Type?: string | null
    DefaultBranch?: string | null
    ConversionState?: {VariablesAreInGit?: boolean; RunbooksAreInGit?: boolean} | null
  } | null
  /** Project variable templates (tenant-supplied values). */
  Templates?: Array<{Id?: string; Name: string; DisplaySettings?: Record<string, string> | null}> | null
  Links?: Record<string, string>
}

export interface RunbookFacts {
  Id: string
  Name: string
  ProjectId: string
  RunbookProcessId?: string | null
  EnvironmentScope?: 'All' | 'Specified' | 'FromProjectLifecycles' | string | null
  Environments?: string[] | null
}

export interface NamedFacts {
  Id: string
  Name: string
}

export interface ChannelFacts extends NamedFacts {
  ProjectId: string
  /** The channel's own lifecycle; null = the project's. */
  LifecycleId?: string | null
}

export interface LifecycleFacts {
  Id: string
  Name?: string
  Phases?: Array<{AutomaticDeploymentTargets?: string[] | null; OptionalDeploymentTargets?: string[] | null}> | null
}

export interface LibraryVariableSetFacts extends NamedFacts {
  ContentType?: string | null
  VariableSetId?: string | null
  /** Variable templates (tenant-supplied values). */
  Templates?: Array<{Id?: string; Name: string; DisplaySettings?: Record<string, string> | null}> | null
}

export interface VariableFacts {
  Id?: string
  Name: string
  Value?: string | null
  Type?: string | null
  IsSensitive?: boolean
  Scope?: Record<string, string[] | null | undefined> | null
}

export interface VariableSetFacts {
  Id: string
  OwnerId?: string | null
  Variables?: VariableFacts[] | null
}
