import {Args} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {listWorkerPools, setWorkerPoolSortOrder} from '../../lib/octopus/repositories.js'
import {computeSortOrder, resolveOrderedPools, sameOrder} from '../../lib/pools/order.js'
import {rejectDuplicateInputs} from '../../lib/pools/validate.js'
import {renderTable} from '../../lib/render/table.js'

export default class PoolReorder extends ServerCommand<typeof PoolReorder> {
  static override summary = 'Put the named worker pools first, in the order given; the others keep their relative order after them.'

  static override description = `One PUT /workerpools/sortorder with every pool ID. An unknown pool is exit 4 and a pool named twice is exit 2; either way nothing is changed.

${EXIT_CODES_HELP}`

  static override examples = ['<%= config.bin %> pool reorder "Linux workers" "Windows workers"', '<%= config.bin %> pool reorder WorkerPools-5 --json']

  static override strict = false

  static override args = {
    pool: Args.string({description: 'Pool names or IDs, in the wanted order.', required: true}),
  }

  public async run(): Promise<void> {
    const {argv} = await this.parse(PoolReorder)
    const inputs = argv as string[]
    rejectDuplicateInputs(inputs, 'reorder')
    const {space} = await this.connectSpace()
    const pools = await listWorkerPools(space)
    const first = resolveOrderedPools(pools, inputs)
    const order = computeSortOrder(pools, first)
    const unchanged = sameOrder(order, pools.map((p) => p.Id))
    if (!unchanged) await setWorkerPoolSortOrder(space, order)
    const after = unchanged ? pools : await listWorkerPools(space)
    if (this.isJson) {
      this.printJson(after)
      return
    }
    if (unchanged) this.note('The pools are already in that order; nothing changed.')
    this.print(await renderTable(['#', 'NAME', 'ID'], after.map((p, i) => [String(i + 1), p.Name, p.Id]), {isTTY: Boolean(process.stdout.isTTY)}))
  }
}
