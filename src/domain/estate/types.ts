/**
 * The client-side read model that `check` and `builtin-worker` reason about. The shapes are the
 * subset of Octopus's own resources that the rules read, so real API documents fit them as they are and unit tests can
 * write small fixtures.
 */
import type {SpaceUsage} from '../usage/types.js'

export interface PoolFacts {
  Id: string
  Name: string
  IsDefault: boolean
  /** `StaticWorkerPool` | `DynamicWorkerPool` (older servers may omit it: static). */
  WorkerPoolType?: string | null
  WorkerType?: string | null
}

export interface EndpointFacts {
  CommunicationStyle: string
  Uri?: string | null
  Thumbprint?: string | null
  TentacleVersionDetails?: {Version?: string | null; UpgradeRequired?: boolean; UpgradeSuggested?: boolean; UpgradeAvailable?: boolean; UpgradeLocked?: boolean} | null
  TentacleEndpointConfiguration?: {Thumbprint?: string | null; Uri?: string | null} | null
  /** Kubernetes agents: upgrade advice is `KubernetesAgentDetails.UpgradeStatus`, not TentacleVersionDetails. */
  KubernetesAgentDetails?: {TentacleVersion?: string | null; AgentVersion?: string | null; UpgradeStatus?: string | null; HelmReleaseName?: string | null; KubernetesNamespace?: string | null} | null
  /** A Kubernetes agent's lock (Tentacles keep theirs in TentacleVersionDetails). */
  UpgradeLocked?: boolean | null
}

export interface WorkerFacts {
  Id: string
  Name: string
  IsDisabled: boolean
  HealthStatus: string
  WorkerPoolIds: string[]
  Thumbprint?: string | null
  Uri?: string | null
  HasLatestCalamari?: boolean | null
  /** Null when the server sent no endpoint. */
  Endpoint: EndpointFacts | null
}

export interface DeploymentTargetFacts {
  Id: string
  Name: string
  Thumbprint?: string | null
  Uri?: string | null
  Endpoint?: {CommunicationStyle?: string; Uri?: string | null; Thumbprint?: string | null} | null
}

export interface PoolsSummaryFacts {
  MachineIdsForTentacleUpgrade?: string[] | null
  MachineIdsForCalamariUpgrade?: string[] | null
}

export interface SpaceSnapshot {
  space: {Id: string; Name: string}
  pools: PoolFacts[]
  workers: WorkerFacts[]
  /** `/workerpools/summary`; undefined when it could not be read. */
  summary?: PoolsSummaryFacts
  /** `/machines/all`; undefined when it could not be read (e.g. no permission to see targets). */
  deploymentTargets?: DeploymentTargetFacts[]
  /** Which steps run on which pool (src/domain/usage); read only when a usage/* rule is enabled. */
  usage?: SpaceUsage
}

export interface Snapshot {
  /** Server root URL, for links in fixes. */
  server: string
  spaces: SpaceSnapshot[]
  /** Undefined when the features document could not be read (it needs an administrator). */
  builtInWorkerEnabled?: boolean
  /** Undefined when the node list could not be read. */
  serverNodes?: Array<{Id: string; Name: string}>
}
