/**
 * Interactive `worker register`: asks only for what the command line left out, validating each
 * answer with the same validators as the flags. Pools are a multi-select of the static pools.
 */
import {usageError, type CliError} from '../../text/errors.js'
import type {Questions} from '../../ui/prompter.js'
import type {DraftField, RegisterDraft, RegisterSnapshot} from './register-draft.js'
import {isDynamicPool} from '../../domain/pools.js'
import {SSH_ACCOUNT_TYPES} from './resolve.js'
import {validateListeningUrl, validateSshFingerprint, validateSshHost, validateSubscriptionId, validateThumbprint, validateWorkerName} from './validate.js'

/** Turns a validator that throws into an inquirer `validate` that returns the message. */
function asPromptValidator(validate: (value: string) => unknown): (value: string) => true | string {
  return (value) => {
    try {
      validate(value)
      return true
    } catch (error) {
      return (error as CliError).message
    }
  }
}

/** Returns the draft with every missing field answered. Pools and accounts are chosen by ID. */
export async function promptForMissing(draft: RegisterDraft, missing: DraftField[], snapshot: Pick<RegisterSnapshot, 'pools' | 'accounts'>, prompter: Questions): Promise<RegisterDraft> {
  const next: RegisterDraft = {...draft, pools: [...draft.pools]}
  for (const field of missing) {
    switch (field) {
      case 'name':
        next.name = validateWorkerName(await prompter.input('Worker name:', {validate: asPromptValidator(validateWorkerName)}))
        break
      case 'pools': {
        const choices = snapshot.pools.filter((p) => !isDynamicPool(p)).map((p) => ({name: p.Name, value: p.Id}))
        if (choices.length === 0) throw usageError('This space has no static worker pool to register the worker in.', {hint: 'Create one with `octoworkers pool create`.'})
        next.pools = await prompter.checkbox('Worker pools (space to select, enter to confirm):', choices, {required: true})
        break
      }
      case 'url':
        next.url = validateListeningUrl(await prompter.input('Listening URL (https://host:10933/):', {validate: asPromptValidator(validateListeningUrl)}))
        break
      case 'thumbprint':
        next.thumbprint = validateThumbprint(await prompter.input('Tentacle thumbprint (40 hex characters):', {validate: asPromptValidator(validateThumbprint)}))
        break
      case 'subscriptionId':
        next.subscriptionId = validateSubscriptionId(await prompter.input('Polling subscription ID:', {validate: asPromptValidator(validateSubscriptionId)}))
        break
      case 'host':
        next.host = validateSshHost(await prompter.input('SSH host:', {validate: asPromptValidator(validateSshHost)}))
        break
      case 'fingerprint':
        next.fingerprint = validateSshFingerprint(await prompter.input('SSH host key fingerprint (aa:bb:... or SHA256:...):', {validate: asPromptValidator(validateSshFingerprint)}))
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
