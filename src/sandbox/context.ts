import type {Store} from './store.js'
import type {TaskEngine} from './tasks.js'
import type {Simulations} from './simulations.js'

export type OctopusVersion = '2021.2' | '2026.1'

/** The full version string each emulated release reports in `/api`. */
export const VERSION_STRINGS: Record<OctopusVersion, string> = {
  '2021.2': '2021.2.7650',
  '2026.1': '2026.1.4312',
}

export const SANDBOX_USER = 'sandbox-admin'

/** Everything a route handler needs: the store, the emulated version, the task engine. */
export interface SandboxContext {
  store: Store
  version: OctopusVersion
  tasks: TaskEngine
  simulations: Simulations
  /** Health-check task duration in ms (also each machine's Tentacle upgrade or Calamari update). */
  healthCheckMs: number
  /** How long a deployment step retries leasing when no worker can be leased (2026.1 emulation). */
  leaseRetryMs: number
  now(): string
}

export function isLegacy(ctx: SandboxContext): boolean {
  return ctx.version === '2021.2'
}

/**
 * Removes fields the emulated version does not have (2021.2 has no `Slug`). Works on the stored
 * JSON text, so `/all` endpoints can still answer by concatenation: slugs only ever hold
 * [a-z0-9-], so the pattern cannot cut into other values.
 */
export function presentJson(ctx: SandboxContext, json: string): string {
  return isLegacy(ctx) ? json.replace(/,"Slug":"[a-z0-9-]*"/g, '') : json
}
