import {writeFileSync} from 'node:fs'
import path from 'node:path'
import * as Flags from '@oclif/core/flags'
import {BaseCommand, type Rendered} from '../../cli/base-command.js'
import {ESTATE_JSON_SCHEMA, ESTATE_SCHEMA_FILE} from '../../domain/estate-file/json-schema.js'
import {jsonText} from '../../ui/output.js'
import {safe} from '../../ui/safe.js'

export default class EstateSchema extends BaseCommand<typeof EstateSchema> {
  static override summary = 'Print the JSON Schema of estate files (for editors and CI validation).'

  static override description = `Exported files point editors at \`./${ESTATE_SCHEMA_FILE}\` (a \`# yaml-language-server: $schema=\` line; the path is relative to the estate file): write it beside your files with \`estate schema -o ${ESTATE_SCHEMA_FILE}\`, and editors complete and validate them, offline too, with the schema of the version that wrote it.`

  static override examples = [`<%= config.bin %> estate schema -o ${ESTATE_SCHEMA_FILE}`, `<%= config.bin %> estate schema > infra/${ESTATE_SCHEMA_FILE}`]

  static override flags = {
    output: Flags.string({char: 'o', description: `Write the schema to this file (beside the estate files: ${ESTATE_SCHEMA_FILE}) instead of stdout.`}),
  }

  public async run(): Promise<typeof ESTATE_JSON_SCHEMA> {
    if (this.flags.output) {
      const file = path.resolve(this.context.cwd, this.flags.output)
      writeFileSync(file, jsonText(ESTATE_JSON_SCHEMA) + '\n')
      this.note(safe`Wrote ${file}.`)
    }
    return ESTATE_JSON_SCHEMA
  }

  protected override render(result: typeof ESTATE_JSON_SCHEMA): Rendered {
    return this.flags.output ? {} : {stdout: jsonText(result)}
  }
}
