import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {readBuiltinStatus, type BuiltinStatus} from '../../app/builtin-worker.js'
import {renderTable} from '../../ui/table.js'
import {isDynamicPool} from '../../domain/pools.js'

export default class BuiltinWorkerStatus extends ServerCommand<typeof BuiltinWorkerStatus> {
  static override summary = 'Whether the built-in worker is on, and which spaces actually use it.'

  static override description = `The built-in worker runs steps on the Octopus Server itself. It is used only for steps on a space's default pool when that pool is static and has no workers at all. Shows, for every space (or just --space), the default pool, its workers, whether the built-in worker is in use there, and whether switching it off would leave the default pool with no available worker. AVAILABLE counts the default pool's workers Octopus would lease: enabled, and Healthy or HasWarnings.`

  static override examples = ['<%= config.bin %> builtin-worker status', '<%= config.bin %> builtin-worker status --json']

  public async run(): Promise<BuiltinStatus> {
    const {client} = await this.connect()
    const spaces = await this.connectSpaces(this.flags.space === undefined)
    return readBuiltinStatus(client, spaces)
  }

  protected override render(status: BuiltinStatus): Rendered {
    const table = renderTable(
      ['SPACE', 'DEFAULT POOL', 'WORKERS', 'AVAILABLE', 'BUILT-IN WORKER IN USE', 'SAFE TO DISABLE'],
      status.Spaces.map((u) => [u.SpaceName, u.DefaultPoolName ? `${u.DefaultPoolName}${isDynamicPool({WorkerPoolType: u.DefaultPoolType}) ? ' (dynamic)' : ''}` : '(none)', u.DefaultPoolWorkers, u.DefaultPoolUsableWorkers, u.BuiltInWorkerInUse, !u.AtRiskIfDisabled]),
      this.io.table,
    )
    return {stdout: `Built-in worker: ${status.IsBuiltInWorkerEnabled ? 'enabled' : 'disabled'}\n${table}`}
  }
}
