import {contextProfile, LeaseReleaseFaults, type ModelContext, type OctopusVersion} from './context.js'
import type {QueryNameMatching} from './profiles.js'
import type {Store} from './store.js'
import {TaskEngine} from './model/tasks/engine.js'
import {Simulations} from './model/simulations.js'
import {UsageDocuments} from './model/usage/store.js'
import {Presenter} from './present.js'

/** Everything a route handler needs: the model's context plus the engines made from it. */
export interface SandboxContext extends ModelContext {
  readonly tasks: TaskEngine
  readonly simulations: Simulations
}

export interface ContextSettings {
  store: Store
  version: OctopusVersion
  queryNames: QueryNameMatching
  healthCheckMs: number
  leaseRetryMs: number
  now?: () => string
}

/** Builds the base context, then the engines from it: nothing is filled in afterwards. */
export function createSandboxContext(settings: ContextSettings): SandboxContext {
  const profile = contextProfile(settings.version)
  const base: ModelContext = {
    store: settings.store,
    usage: new UsageDocuments(settings.store),
    version: settings.version,
    profile,
    present: new Presenter(profile),
    queryNames: settings.queryNames,
    healthCheckMs: settings.healthCheckMs,
    leaseRetryMs: settings.leaseRetryMs,
    leaseReleaseFaults: new LeaseReleaseFaults(),
    now: settings.now ?? (() => new Date().toISOString()),
  }
  const tasks = new TaskEngine(base)
  return {...base, tasks, simulations: new Simulations(base, tasks)}
}
