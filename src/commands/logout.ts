import {Flags} from '@oclif/core'
import {BaseCommand, EXIT_CODES_HELP} from '../base-command.js'
import {logout} from '../lib/auth/login.js'
import {selectedProfile} from '../lib/auth/paths.js'

export default class Logout extends BaseCommand<typeof Logout> {
  static override summary = 'Remove a profile and its saved API key (keychain entry or insecure file).'

  static override description = `Idempotent: logging out of a profile that is not there succeeds and changes nothing.
Credentials in OCTOPUS_API_KEY / OCTOPUS_ACCESS_TOKEN are not affected.

${EXIT_CODES_HELP}`

  static override examples = ['<%= config.bin %> logout', '<%= config.bin %> logout --profile staging']

  static override flags = {
    profile: Flags.string({description: 'Profile to remove (env OCTOWORKERS_PROFILE; default "default").'}),
  }

  public async run(): Promise<void> {
    const profile = selectedProfile(this.flags.profile, process.env).name
    const result = await logout({profile, env: process.env})
    const removed = result.removedProfile
    if (this.isJson) {
      this.printJson({
        Profile: result.profile,
        Server: removed?.server ?? null,
        LoggedOut: removed !== undefined,
        RemovedKey: {Keychain: result.removedKeys.keychain, File: result.removedKeys.file},
        ConfigFile: result.configFile,
      })
    } else if (removed) {
      const key = [result.removedKeys.keychain ? 'the OS keychain' : '', result.removedKeys.file ? 'its insecure key file' : ''].filter(Boolean).join(' and ')
      this.print(`Logged out of profile '${result.profile}' (${removed.server}): removed ${key ? `its API key from ${key} and ` : ''}the profile from ${result.configFile}.`)
    } else {
      this.print(`Profile '${result.profile}' is not logged in; nothing to remove.`)
    }
    if (process.env.OCTOPUS_API_KEY || process.env.OCTOPUS_ACCESS_TOKEN) {
      this.note('OCTOPUS_API_KEY or OCTOPUS_ACCESS_TOKEN is still set in this environment, and commands will keep using it.')
    }
  }
}
