import {writeFileSync} from 'node:fs'
import path from 'node:path'
import * as Flags from '@oclif/core/flags'
import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {allSpacesFlag} from '../../cli/flags.js'
import {exportServerEstate, type EstateExport} from '../../app/estate-code/export.js'
import {safe} from '../../ui/safe.js'
import {unreadablePartWarning} from '../../views/unreadable-part.js'
import {plural} from '../../text/wording.js'

export default class EstateExportCommand extends ServerCommand<typeof EstateExportCommand> {
  static override summary = 'Write the worker estate (pools, workers, the built-in worker) as a YAML estate file.'

  static override description = `Per space: its pools in their sort order (name, static or dynamic, worker type, description, default) and its workers by name (kind listening|polling|ssh|kubernetes, pools by name, endpoint, thumbprint or SSH fingerprint, SSH account, machine policy and proxy by name, enabled); and the instance's built-in worker setting. Names are the keys, never IDs, so a file moves between instances; nothing secret is written.
The output is deterministic: two exports of an unchanged server are byte-identical. The file starts with a yaml-language-server $schema line naming ./estate.schema.json, beside it: write that with \`estate schema -o estate.schema.json\` and editors complete and validate the file.
Workers a file cannot declare (an endpoint style other than the four kinds, or none) are left out and named on stderr.
Scope: the current space, --space, or --all-spaces. Five list requests per space, whatever its size.`

  static override examples = [
    '<%= config.bin %> estate export > estate.yaml',
    '<%= config.bin %> estate export --all-spaces -o estate.yaml',
  ]

  static override flags = {
    'all-spaces': allSpacesFlag('Export every space (not with --space).'),
    output: Flags.string({char: 'o', description: 'Write the file here instead of stdout.'}),
  }

  public async run(): Promise<ExportResult> {
    const {client} = await this.connect()
    const spaces = await this.connectSpaces(this.flags['all-spaces'])
    const result = await exportServerEstate(client, spaces, (part, cause) => this.warnUser(unreadablePartWarning(part, cause, 'built-in-worker-left-out')))
    for (const s of result.Skipped) this.note(safe`Left out worker '${s.Name}' of space '${s.SpaceName}': ${s.Why}.`)
    const file = this.flags.output ? path.resolve(this.context.cwd, this.flags.output) : null
    if (file) writeFileSync(file, result.Text)
    return {...result, File: file}
  }

  protected override toJson(result: ExportResult): unknown {
    const {Text, ...rest} = result
    return result.File ? rest : {...rest, Text}
  }

  protected override render(result: ExportResult): Rendered {
    if (result.File) return {stderr: [safe`Wrote ${result.File}: ${String(result.Pools)} pools and ${String(result.Workers)} workers in ${plural(result.Spaces.length, 'space')}.`]}
    return {stdout: result.Text}
  }
}

type ExportResult = EstateExport & {File: string | null}
