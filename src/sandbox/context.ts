import type {Store} from './store.js'
import type {TaskEngine} from './tasks.js'
import type {Simulations} from './simulations.js'
import {profileOf, type OctopusVersion, type QueryNameMatching, type VersionProfile} from './profiles.js'

export type {OctopusVersion}

export const SANDBOX_USER = 'sandbox-admin'

/** Everything a route handler needs: the store, the emulated version, the task engine. */
export interface SandboxContext {
  store: Store
  version: OctopusVersion
  profile: VersionProfile
  queryNames: QueryNameMatching
  tasks: TaskEngine
  simulations: Simulations
  /** Health-check task duration in ms (also each machine's Tentacle upgrade or Calamari update). */
  healthCheckMs: number
  /** Lease releases still to fail (fault mode: -1 = every one), see faults.ts. */
  failLeaseReleases: number
  /** How long a deployment step retries leasing when no worker can be leased (2026.1 emulation). */
  leaseRetryMs: number
  now(): string
}

export function contextProfile(version: OctopusVersion): VersionProfile {
  return profileOf(version)
}

/** Whether the version has the newer feature flags (not 2019.7 or 2021.2). */
export function isLegacy(ctx: SandboxContext): boolean {
  return !ctx.profile.fields.newerFeatureFlags
}

const MACHINE_STATUS = /,"Status":"(?:Online|Offline|Unknown|NeedsUpgrade|CalamariNeedsUpgrade|Disabled)"(?=,"StatusSummary")/g
const SLUG = /,"Slug":"[a-z0-9-]*"/g
const OS_VERSION = /,"OperatingSystemVersion":(?:null|"(?:[^"\\]|\\.)*")/g
const SKIP_INITIAL = /,"SkipInitialHealthCheck":(?:true|false)/g

/**
 * Removes fields the emulated version does not have. Documents are stored with every field any
 * version has; this works on the JSON text, so `/all` endpoints still answer by concatenation.
 * Each pattern matches only its own key: slugs hold only [a-z0-9-]; a machine's `Status` is always
 * followed by `StatusSummary` (a connection status or activity `Status` never is).
 */
export function presentJson(ctx: SandboxContext, json: string): string {
  const f = ctx.profile.fields
  let out = json
  if (!f.slug) out = out.replace(SLUG, '')
  if (!f.machineStatus) out = out.replace(MACHINE_STATUS, '')
  if (!f.operatingSystemVersion) out = out.replace(OS_VERSION, '')
  if (!f.skipInitialHealthCheck) out = out.replace(SKIP_INITIAL, '')
  return out
}
