import {Args, Flags} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {findByNameOrId} from '../../lib/octopus/names.js'
import {getWorkerPool, listDynamicWorkerTypes, listWorkerPools, updateWorkerPool} from '../../lib/octopus/repositories.js'
import {matchWorkerType} from '../../lib/pools/create.js'
import {applyPoolChanges, checkWorkerTypeForPool, requireSomeChange, type PoolChanges} from '../../lib/pools/update.js'
import {validatePoolName} from '../../lib/pools/validate.js'
import {safe} from '../../lib/render/safe.js'

export default class PoolUpdate extends ServerCommand<typeof PoolUpdate> {
  static override summary = 'Rename a worker pool, or change its description or (dynamic pools) its worker type.'

  static override description = `Reads the whole pool, changes the given fields and PUTs it back, so nothing else changes. No option given is exit 2; values equal to the current ones change nothing and exit 0. --worker-type on a static pool is exit 2.

${EXIT_CODES_HELP}`

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

  public async run(): Promise<void> {
    const changes: PoolChanges = {
      name: this.flags.name === undefined ? undefined : validatePoolName(this.flags.name, '--name'),
      description: this.flags.description,
      workerType: this.flags['worker-type'],
    }
    requireSomeChange(changes)
    const {space} = await this.connectSpace()
    const pools = await listWorkerPools(space)
    const listed = findByNameOrId(pools, this.args.pool, 'worker pool')
    const pool = await getWorkerPool(space, listed.Id)
    if (changes.workerType !== undefined) {
      checkWorkerTypeForPool(pool, changes.workerType)
      changes.workerType = matchWorkerType(changes.workerType, await listDynamicWorkerTypes(space))
    }
    const {updated, changed} = applyPoolChanges(pool, changes, pools)
    if (changed.length === 0) {
      if (this.isJson) this.printJson({...pool, Changes: []})
      else this.print(safe`Worker pool '${pool.Name}' (${pool.Id}) already has those values; nothing changed.`)
      return
    }
    const saved = await updateWorkerPool(space, updated)
    if (this.isJson) {
      this.printJson({...saved, Changes: changed})
      return
    }
    this.print([safe`Updated worker pool '${saved.Name}' (${saved.Id}):`, ...changed.map((c) => `  ${c.Field}: ${JSON.stringify(c.From ?? '')} -> ${JSON.stringify(c.To)}`)].join('\n'))
  }
}
