import * as Flags from '@oclif/core/flags'
import {REGISTER_COMMON_FLAGS, REGISTER_POOL_FLAG, TENTACLE_REGISTER_DESCRIPTION, WorkerRegisterCommand} from '../../../cli/command-bases/worker-register-command.js'
import type {RegisterInput} from '../../../app/workers/register.js'

export default class WorkerRegisterListening extends WorkerRegisterCommand<typeof WorkerRegisterListening> {
  static override summary = 'Register a listening Tentacle worker (the server connects to it).'
  static override description = TENTACLE_REGISTER_DESCRIPTION
  static override examples = [
    '<%= config.bin %> worker register listening build-01 --pool "Linux Workers" --url https://build-01.example.com:10933/ --thumbprint 0E80575D3BD8D30854802A4E8340A2E23AE961FD',
  ]

  static override flags = {
    ...REGISTER_POOL_FLAG,
    url: Flags.string({description: 'The Tentacle\'s URL, e.g. https://host:10933/.'}),
    thumbprint: Flags.string({description: 'The Tentacle\'s certificate thumbprint (40 hex characters).'}),
    proxy: Flags.string({description: 'Proxy the server uses to reach the Tentacle (name or ID).'}),
    ...REGISTER_COMMON_FLAGS,
  }

  protected readonly registerType = 'listening'

  protected endpointInput(): RegisterInput {
    return {url: this.flags.url, thumbprint: this.flags.thumbprint, proxy: this.flags.proxy}
  }
}
