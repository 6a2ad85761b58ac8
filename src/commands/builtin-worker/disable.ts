import * as Flags from '@oclif/core/flags'
import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {disableBuiltinWorker, type BuiltinDisableResult} from '../../app/builtin-worker.js'
import {allSpaceContexts} from '../../app/estate/spaces.js'
import {safe} from '../../ui/safe.js'

export default class BuiltinWorkerDisable extends ServerCommand<typeof BuiltinWorkerDisable> {
  static override summary = 'Switch the built-in worker off (server-wide), safely.'

  static override description = `First finds every space whose default pool has no available worker (enabled, and Healthy or HasWarnings: the workers Octopus leases): steps that fall back to the built-in worker there would fail. If there are any, it refuses as unsafe (exit 5, nothing changed) and lists them, unless --force.
Then asks for confirmation when interactive; otherwise needs -y/--yes (without it, under --no-prompt or CI, exit 2).
Changes only IsBuiltInWorkerEnabled: the whole features document is read and written back, so no other feature flag changes. Already disabled: says so and exits 0. Needs the AdministerSystem permission (exit 3 without it).`

  static override examples = ['<%= config.bin %> builtin-worker disable', '<%= config.bin %> builtin-worker disable -y --no-prompt', '<%= config.bin %> builtin-worker disable --force -y']

  static override flags = {
    yes: Flags.boolean({char: 'y', description: 'Do not ask for confirmation.'}),
    force: Flags.boolean({description: 'Disable even if some spaces\' default pools have no available worker.'}),
  }

  public async run(): Promise<BuiltinDisableResult> {
    const {client} = await this.connect()
    return disableBuiltinWorker(client, {
      // The flag is server-wide, so every space counts, whatever --space says.
      spaces: () => allSpaceContexts(client),
      force: this.flags.force,
      confirm: async (atRisk, lines) => {
        if (atRisk.length > 0) this.warnUser(safe`disabling anyway (--force); steps on these default pools will fail: ${lines.join(' ')}`)
        await this.confirmDestructive({
          yes: this.flags.yes,
          action: 'disable the built-in worker',
          names: ['built-in worker'],
          details: ['Steps that would run on the Octopus Server will need an external worker.', ...lines],
        })
      },
    })
  }

  protected override render(result: BuiltinDisableResult): Rendered {
    return {stdout: result.Changed ? 'Built-in worker disabled: steps now run only on external workers.' : 'The built-in worker is already disabled; nothing changed.'}
  }
}
