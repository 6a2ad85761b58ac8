import {EXIT_CODES_HELP} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {readFeatures, readSpacesUsage} from '../../lib/builtin/index.js'
import {allSpaceContexts} from '../../lib/estate/spaces.js'
import {renderTable} from '../../lib/render/table.js'

export default class BuiltinWorkerStatus extends ServerCommand<typeof BuiltinWorkerStatus> {
  static override summary = 'Whether the built-in worker is on, and which spaces actually use it.'

  static override description = `The built-in worker runs steps on the Octopus Server itself. It is used only for steps on a space's default pool when that pool is static and has no workers at all. Shows, for every space (or just --space), the default pool, its workers, whether the built-in worker is in use there, and whether switching it off would leave the default pool with no healthy, enabled worker.

${EXIT_CODES_HELP}`

  static override examples = ['<%= config.bin %> builtin-worker status', '<%= config.bin %> builtin-worker status --json']

  public async run(): Promise<void> {
    const {client} = await this.connect()
    const spaceFlag = this.flags.space
    const spaces = spaceFlag === undefined ? await allSpaceContexts(client) : [(await this.connectSpace()).space]
    const features = await readFeatures(client)
    const enabled = features.IsBuiltInWorkerEnabled === true
    const usage = await readSpacesUsage(client, spaces, enabled)
    if (this.isJson) {
      this.printJson({IsBuiltInWorkerEnabled: enabled, Spaces: usage})
      return
    }
    this.print(`Built-in worker: ${enabled ? 'enabled' : 'disabled'}`)
    this.print(await renderTable(
      ['SPACE', 'DEFAULT POOL', 'WORKERS', 'HEALTHY+ENABLED', 'BUILT-IN WORKER IN USE', 'SAFE TO DISABLE'],
      usage.map((u) => [u.SpaceName, u.DefaultPoolName ? `${u.DefaultPoolName}${u.DefaultPoolType === 'DynamicWorkerPool' ? ' (dynamic)' : ''}` : '(none)', u.DefaultPoolWorkers, u.DefaultPoolUsableWorkers, u.BuiltInWorkerInUse, !u.AtRiskIfDisabled]),
      {isTTY: Boolean(process.stdout.isTTY)},
    ))
  }
}
