import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {enableBuiltinWorker, type BuiltinSwitchResult} from '../../app/builtin-worker.js'

export default class BuiltinWorkerEnable extends ServerCommand<typeof BuiltinWorkerEnable> {
  static override summary = 'Switch the built-in worker on (server-wide).'

  static override description = `Steps on a default pool with no workers will then run on the Octopus Server itself. Changes only IsBuiltInWorkerEnabled: the whole features document is read and written back, so no other feature flag changes. Already enabled: says so and exits 0. Needs the AdministerSystem permission (exit 3 without it).`

  static override examples = ['<%= config.bin %> builtin-worker enable']

  public async run(): Promise<BuiltinSwitchResult> {
    const {client} = await this.connect()
    return enableBuiltinWorker(client)
  }

  protected override render(result: BuiltinSwitchResult): Rendered {
    return {stdout: result.Changed ? 'Built-in worker enabled: steps on an empty default pool now run on the Octopus Server.' : 'The built-in worker is already enabled; nothing changed.'}
  }
}
