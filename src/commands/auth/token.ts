import * as Flags from '@oclif/core/flags'
import {ServerCommand} from '../../cli/server-command.js'
import {writeStdout} from '../../ui/output.js'
import {accessTokenOf, exportToGitHubEnv} from '../../app/auth/token.js'

export default class AuthToken extends ServerCommand<typeof AuthToken> {
  static override summary = 'Print the access token in use, for other tools (an OIDC login\'s, or the one this run exchanges in CI).'

  static override description = `With OCTOPUS_URL and OCTOPUS_SERVICE_ACCOUNT_ID set, the run exchanges the CI job's ID token first, as every command does; after \`login --service-account-id\`, the saved token is printed until it expires.
--github-env appends OCTOPUS_URL and OCTOPUS_ACCESS_TOKEN to $GITHUB_ENV for the job's later steps (as the OctopusDeploy/login action exports them) and prints only \`::add-mask::\` for the token, so that GitHub masks it in the log. An API key is no access token: exit 2.`

  static override examples = [
    'OCTOPUS_ACCESS_TOKEN=$(<%= config.bin %> auth token) octopus release list',
    '<%= config.bin %> auth token --github-env',
  ]

  static override flags = {
    'github-env': Flags.boolean({description: 'Append OCTOPUS_URL and OCTOPUS_ACCESS_TOKEN to $GITHUB_ENV and print ::add-mask:: for the token instead of the token.'}),
  }

  public async run(): Promise<void> {
    const {connection} = await this.connect()
    const token = accessTokenOf(connection)
    // The token is this command's output, so it is written directly (print() would redact it).
    if (this.flags['github-env']) {
      const exported = await exportToGitHubEnv(token, this.env)
      writeStdout(this.io, exported.maskLine)
      this.note(`OCTOPUS_URL and OCTOPUS_ACCESS_TOKEN appended to ${exported.file}${token.ExpiresAt ? `; the token expires at ${token.ExpiresAt}` : ''}.`)
      return
    }
    writeStdout(this.io, this.isJson ? JSON.stringify(token) : token.AccessToken)
  }
}
