import * as Args from '@oclif/core/args'
import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {terminalSafe} from '../../ui/safe.js'
import {setDefaultPool, type SetDefaultResult} from '../../app/pools/update.js'

export default class PoolSetDefault extends ServerCommand<typeof PoolSetDefault> {
  static override summary = 'Make a worker pool the space\'s default pool.'

  static override description = `PUTs the pool with IsDefault: true; the server clears the flag on the previous default. A pool that is already the default is reported, exit 0.`

  static override examples = ['<%= config.bin %> pool set-default "Linux workers"']

  static override args = {
    pool: Args.string({description: 'Pool name (case-insensitive) or ID.', required: true}),
  }

  public async run(): Promise<SetDefaultResult> {
    const {space} = await this.connectSpace()
    return setDefaultPool(space, this.args.pool)
  }

  protected override render(result: SetDefaultResult): Rendered {
    if (!result.Changed) return {stdout: `'${terminalSafe(result.Name)}' (${result.Id}) is already the default worker pool; nothing changed.`}
    return {stdout: `'${terminalSafe(result.Name)}' (${result.Id}) is now the default worker pool${result.PreviousDefault ? ` (was '${terminalSafe(result.PreviousDefault.Name)}')` : ''}.`}
  }
}
