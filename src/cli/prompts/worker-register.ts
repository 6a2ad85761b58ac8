/**
 * Interactive `worker register`: asks only for what the command line left out, validating each
 * answer with the same validators as the flags. Pools are a multi-select of the static pools.
 */
import {usageError} from '../../text/errors.js'
import type {Questions} from '../../ui/prompter.js'
import {validatorFrom} from '../../ui/prompt.js'
import type {DraftField, RegisterDraft, RegisterSnapshot} from '../../app/workers/register-draft.js'
import {isDynamicPool} from '../../domain/pools.js'
import {SSH_ACCOUNT_TYPES} from '../../app/workers/resolve.js'
import {validateListeningUrl, validateSshFingerprint, validateSshHost, validateSubscriptionId, validateThumbprint, validateWorkerName} from '../../app/workers/validate.js'

/** Returns the draft with every missing field answered. Pools and accounts are chosen by ID. */
export async function promptForMissing(draft: RegisterDraft, missing: DraftField[], snapshot: Pick<RegisterSnapshot, 'pools' | 'accounts'>, prompter: Questions): Promise<RegisterDraft> {
  const next: RegisterDraft = {...draft, pools: [...draft.pools]}
  for (const field of missing) {
    switch (field) {
      case 'name':
        next.name = validateWorkerName(await prompter.input('Worker name:', {validate: validatorFrom(validateWorkerName)}))
        break
      case 'pools': {
        const choices = snapshot.pools.filter((p) => !isDynamicPool(p)).map((p) => ({name: p.Name, value: p.Id}))
        if (choices.length === 0) throw usageError('This space has no static worker pool to register the worker in.', {hint: 'Create one with `octoworkers pool create`.'})
        next.pools = await prompter.checkbox('Worker pools (space to select, enter to confirm):', choices, {required: true})
        break
      }
      case 'url':
        next.url = validateListeningUrl(await prompter.input('Listening URL (https://host:10933/):', {validate: validatorFrom(validateListeningUrl)}))
        break
      case 'thumbprint':
        next.thumbprint = validateThumbprint(await prompter.input('Tentacle thumbprint (40 hex characters):', {validate: validatorFrom(validateThumbprint)}))
        break
      case 'subscriptionId':
        next.subscriptionId = validateSubscriptionId(await prompter.input('Polling subscription ID:', {validate: validatorFrom(validateSubscriptionId)}))
        break
      case 'host':
        next.host = validateSshHost(await prompter.input('SSH host:', {validate: validatorFrom(validateSshHost)}))
        break
      case 'fingerprint':
        next.fingerprint = validateSshFingerprint(await prompter.input('SSH host key fingerprint (aa:bb:... or SHA256:...):', {validate: validatorFrom(validateSshFingerprint)}))
        break
      case 'account': {
        const choices = (snapshot.accounts ?? []).filter((a) => SSH_ACCOUNT_TYPES.includes(a.AccountType)).map((a) => ({name: `${a.Name} (${a.AccountType})`, value: a.Id}))
        if (choices.length === 0) throw usageError(`This space has no ${SSH_ACCOUNT_TYPES.join(' or ')} account for an SSH worker.`)
        next.account = await prompter.select('SSH account:', choices)
        break
      }
    }
  }
  return next
}
