import * as Args from '@oclif/core/args'
import {BaseCommand, type Rendered} from '../../cli/base-command.js'
import {switchProfile, type SwitchResult} from '../../app/auth/switch.js'
import {safe} from '../../ui/safe.js'

export default class AuthSwitch extends BaseCommand<typeof AuthSwitch> {
  static override summary = 'Change the profile in use: the saved profile commands use when neither --profile nor OCTOWORKERS_PROFILE names one.'

  static override description = `Saved in config.yaml (defaultProfile); no key moves and nothing is sent to a server. --profile and OCTOWORKERS_PROFILE still win for the run they are given to.
Exit 4 when PROFILE is not saved (the saved names are listed); \`auth status\` lists them too.`

  static override examples = ['<%= config.bin %> auth switch staging', '<%= config.bin %> auth switch default']

  static override args = {
    profile: Args.string({description: 'The saved profile to use from now on.', required: true}),
  }

  public async run(): Promise<SwitchResult> {
    return switchProfile({name: this.args.profile, env: this.env})
  }

  protected override render(result: SwitchResult): Rendered {
    const stderr: string[] = []
    if (result.OverriddenBy) stderr.push(`OCTOWORKERS_PROFILE is set in this environment; it still chooses the profile while it is set.`)
    const same = result.Previous === result.Profile
    return {
      stdout: same
        ? safe`Profile '${result.Profile}' (${result.Server}) was already in use.`
        : safe`Switched to profile '${result.Profile}' (${result.Server}); it was '${result.Previous}'.`,
      stderr,
    }
  }
}
