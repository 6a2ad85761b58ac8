import * as Flags from '@oclif/core/flags'
import {KUBERNETES_REGISTER_NOTE, REGISTER_COMMON_FLAGS, REGISTER_POOL_FLAG, WorkerRegisterCommand} from '../../../cli/command-bases/worker-register-command.js'
import type {RegisterInput} from '../../../app/workers/register.js'
import {SSH_PLATFORMS} from '../../../app/workers/validate.js'

export default class WorkerRegisterSsh extends WorkerRegisterCommand<typeof WorkerRegisterSsh> {
  static override summary = 'Register an SSH worker (no Tentacle: the server connects over SSH with an account).'
  static override description = `Missing values are prompted for on a terminal (pools as a multi-select, the account as a choice), and the equivalent non-interactive command is then printed on stderr.

--fingerprint takes the MD5 form aa:bb:... (16 colon-separated hex pairs) or SHA256:<base64>, as \`ssh-keygen -lf\` prints it.
--platform sets the self-contained Calamari runtime; without it the server uses Mono.
--if-not-exists: exit 0 without changes when a worker of that name has the same endpoint; exit 1 when its endpoint differs.
--force: update the existing worker of that name in place.

${KUBERNETES_REGISTER_NOTE}`
  static override examples = [
    '<%= config.bin %> worker register ssh build-03 --pool "Linux Workers" --host build-03.example.com --fingerprint SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU --account deploy-key --platform linux-x64',
  ]

  static override flags = {
    ...REGISTER_POOL_FLAG,
    host: Flags.string({description: 'SSH host name or IP address.'}),
    port: Flags.string({description: 'SSH port (1-65535).', default: '22'}),
    fingerprint: Flags.string({description: 'SSH host key fingerprint (aa:bb:... or SHA256:...).'}),
    account: Flags.string({description: 'SSH key pair or username/password account (name or ID).'}),
    platform: Flags.string({description: `Calamari platform (${SSH_PLATFORMS.join('|')}).`}),
    proxy: Flags.string({description: 'Proxy the server uses to reach the host (name or ID).'}),
    ...REGISTER_COMMON_FLAGS,
  }

  protected readonly registerType = 'ssh'

  protected endpointInput(): RegisterInput {
    const {flags} = this
    return {host: flags.host, port: flags.port, fingerprint: flags.fingerprint, account: flags.account, platform: flags.platform, proxy: flags.proxy}
  }
}
