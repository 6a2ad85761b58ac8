import type {Store} from './store.js'
import type {UsageDocuments} from './model/usage/store.js'
import type {Presenter} from './present.js'
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
  /** Projects and what their steps run on (model/usage). */
  readonly usage: UsageDocuments
  readonly version: OctopusVersion
  readonly profile: VersionProfile
  /** Serialises documents with only the fields the version has (present.ts). */
  readonly present: Presenter
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
