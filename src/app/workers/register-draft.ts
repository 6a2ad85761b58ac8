/**
 * A worker registration as it is being put together: what the command line gave, what is still
 * missing, and what the server has that it can name. Shared by the registration itself and by the
 * prompts that fill in the missing fields.
 */
import type {AccountResource} from '../../octopus/repositories.js'
import type {MachinePolicyResource, WorkerPoolResource, WorkerResource} from '../../octopus/types.js'
import type {EndpointSpec} from './endpoint.js'
import type {SshPlatform} from './validate.js'

export type RegisterType = EndpointSpec['type']

/** What the user typed, after validation; fields not given yet are undefined. */
export interface RegisterDraft {
  type: RegisterType
  name?: string
  pools: string[]
  url?: string
  thumbprint?: string
  subscriptionId?: string
  host?: string
  port: number
  fingerprint?: string
  account?: string
  platform?: SshPlatform
  proxy?: string
  machinePolicy?: string
  disabled: boolean
  mode: RegisterMode
}

export type RegisterMode = 'create' | 'if-not-exists' | 'force'

export type DraftField = 'name' | 'pools' | 'url' | 'thumbprint' | 'subscriptionId' | 'host' | 'fingerprint' | 'account'

/** Everything the server has that a registration can name: read once, before any change. */
export interface RegisterSnapshot {
  pools: WorkerPoolResource[]
  /** Workers with the draft's name (the server's `name` filter is exact; compared case-insensitively). */
  sameName: WorkerResource[]
  machinePolicies?: MachinePolicyResource[]
  accounts?: AccountResource[]
  proxies?: Array<{Id: string; Name: string}>
}
