/**
 * The stored shapes of worker pools and workers. Kept apart from pools.ts and workers.ts, which
 * both need each other's shape, so neither module imports the other to get it.
 */
import type {EndpointDoc} from '../endpoints.js'
import type {HealthStatus} from '../health.js'

export type WorkerPoolType = 'StaticWorkerPool' | 'DynamicWorkerPool'

export interface PoolDoc {
  Id: string
  Name: string
  Slug: string
  Description: string | null
  IsDefault: boolean
  SortOrder: number
  SpaceId: string
  WorkerPoolType: WorkerPoolType
  CanAddWorkers: boolean
  WorkerType?: string
  LastModifiedOn: string
  LastModifiedBy: string
  Links: Record<string, string>
}

export interface WorkerDoc {
  Id: string
  Name: string
  Slug: string
  SpaceId: string
  WorkerPoolIds: string[]
  MachinePolicyId: string
  IsDisabled: boolean
  HealthStatus: HealthStatus
  /** MachineModelStatus: stored for every version, left out of responses where the version lacks it (context.ts). */
  Status: string
  StatusSummary: string
  HasLatestCalamari: boolean
  IsInProcess: boolean
  Thumbprint: string | null
  Uri: string | null
  /** Null on some real workers (documents from Octopus's own client tests); never created by this sandbox's POST. */
  Endpoint: EndpointDoc | null
  OperatingSystem: string
  /** Newer servers only (left out of older versions' responses). */
  OperatingSystemVersion: string | null
  /** 2024.3.285+: writable on create; left out of older versions' responses. */
  SkipInitialHealthCheck: boolean
  ShellName: string
  ShellVersion: string
  Architecture: string
  LastModifiedOn: string
  LastModifiedBy: string
  Links: Record<string, string>
}
