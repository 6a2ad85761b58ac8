import * as Args from '@oclif/core/args'
import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {reorderPools, type ReorderResult} from '../../app/pools/order.js'
import {rejectDuplicateInputs} from '../../app/pools/validate.js'
import {renderTable} from '../../ui/table.js'

export default class PoolReorder extends ServerCommand<typeof PoolReorder> {
  static override summary = 'Put the named worker pools first, in the order given; the others keep their relative order after them.'

  static override description = `One PUT /workerpools/sortorder with every pool ID. An unknown pool is exit 4 and a pool named twice is exit 2; either way nothing is changed.

--json prints every pool in the new order.`

  static override examples = ['<%= config.bin %> pool reorder "Linux workers" "Windows workers"', '<%= config.bin %> pool reorder WorkerPools-5 --json']

  static override strict = false

  static override args = {
    pool: Args.string({description: 'Pool names or IDs, in the wanted order.', required: true}),
  }

  public async run(): Promise<ReorderResult> {
    const inputs = this.argValues
    // Before connecting: a pool spelt twice is exit 2 with no request at all.
    rejectDuplicateInputs(inputs, 'reorder')
    const {space} = await this.connectSpace()
    return reorderPools(space, inputs)
  }

  protected override toJson(result: ReorderResult): unknown {
    return result.Pools
  }

  protected override render(result: ReorderResult): Rendered {
    const table = renderTable(['#', 'NAME', 'ID'], result.Pools.map((p, i) => [String(i + 1), p.Name, p.Id]), this.io.table)
    return {stdout: table, stderr: result.Changed ? [] : ['The pools are already in that order; nothing changed.']}
  }
}
