import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {countFlag} from '../../cli/flags.js'
import {createPool, equivalentCreateCommand, type CreatePoolResult} from '../../app/pools/create.js'
import {POOL_TYPE_FLAGS, type PoolTypeFlag} from '../../domain/pools.js'
import {emptyDefaultWarning, poolCreatedLine} from '../../views/pools.js'
import {poolCreateQuestions} from '../../cli/prompts/pool-create.js'

export default class PoolCreate extends ServerCommand<typeof PoolCreate> {
  static override summary = 'Create a static or dynamic worker pool.'

  static override description = `A dynamic pool needs --worker-type, one of the types the server lists at /workerpools/dynamicworkertypes (a wrong one is exit 2 and lists them). Without --type the pool is static, and --worker-type is then exit 2.

--if-not-exists makes the command safe to repeat: a pool with the same name (case-insensitive) and type means success with no change; one with another type is exit 1. Without it, an existing name is exit 1.

--default on a new static pool warns on stderr (exit 0): it has no workers yet, so steps that use the default pool have none to run on until you register some.

Interactive runs ask for what is missing (name, type, worker type) and then print the equivalent non-interactive command on stderr.`

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
    'sort-order': countFlag({description: 'Position in the pool order (0 or more).', min: 0}),
    'if-not-exists': Flags.boolean({description: 'Succeed without change if a pool of this name and type exists.'}),
  }

  public async run(): Promise<CreatePoolResult> {
    const flags = this.flags
    const result = await createPool({
      draft: {
        name: this.args.name,
        type: flags.type as PoolTypeFlag | undefined,
        workerType: flags['worker-type'],
        description: flags.description,
        isDefault: flags.default,
        sortOrder: flags['sort-order'],
        ifNotExists: flags['if-not-exists'],
      },
      ask: this.interactive ? poolCreateQuestions(this.context.prompter) : undefined,
      connect: async () => (await this.connectSpace()).space,
      echo: (input) => equivalentCreateCommand(this.config.bin, input, {server: flags.server, space: flags.space}),
      bin: this.config.bin,
    })
    // Shown under --json too: the pool was created, but steps may now have nowhere to run.
    const warning = result.document.Created ? emptyDefaultWarning(result.document, this.config.bin) : undefined
    if (warning) this.warnUser(warning)
    return result
  }

  protected override toJson(result: CreatePoolResult): unknown {
    return result.document
  }

  protected override render(result: CreatePoolResult): Rendered {
    return {stdout: poolCreatedLine(result.document), stderr: result.equivalent ? [`To do this without prompts:`, `  ${result.equivalent}`] : []}
  }
}
