import type {Store} from './store.js'
import {profileOf, type OctopusVersion, type QueryNameMatching, type VersionProfile} from './profiles.js'

export type {OctopusVersion}

/**
 * The lease-release fault (`POST /api/sandbox/faults {Kind: "LeaseRelease", Times}`): how many
 * releases are still to fail, -1 for every one. Shared by the routes that set it and the task
 * engine that consumes it, so it is an object both hold rather than a copied number.
 */
export class LeaseReleaseFaults {
  private remaining = 0

  /** `times` 0 means every release from now on. */
  failNext(times: number): void {
    this.remaining = times === 0 ? -1 : times
  }

  clear(): void {
    this.remaining = 0
  }

  /** Undefined when no release is set to fail. */
  pending(): number | 'all' | undefined {
    if (this.remaining === 0) return undefined
    return this.remaining === -1 ? 'all' : this.remaining
  }

  /** Whether this release fails (and counts it). */
  takeFailure(): boolean {
    if (this.remaining === 0) return false
    if (this.remaining > 0) this.remaining--
    return true
  }
}

/**
 * What the model (src/sandbox/model) needs: the store, the emulated version, the timing and the
 * clock. It is complete when built; the engines are made from it (server-context.ts).
 */
export interface ModelContext {
  readonly store: Store
  readonly version: OctopusVersion
  readonly profile: VersionProfile
  readonly queryNames: QueryNameMatching
  /** Health-check task duration in ms (also each machine's Tentacle upgrade or Calamari update). */
  readonly healthCheckMs: number
  /** How long a deployment step retries leasing when no worker can be leased (2026.1 emulation). */
  readonly leaseRetryMs: number
  readonly leaseReleaseFaults: LeaseReleaseFaults
  now(): string
}

export function contextProfile(version: OctopusVersion): VersionProfile {
  return profileOf(version)
}

/** Whether the version has the newer feature flags (not 2019.7 or 2021.2). */
export function isLegacy(ctx: Pick<ModelContext, 'profile'>): boolean {
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
export function presentJson(ctx: Pick<ModelContext, 'profile'>, json: string): string {
  const f = ctx.profile.fields
  let out = json
  if (!f.slug) out = out.replace(SLUG, '')
  if (!f.machineStatus) out = out.replace(MACHINE_STATUS, '')
  if (!f.operatingSystemVersion) out = out.replace(OS_VERSION, '')
  if (!f.skipInitialHealthCheck) out = out.replace(SKIP_INITIAL, '')
  return out
}
