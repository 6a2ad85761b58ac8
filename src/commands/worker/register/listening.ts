import {Args, Flags} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../../base-command.js'
import {ServerCommand} from '../../../server-command.js'
import {inquirerPrompter} from '../../../lib/workers/register-prompts.js'
import {describeRegistration, draftFromInput, registerWorker} from '../../../lib/workers/register.js'

export default class WorkerRegisterListening extends ServerCommand<typeof WorkerRegisterListening> {
  static override summary = 'Register a listening Tentacle worker (the server connects to it).'
  static override description = `Missing values are prompted for on a terminal (pools as a multi-select), and the equivalent non-interactive command is then printed on stderr with the thumbprint masked.

--if-not-exists: exit 0 without changes when a worker of that name has the same endpoint; exit 1 when its endpoint differs.
--force: update the existing worker of that name in place (as \`Tentacle register-worker --force\`).

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> worker register listening build-01 --pool "Linux Workers" --url https://build-01.example.com:10933/ --thumbprint 0E80575D3BD8D30854802A4E8340A2E23AE961FD',
  ]

  static override args = {
    name: Args.string({description: 'Worker name (prompted for when missing on a terminal).'}),
  }

  static override flags = {
    pool: Flags.string({description: 'Static worker pool to join (name or ID; repeatable).', multiple: true}),
    url: Flags.string({description: 'The Tentacle\'s URL, e.g. https://host:10933/.'}),
    thumbprint: Flags.string({description: 'The Tentacle\'s certificate thumbprint (40 hex characters).'}),
    proxy: Flags.string({description: 'Proxy the server uses to reach the Tentacle (name or ID).'}),
    'machine-policy': Flags.string({description: 'Machine policy (name or ID; default: the space\'s default policy).'}),
    disabled: Flags.boolean({description: 'Register it disabled.'}),
    'if-not-exists': Flags.boolean({description: 'Succeed without changes if a worker of that name with the same endpoint exists.', exclusive: ['force']}),
    force: Flags.boolean({description: 'Update an existing worker of that name in place.', exclusive: ['if-not-exists']}),
  }

  async run(): Promise<void> {
    const {flags} = this
    const draft = draftFromInput('listening', {
      name: this.args.name, pool: flags.pool, url: flags.url, thumbprint: flags.thumbprint, proxy: flags.proxy,
      machinePolicy: flags['machine-policy'], disabled: flags.disabled, ifNotExists: flags['if-not-exists'], force: flags.force,
    })
    const result = await registerWorker(draft, {interactive: this.interactive, connect: async () => (await this.connectSpace()).space, prompter: inquirerPrompter, bin: this.config.bin, spaceChosen: Boolean((flags as {space?: string}).space ?? process.env.OCTOPUS_SPACE)})
    if (result.equivalentCommand) this.note(`To do this without prompts:\n  ${result.equivalentCommand}`)
    if (this.isJson) return this.printJson({...result.worker, RegistrationAction: result.action})
    this.print(describeRegistration(result))
  }
}
