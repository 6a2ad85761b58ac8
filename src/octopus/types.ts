// Resource types come from Octopus's own contracts package (type-only: no runtime cost), extended
// locally only for what is newer than that package (docs/ARCHITECTURE.md §4).
import type {
  FeaturesConfigurationResource as ContractFeatures,
  ResourceCollection as ContractResourceCollection,
  SpaceResource as ContractSpace,
  StaticWorkerPoolResource,
  DynamicWorkerPoolResource,
  WorkerMachineResource as ContractWorker,
  WorkerPoolsSummaryResource as ContractPoolsSummary,
  TaskResource as ContractTask,
  UserResource as ContractUser,
  MachinePolicyResource as ContractMachinePolicy,
} from '@octopusdeploy/message-contracts'

export type Links = Record<string, string>

/** Fields added after the contracts package (or missing from it); all optional, as older servers lack them. */
interface Newer {
  Slug?: string | null
}

export type WorkerPoolResource = (StaticWorkerPoolResource | DynamicWorkerPoolResource) & Newer & {WorkerType?: string | null}
export type WorkerPoolTypeName = 'StaticWorkerPool' | 'DynamicWorkerPool'

export type CommunicationStyle = 'TentaclePassive' | 'TentacleActive' | 'Ssh' | 'KubernetesTentacle' | 'None' | string
export type HealthStatus = 'Healthy' | 'Unhealthy' | 'Unavailable' | 'HasWarnings' | 'Unknown'

/** Endpoint as the server returns it; fields vary by CommunicationStyle and may be null. */
export interface EndpointResource {
  CommunicationStyle: CommunicationStyle
  Uri?: string | null
  Thumbprint?: string | null
  ProxyId?: string | null
  Host?: string | null
  Port?: number | null
  Fingerprint?: string | null
  AccountId?: string | null
  DotNetCorePlatform?: string | null
  TentacleVersionDetails?: {
    UpgradeLocked?: boolean
    Version?: string | null
    UpgradeSuggested?: boolean
    UpgradeRequired?: boolean
    UpgradeAvailable?: boolean
  } | null
  /** Kubernetes agents (`KubernetesTentacle`): the Tentacle inside the agent. */
  TentacleEndpointConfiguration?: {CommunicationMode?: string; Thumbprint?: string | null; Uri?: string | null; ProxyId?: string | null} | null
  /** Kubernetes agents: chart and Tentacle versions, `UpgradeStatus` (NoUpgrades|UpgradeAvailable|UpgradeSuggested|UpgradeRequired, any case). */
  KubernetesAgentDetails?: KubernetesAgentDetailsResource | null
  /** Kubernetes agents keep the upgrade lock on the endpoint itself (Tentacles under TentacleVersionDetails). */
  UpgradeLocked?: boolean | null
  /** Kubernetes agents: for deployment targets only; expect null on workers. */
  DefaultNamespace?: string | null
  [key: string]: unknown
}

export interface KubernetesAgentDetailsResource {
  AgentVersion?: string | null
  TentacleVersion?: string | null
  UpgradeStatus?: string | null
  HelmReleaseName?: string | null
  KubernetesNamespace?: string | null
  [key: string]: unknown
}

/**
 * A worker as servers return it. `Endpoint` may be null and `HealthStatus` missing on documents
 * real servers (or hand-made scripts) produce; the renderer in lib/workers/present.ts copes.
 */
export type WorkerResource = Omit<ContractWorker, 'Endpoint' | 'HealthStatus' | 'Thumbprint' | 'Uri'> & Newer & {
  Endpoint: EndpointResource | null
  HealthStatus: HealthStatus
  Thumbprint?: string | null
  Uri?: string | null
  SkipInitialHealthCheck?: boolean
  HasLatestCalamari?: boolean
  StatusSummary?: string | null
  OperatingSystemVersion?: string | null
}

export type SpaceResource = ContractSpace & Newer
export type FeaturesConfigurationResource = ContractFeatures & {IsBuiltInWorkerEnabled: boolean; [key: string]: unknown}
export type WorkerPoolsSummaryResource = ContractPoolsSummary
export type TaskResource = ContractTask<any>
export type UserResource = ContractUser
export type MachinePolicyResource = ContractMachinePolicy

export type ResourceCollection<T> = Omit<ContractResourceCollection<T>, 'Links'> & {Links: Links}

export interface RootDocument {
  Application: string
  Version: string
  ApiVersion: string
  InstallationId?: string
  Links: Links
  [key: string]: unknown
}

export interface ActivityLogElement {
  Category: string
  OccurredAt: string
  MessageText: string
  Detail?: string | null
}

export interface ActivityElement {
  Id: string
  Name: string
  Status: string
  Started?: string | null
  Ended?: string | null
  Children: ActivityElement[]
  LogElements: ActivityLogElement[]
}

export interface TaskDetailsResource {
  Task: TaskResource
  ActivityLogs: ActivityElement[]
  PhysicalLogSize?: number
}

/** One active worker lease, as `/api/{space}/workertaskleases` returns it (newer servers only). */
export interface WorkerTaskLeaseResource {
  Id: string
  Exclusive: boolean
  Name: string
  ServerTaskId: string
  SpaceId: string
  TakenAt: string
  WorkerId: string
  WorkerPoolId: string
}

export interface OctopusErrorBody {
  ErrorMessage?: string
  Errors?: string[] | null
  HelpText?: string | null
  FullException?: string | null
}
