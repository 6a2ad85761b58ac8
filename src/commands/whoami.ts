import {type Rendered} from '../cli/base-command.js'
import {ServerCommand} from '../cli/server-command.js'
import {whoami, type WhoamiResult} from '../app/auth/whoami.js'
import {whoamiLines} from '../views/auth.js'

export default class Whoami extends ServerCommand<typeof Whoami> {
  static override summary = 'Show the server, user, space and profile in use, and where the credential came from (never the credential).'

  static override description = `Credential source: env (OCTOPUS_API_KEY or OCTOPUS_ACCESS_TOKEN), keychain, or file (login --insecure-storage); oidc when this run exchanged the CI job's ID token (OCTOPUS_SERVICE_ACCOUNT_ID). An OIDC access token is shown with its service account and when it expires.`

  static override examples = ['<%= config.bin %> whoami', '<%= config.bin %> whoami --json', '<%= config.bin %> whoami --profile staging -s "Platform Team"']

  public async run(): Promise<WhoamiResult> {
    return whoami({...await this.connectSpace(), now: this.context.now()})
  }

  protected override toJson(result: WhoamiResult): unknown {
    return result.document
  }

  protected override render(result: WhoamiResult): Rendered {
    return {stdout: whoamiLines(result).join('\n')}
  }
}
