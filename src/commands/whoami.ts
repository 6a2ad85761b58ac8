import {EXIT_CODES_HELP} from '../base-command.js'
import {ServerCommand} from '../server-command.js'
import type {UserResource} from '../lib/octopus/types.js'
import {terminalSafe} from '../lib/render/safe.js'

export default class Whoami extends ServerCommand<typeof Whoami> {
  static override summary = 'Show the server, user, space and profile in use, and where the credential came from (never the credential).'

  static override description = `Credential source: env (OCTOPUS_API_KEY or OCTOPUS_ACCESS_TOKEN), keychain, or file (login --insecure-storage).

${EXIT_CODES_HELP}`

  static override examples = ['<%= config.bin %> whoami', '<%= config.bin %> whoami --json', '<%= config.bin %> whoami --profile staging -s "Platform Team"']

  public async run(): Promise<void> {
    const {client, connection, space} = await this.connectSpace()
    const me = await client.get<UserResource>(client.hasLink('CurrentUser') ? client.link('CurrentUser') : '/api/users/me')
    const profile = connection.profileSaved ? connection.profile : null
    if (this.isJson) {
      this.printJson({
        Server: client.server,
        Version: client.version,
        User: {Id: me.Id, Username: me.Username, DisplayName: me.DisplayName},
        Space: {Id: space.spaceId, Name: space.space.Name},
        Profile: profile,
        CredentialSource: connection.source,
      })
      return
    }
    const rows: Array<[string, string]> = [
      ['Server', client.server],
      ['Version', client.version],
      ['User', `${me.Username} (${me.DisplayName}, ${me.Id})`],
      ['Space', `${space.space.Name} (${space.spaceId})`],
      ['Profile', profile ?? `${connection.profile} (not saved; server and key from flags/env)`],
      ['Credential source', connection.source],
    ]
    const width = Math.max(...rows.map(([k]) => k.length))
    this.print(rows.map(([k, v]) => `${k.padEnd(width)}  ${terminalSafe(v)}`).join('\n'))
  }
}
