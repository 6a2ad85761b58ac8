import * as Flags from '@oclif/core/flags'
import {BaseCommand, type Rendered} from '../../cli/base-command.js'
import {ExitCode, type ExitCodeValue} from '../../text/errors.js'
import {authStatus, type AuthStatusResult} from '../../app/auth/status.js'
import {authStatusLines} from '../../views/auth.js'

export default class AuthStatus extends BaseCommand<typeof AuthStatus> {
  static override summary = 'List every saved profile, the one in use, and where each one\'s credential comes from (never the credential).'

  static override description = `The profile in use is the one a command run with the same flags and environment would use: --profile, else OCTOWORKERS_PROFILE, else "default", for the server from --server, else OCTOPUS_URL, else the profile's. OCTOPUS_API_KEY or OCTOPUS_ACCESS_TOKEN, when set, is the credential of every profile; a connection made of OCTOPUS_URL and one of them alone is listed as "(environment)".
Each saved key is looked up in the keychain or its file, but nothing is sent to a server: \`whoami\` checks the credential in use against the server.
Exit 3 when the entry in use has no usable credential (or there is none), as other commands would.`

  static override examples = ['<%= config.bin %> auth status', '<%= config.bin %> auth status --json', 'OCTOWORKERS_PROFILE=staging <%= config.bin %> auth status']

  static override flags = {
    profile: Flags.string({description: 'Profile to take as in use (env OCTOWORKERS_PROFILE; default: the one `auth switch` chose, else "default").'}),
    server: Flags.string({description: 'Server to take as in use (env OCTOPUS_URL).'}),
  }

  public async run(): Promise<AuthStatusResult> {
    return authStatus({serverFlag: this.flags.server, profileFlag: this.flags.profile, env: this.env, now: this.context.now()})
  }

  protected override render(result: AuthStatusResult): Rendered {
    const stderr: string[] = []
    if (!result.LoggedIn) {
      stderr.push(result.Profiles.length === 0
        ? `Not logged in: no profiles in ${result.ConfigFile}, and no OCTOPUS_URL with OCTOPUS_API_KEY. Run \`${this.config.bin} login\`.`
        : `Not logged in: no profile in use has a usable credential. Run \`${this.config.bin} login\`, or pick a profile with --profile NAME.`)
    }
    return {stdout: result.Profiles.length ? authStatusLines(result).join('\n') : undefined, stderr}
  }

  protected override exitCodeFor(result: AuthStatusResult): ExitCodeValue {
    return result.LoggedIn ? ExitCode.Success : ExitCode.Auth
  }
}
