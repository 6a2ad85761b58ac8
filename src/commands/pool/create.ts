import {Args, Flags} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {usageError} from '../../lib/errors.js'
import {createWorkerPool, listDynamicWorkerTypes, listWorkerPools} from '../../lib/octopus/repositories.js'
import {checkWorkerTypeAllowed, createPoolBody, decideCreate, equivalentCreateCommand, matchWorkerType, type CreatePoolInput} from '../../lib/pools/create.js'
import {parseSortOrder, POOL_TYPE_FLAGS, poolTypeFlag, validatePoolName, type PoolTypeFlag} from '../../lib/pools/validate.js'
import {promptInput, promptSelect, validatorFrom} from '../../lib/render/prompt.js'
import {terminalSafe} from '../../lib/render/safe.js'

export default class PoolCreate extends ServerCommand<typeof PoolCreate> {
  static override summary = 'Create a static or dynamic worker pool.'

  static override description = `A dynamic pool needs --worker-type, one of the types the server lists at /workerpools/dynamicworkertypes (a wrong one is exit 2 and lists them). Without --type the pool is static, and --worker-type is then exit 2.

--if-not-exists makes the command safe to repeat: a pool with the same name (case-insensitive) and type means success with no change; one with another type is exit 1. Without it, an existing name is exit 1.

Interactive runs ask for what is missing (name, type, worker type) and then print the equivalent non-interactive command on stderr.

${EXIT_CODES_HELP}`

  static override examples = [
    '<%= config.bin %> pool create "Linux workers"',
    '<%= config.bin %> pool create "Hosted Ubuntu" --type dynamic --worker-type UbuntuDefault',
    '<%= config.bin %> pool create "Build pool" --description "CI builds" --sort-order 2 --if-not-exists',
  ]

  static override args = {
    name: Args.string({description: 'Pool name (asked for when interactive and omitted).'}),
  }

  static override flags = {
    type: Flags.string({description: 'Pool type (default static).', options: POOL_TYPE_FLAGS}),
    'worker-type': Flags.string({description: 'Dynamic pools only: the worker image, e.g. UbuntuDefault.'}),
    description: Flags.string({description: 'Pool description.'}),
    default: Flags.boolean({description: 'Make it the space\'s default pool.'}),
    'sort-order': Flags.string({description: 'Position in the pool order (non-negative integer).'}),
    'if-not-exists': Flags.boolean({description: 'Succeed without change if a pool of this name and type exists.'}),
  }

  public async run(): Promise<void> {
    const flags = this.flags
    const interactive = this.interactive
    // Everything the command line alone can tell is checked before any request.
    const sortOrder = parseSortOrder(flags['sort-order'])
    let name = this.args.name === undefined ? undefined : validatePoolName(this.args.name)
    let type = flags.type as PoolTypeFlag | undefined
    let workerType = flags['worker-type']
    if (name === undefined && !interactive) throw usageError('Missing the pool name.', {hint: `Usage: ${this.config.bin} pool create <name> [--type static|dynamic].`})
    if (type === undefined && !interactive) type = 'static'
    if (type !== undefined) checkWorkerTypeAllowed(type, workerType)

    let prompted = false
    if (name === undefined) {
      name = validatePoolName(await promptInput('Pool name:', {validate: validatorFrom((v) => validatePoolName(v))}))
      prompted = true
    }
    if (type === undefined) {
      type = await promptSelect<PoolTypeFlag>('Pool type:', [
        {name: 'static (workers you register)', value: 'static'},
        {name: 'dynamic (Octopus Cloud provides the workers)', value: 'dynamic'},
      ])
      prompted = true
      checkWorkerTypeAllowed(type, workerType)
    }

    const {space} = await this.connectSpace()
    if (type === 'dynamic') {
      const types = await listDynamicWorkerTypes(space)
      if (workerType === undefined && interactive && types.length > 0) {
        workerType = await promptSelect('Worker type:', types.map((t) => ({name: t.Description ? `${t.Type} (${t.Description})` : t.Type, value: t.Type})))
        prompted = true
      }
      workerType = matchWorkerType(workerType, types)
    }

    const input: CreatePoolInput = {name, type, workerType, description: flags.description, isDefault: flags.default, sortOrder, ifNotExists: flags['if-not-exists']}
    const decision = decideCreate(await listWorkerPools(space), input)
    if (!decision.create) {
      const existing = decision.existing
      if (this.isJson) this.printJson({...existing, Created: false})
      else this.print(`Worker pool '${terminalSafe(existing.Name)}' (${existing.Id}) already exists as a ${poolTypeFlag(existing.WorkerPoolType)} pool; nothing changed.`)
    } else {
      const pool = await createWorkerPool(space, createPoolBody(input))
      if (this.isJson) this.printJson({...pool, Created: true})
      else this.print(`Created ${type} worker pool '${terminalSafe(pool.Name)}' (${pool.Id})${pool.IsDefault ? ', the default pool' : ''}.`)
    }
    if (prompted) {
      const echo = equivalentCreateCommand(this.config.bin, input, {server: flags.server, space: flags.space})
      this.note(`To do this without prompts:\n  ${echo}`)
    }
  }
}
