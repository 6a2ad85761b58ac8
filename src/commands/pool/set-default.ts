import {Args} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {findByNameOrId} from '../../lib/octopus/names.js'
import {getWorkerPool, listWorkerPools, updateWorkerPool} from '../../lib/octopus/repositories.js'
import {asDefault} from '../../lib/pools/update.js'
import {safe, terminalSafe} from '../../lib/render/safe.js'

export default class PoolSetDefault extends ServerCommand<typeof PoolSetDefault> {
  static override summary = 'Make a worker pool the space\'s default pool.'

  static override description = `PUTs the pool with IsDefault: true; the server clears the flag on the previous default. A pool that is already the default is reported, exit 0.

${EXIT_CODES_HELP}`

  static override examples = ['<%= config.bin %> pool set-default "Linux workers"']

  static override args = {
    pool: Args.string({description: 'Pool name (case-insensitive) or ID.', required: true}),
  }

  public async run(): Promise<void> {
    const {space} = await this.connectSpace()
    const pools = await listWorkerPools(space)
    const target = findByNameOrId(pools, this.args.pool, 'worker pool')
    const previous = pools.find((p) => p.IsDefault && p.Id !== target.Id)
    if (target.IsDefault) {
      if (this.isJson) this.printJson({...target, Changed: false, PreviousDefault: null})
      else this.print(safe`'${target.Name}' (${target.Id}) is already the default worker pool; nothing changed.`)
      return
    }
    const saved = await updateWorkerPool(space, asDefault(await getWorkerPool(space, target.Id)))
    const previousRef = previous ? {Id: previous.Id, Name: previous.Name} : null
    if (this.isJson) {
      this.printJson({...saved, Changed: true, PreviousDefault: previousRef})
      return
    }
    this.print(`'${terminalSafe(saved.Name)}' (${saved.Id}) is now the default worker pool${previous ? ` (was '${terminalSafe(previous.Name)}')` : ''}.`)
  }
}
