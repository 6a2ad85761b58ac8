/**
 * The data `check` and `builtin-worker` reason about. The shapes are the subset of Octopus's own
 * resources that the rules read, so real API documents fit them as they are and unit tests can
 * write small fixtures.
 */
import type {SpaceUsage} from '../usage/types.js'

export type Severity = 'error' | 'warning' | 'note'
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'note']

/** Rule IDs are a stable contract: config files, ignores and CI reports refer to them. */
export const RULE_IDS = [
  'naming/worker',
  'naming/pool',
  'redundancy/min-workers',
  'redundancy/all-unhealthy',
  'health/unhealthy-worker',
  'health/upgrade-needed',
  'builtin/enabled',
  'builtin/in-use',
  'pool/empty',
  'worker/duplicate-name',
  'worker/duplicate-thumbprint',
  'worker/also-deployment-target',
  'ha/too-few-workers',
  'dynamic/in-use',
  'usage/pool-without-workers',
  'usage/missing-variable-value',
  'usage/default-pool',
  'usage/unused-pool',
  'usage/no-execution-container',
] as const
export type RuleId = (typeof RULE_IDS)[number]

export function isRuleId(value: string): value is RuleId {
  return (RULE_IDS as readonly string[]).includes(value)
}

/** One problem found by a rule. PascalCase like Octopus's own documents, because it is printed as JSON. */
export interface Finding {
  RuleId: RuleId
  Severity: Severity
  /** The name of what the finding is about (a worker, a pool, the server). */
  Subject: string
  /** Its Octopus ID (`Workers-12`, `WorkerPools-3`), or null for the server as a whole. */
  SubjectId: string | null
  /** Null for server-wide findings (the built-in worker, HA nodes across spaces). */
  SpaceId: string | null
  SpaceName: string | null
  Message: string
  /** A command that fixes it where one exists, else a short instruction; null when none applies. */
  Fix: string | null
}

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
  TentacleVersionDetails?: {Version?: string | null; UpgradeRequired?: boolean; UpgradeSuggested?: boolean} | null
  TentacleEndpointConfiguration?: {Thumbprint?: string | null; Uri?: string | null} | null
  /** Kubernetes agents: upgrade advice is `KubernetesAgentDetails.UpgradeStatus`, not TentacleVersionDetails. */
  KubernetesAgentDetails?: {TentacleVersion?: string | null; AgentVersion?: string | null; UpgradeStatus?: string | null} | null
}

export interface WorkerFacts {
  Id: string
  Name: string
  IsDisabled: boolean
  HealthStatus: string
  WorkerPoolIds: string[]
  Thumbprint?: string | null
  Uri?: string | null
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
  /** Which steps run on which pool (src/lib/usage); read only when a usage/* rule is enabled. */
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
