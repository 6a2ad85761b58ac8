/**
 * Name-or-ID resolution for everything a worker command can name: pools, workers, machine
 * policies, accounts and proxies. Unknown -> exit 4 with close matches (names.ts); a pool that
 * cannot hold workers -> exit 2. All of it runs before anything is changed.
 */
import {usageError} from '../../text/errors.js'
import {isDynamicPool} from '../../domain/pools.js'
import {findAllByNameOrId, findByNameOrId} from '../../octopus/names.js'
import type {AccountResource} from '../../octopus/repositories.js'
import type {WorkerPoolResource} from '../../octopus/types.js'

/** Account types an SSH endpoint can use (API notes §3.3). */
export const SSH_ACCOUNT_TYPES = ['SshKeyPair', 'UsernamePassword']

/** Pools a worker can join: every name must exist (exit 4) and be static (exit 2). */
export function resolveStaticPools(pools: WorkerPoolResource[], inputs: string[], flag = '--pool'): WorkerPoolResource[] {
  const found = findAllByNameOrId(pools, inputs, 'worker pool')
  const dynamic = found.filter(isDynamicPool)
  if (dynamic.length > 0) {
    throw usageError(`${flag}: ${dynamic.map((p) => `'${p.Name}'`).join(', ')} ${dynamic.length === 1 ? 'is a dynamic worker pool' : 'are dynamic worker pools'}; dynamic pools take no workers.`, {
      hint: `Static pools: ${pools.filter((p) => !isDynamicPool(p)).map((p) => p.Name).join(', ') || '(none)'}.`,
    })
  }
  return found
}

export function resolveSshAccount(accounts: AccountResource[], input: string): AccountResource {
  const account = findByNameOrId(accounts, input, 'account')
  if (!SSH_ACCOUNT_TYPES.includes(account.AccountType)) {
    throw usageError(`Account '${account.Name}' is a ${account.AccountType} account; an SSH worker needs a ${SSH_ACCOUNT_TYPES.join(' or ')} account.`)
  }
  return account
}
