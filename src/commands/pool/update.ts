import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {requireSomeChange, updatePool, type PoolChanges, type UpdatePoolResult} from '../../app/pools/update.js'
import {validatePoolName} from '../../app/pools/validate.js'
import {safe} from '../../ui/safe.js'

export default class PoolUpdate extends ServerCommand<typeof PoolUpdate> {
  static override summary = 'Rename a worker pool, or change its description or (dynamic pools) its worker type.'

  static override description = `Reads the whole pool, changes the given fields and PUTs it back, so nothing else changes. No option given is exit 2; values equal to the current ones change nothing and exit 0. --worker-type on a static pool is exit 2.`

  static override examples = [
    '<%= config.bin %> pool update "Linux workers" --name "Linux build workers"',
    '<%= config.bin %> pool update WorkerPools-4 --description "Only for database deploys"',
    '<%= config.bin %> pool update "Hosted Ubuntu" --worker-type Ubuntu2204',
  ]

  static override args = {
    pool: Args.string({description: 'Pool name (case-insensitive) or ID.', required: true}),
  }

  static override flags = {
    name: Flags.string({description: 'New name.'}),
    description: Flags.string({description: 'New description ("" clears it).'}),
    'worker-type': Flags.string({description: 'Dynamic pools only: the new worker image.'}),
  }

  public async run(): Promise<UpdatePoolResult> {
    const changes: PoolChanges = {
      name: this.flags.name === undefined ? undefined : validatePoolName(this.flags.name, '--name'),
      description: this.flags.description,
      workerType: this.flags['worker-type'],
    }
    // Before connecting: nothing asked for is exit 2 with no request at all.
    requireSomeChange(changes)
    const {space} = await this.connectSpace()
    return updatePool(space, this.args.pool, changes)
  }

  protected override render(result: UpdatePoolResult): Rendered {
    if (result.Changes.length === 0) return {stdout: safe`Worker pool '${result.Name}' (${result.Id}) already has those values; nothing changed.`}
    return {stdout: [safe`Updated worker pool '${result.Name}' (${result.Id}):`, ...result.Changes.map((c) => safe`  ${c.Field}: ${JSON.stringify(c.From ?? '')} -> ${JSON.stringify(c.To)}`)].join('\n')}
  }
}
