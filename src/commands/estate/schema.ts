import {BaseCommand, type Rendered} from '../../cli/base-command.js'
import {ESTATE_JSON_SCHEMA} from '../../domain/estate-file/json-schema.js'
import {jsonText} from '../../ui/output.js'

export default class EstateSchema extends BaseCommand<typeof EstateSchema> {
  static override summary = 'Print the JSON Schema of estate files (for editors and CI validation).'

  static override description = 'Exported files point editors at it with a `# yaml-language-server: $schema=` line; save it beside your files (`estate schema > estate.schema.json`) to validate offline.'

  static override examples = ['<%= config.bin %> estate schema > estate.schema.json']

  public async run(): Promise<typeof ESTATE_JSON_SCHEMA> {
    return ESTATE_JSON_SCHEMA
  }

  protected override render(result: typeof ESTATE_JSON_SCHEMA): Rendered {
    return {stdout: jsonText(result)}
  }
}
