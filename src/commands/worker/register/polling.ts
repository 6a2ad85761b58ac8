import * as Flags from '@oclif/core/flags'
import {REGISTER_COMMON_FLAGS, REGISTER_POOL_FLAG, TENTACLE_REGISTER_DESCRIPTION, WorkerRegisterCommand} from '../../../cli/command-bases/worker-register-command.js'
import type {RegisterInput} from '../../../app/workers/register.js'

export default class WorkerRegisterPolling extends WorkerRegisterCommand<typeof WorkerRegisterPolling> {
  static override summary = 'Register a polling Tentacle worker (it connects to the server, as poll://SUBSCRIPTION-ID/).'
  static override description = TENTACLE_REGISTER_DESCRIPTION
  static override examples = [
    '<%= config.bin %> worker register polling build-02 --pool "Linux Workers" --subscription-id ckyhfyfkcbmzjl8sfgch --thumbprint 0E80575D3BD8D30854802A4E8340A2E23AE961FD',
    '<%= config.bin %> worker register polling build-02 --pool "Linux Workers" --uri poll://ckyhfyfkcbmzjl8sfgch/ --thumbprint 0E80575D3BD8D30854802A4E8340A2E23AE961FD',
  ]

  static override flags = {
    ...REGISTER_POOL_FLAG,
    'subscription-id': Flags.string({description: 'The Tentacle\'s subscription ID (as in its Tentacle.config).', exclusive: ['uri']}),
    uri: Flags.string({description: 'The polling address poll://SUBSCRIPTION-ID/ (instead of --subscription-id).', exclusive: ['subscription-id']}),
    thumbprint: Flags.string({description: 'The Tentacle\'s certificate thumbprint (40 hex characters).'}),
    ...REGISTER_COMMON_FLAGS,
  }

  protected readonly registerType = 'polling'

  protected endpointInput(): RegisterInput {
    return {subscriptionId: this.flags['subscription-id'], uri: this.flags.uri, thumbprint: this.flags.thumbprint}
  }
}
