import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import type {Command} from '@oclif/core/command'
import {type Rendered} from '../base-command.js'
import {ServerCommand} from '../server-command.js'
import {draftFromInput, registerWorker, type RegisterInput, type RegistrationResult} from '../../app/workers/register.js'
import {describeRegistration, registrationWarningLine} from '../../views/workers.js'
import {promptForMissing} from '../prompts/worker-register.js'
import type {RegisterType} from '../../app/workers/register-draft.js'

/** Said in every register command's help: Kubernetes agents are not registered from here. */
export const KUBERNETES_REGISTER_NOTE = 'Kubernetes agent workers are not registered with this command: they register themselves when installed with Octopus\'s kubernetes-agent Helm chart (agent.worker.enabled=true, pools in agent.worker.initial.workerPools). Once registered they appear in worker list --type kubernetes and are managed like any other worker.'

/** The help of the two Tentacle registrations (listening and polling). */
export const TENTACLE_REGISTER_DESCRIPTION = `Missing values are prompted for on a terminal (pools as a multi-select), and the equivalent non-interactive command is then printed on stderr, thumbprint included (a certificate's public hash), ready to reuse.

--thumbprint takes the 40 hex characters as \`Tentacle show-thumbprint\` prints them, or in byte pairs split by colons or spaces as \`openssl x509 -fingerprint -sha1\` and Windows' certificate dialog show them, in any case; it is stored as 40 upper-case hex.
A warning (stderr, exit 0) says when another worker of the space has the same address and thumbprint, and when a listening URL is plain http://.

--if-not-exists: exit 0 without changes when a worker of that name has the same endpoint; exit 1 when its endpoint differs.
--force: update the existing worker of that name in place (as \`Tentacle register-worker --force\`).

${KUBERNETES_REGISTER_NOTE}`

/** First in every register command's flags (help lists flags in the order given). */
export const REGISTER_POOL_FLAG = {
  pool: Flags.string({description: 'Static worker pool to join (name or ID; repeatable).', multiple: true}),
}

/** Last in every register command's flags, after the endpoint's own. */
export const REGISTER_COMMON_FLAGS = {
  'machine-policy': Flags.string({description: 'Machine policy (name or ID; default: the space\'s default policy).'}),
  disabled: Flags.boolean({description: 'Register it disabled.'}),
  'if-not-exists': Flags.boolean({description: 'Succeed without changes if a worker of that name with the same endpoint exists.', exclusive: ['force']}),
  force: Flags.boolean({description: 'Update an existing worker of that name in place.', exclusive: ['if-not-exists']}),
}

interface CommonFlagValues {
  space?: string
  pool?: string[]
  'machine-policy'?: string
  disabled?: boolean
  'if-not-exists'?: boolean
  force?: boolean
}

/**
 * `worker register listening|polling|ssh`: each command declares its endpoint flags and maps them
 * to `RegisterInput`; validation, prompts, resolution and the write are shared (lib/workers/register.ts).
 */
export abstract class WorkerRegisterCommand<T extends typeof Command> extends ServerCommand<T> {
  static override args = {
    name: Args.string({description: 'Worker name (prompted for when missing on a terminal).'}),
  }

  protected abstract readonly registerType: RegisterType

  /** The endpoint's values, from this command's own flags. */
  protected abstract endpointInput(): RegisterInput

  async run(): Promise<RegistrationResult> {
    const flags = this.flags as CommonFlagValues
    const draft = draftFromInput(this.registerType, {
      ...this.endpointInput(),
      name: (this.args as {name?: string}).name, pool: flags.pool, machinePolicy: flags['machine-policy'], disabled: flags.disabled,
      ifNotExists: flags['if-not-exists'], force: flags.force,
    })
    return registerWorker(draft, {
      interactive: this.interactive, connect: async () => (await this.connectSpace()).space, bin: this.config.bin,
      askForMissing: (draft, missing, snapshot) => promptForMissing(draft, missing, snapshot, this.context.prompter),
      spaceChosen: Boolean(flags.space ?? this.env.OCTOPUS_SPACE), onWarning: (warning) => this.warnUser(registrationWarningLine(warning)),
    })
  }

  protected override toJson(result: RegistrationResult): unknown {
    return {...result.worker, RegistrationAction: result.action}
  }

  protected override render(result: RegistrationResult): Rendered {
    return {stdout: describeRegistration(result), stderr: result.equivalentCommand ? ['To do this without prompts:', `  ${result.equivalentCommand}`] : []}
  }
}
