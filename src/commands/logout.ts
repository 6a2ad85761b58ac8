import * as Flags from '@oclif/core/flags'
import {BaseCommand, type Rendered} from '../cli/base-command.js'
import {logout, type LogoutResult} from '../app/auth/login.js'
import {profileInUse} from '../config/connection.js'

export default class Logout extends BaseCommand<typeof Logout> {
  static override summary = 'Remove a profile and its saved API key (keychain entry or insecure file).'

  static override description = `Idempotent: logging out of a profile that is not there succeeds and changes nothing.
Credentials in OCTOPUS_API_KEY / OCTOPUS_ACCESS_TOKEN are not affected. The profiles still saved are named, to use with --profile.`

  static override examples = ['<%= config.bin %> logout', '<%= config.bin %> logout --profile staging']

  static override flags = {
    profile: Flags.string({description: 'Profile to remove (env OCTOWORKERS_PROFILE; default: the one in use, see `auth switch`).'}),
  }

  public async run(): Promise<LogoutResult> {
    return logout({profile: await profileInUse({profileFlag: this.flags.profile, env: this.env}), env: this.env})
  }

  protected override toJson(result: LogoutResult): unknown {
    return {
      Profile: result.profile,
      Server: result.removedProfile?.server ?? null,
      LoggedOut: result.removedProfile !== undefined,
      RemovedKey: {Keychain: result.removedKeys.keychain, File: result.removedKeys.file},
      ConfigFile: result.configFile,
      OtherProfiles: result.otherProfiles,
    }
  }

  protected override render(result: LogoutResult): Rendered {
    const removed = result.removedProfile
    let stdout: string
    if (removed) {
      const key = [result.removedKeys.keychain ? 'the OS keychain' : '', result.removedKeys.file ? 'its insecure key file' : ''].filter(Boolean).join(' and ')
      stdout = `Logged out of profile '${result.profile}' (${removed.server}): removed ${key ? `its API key from ${key} and ` : ''}the profile from ${result.configFile}.`
    } else {
      stdout = `Profile '${result.profile}' is not logged in; nothing to remove.`
    }
    const stderr: string[] = []
    if (result.otherProfiles.length > 0) {
      stderr.push(`Still saved: ${result.otherProfiles.map((p) => `'${p}'`).join(', ')}; use one with --profile NAME, or see them all with \`${this.config.bin} auth status\`.`)
    }
    if (result.envCredentialSet) stderr.push('OCTOPUS_API_KEY or OCTOPUS_ACCESS_TOKEN is still set in this environment, and commands will keep using it.')
    return {stdout, stderr}
  }
}
