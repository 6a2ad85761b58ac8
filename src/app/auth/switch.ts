/** `auth switch`: which saved profile commands use when neither --profile nor OCTOWORKERS_PROFILE names one. */
import {notFoundError} from '../../text/errors.js'
import {closeMatches} from '../../text/fuzzy.js'
import {configDir, DEFAULT_PROFILE} from '../../config/paths.js'
import {ProfileStore} from '../../config/profiles.js'

export interface SwitchResult {
  Profile: string
  Server: string
  /** The profile in use before, by the saved setting alone (flags and variables aside). */
  Previous: string
  ConfigFile: string
  /** Set when OCTOWORKERS_PROFILE names another profile: it still wins in this environment. */
  OverriddenBy: 'OCTOWORKERS_PROFILE' | null
}

/**
 * Saves `name` as the profile in use, in config.yaml (one atomic write, so two switches at once
 * leave one of the two, never a torn file). A name that is not saved is exit 4, with the saved
 * names and the close ones; nothing is written then.
 */
export async function switchProfile(req: {name: string; env: NodeJS.ProcessEnv; configDir?: string}): Promise<SwitchResult> {
  const store = await ProfileStore.load(req.configDir ?? configDir(req.env))
  const names = store.names()
  const profile = store.get(req.name)
  if (!profile) {
    const close = closeMatches(req.name, names, 3)
    throw notFoundError(`Profile '${req.name}' not found.${close.length ? ` Did you mean: ${close.map((c) => `'${c}'`).join(', ')}?` : ''} Profiles: ${names.join(', ') || '(none)'}.`, {
      hint: names.length ? 'Switch to a saved profile, or save this one first with `octoworkers login --profile NAME`.' : 'Save one first with `octoworkers login --profile NAME`.',
      details: {candidates: close.length ? close : names},
    })
  }
  const previous = store.defaultProfile() ?? DEFAULT_PROFILE
  store.setDefaultProfile(profile.name)
  await store.save()
  const fromEnv = req.env.OCTOWORKERS_PROFILE || undefined
  return {
    Profile: profile.name,
    Server: profile.server,
    Previous: previous,
    ConfigFile: store.file,
    OverriddenBy: fromEnv !== undefined && fromEnv !== profile.name ? 'OCTOWORKERS_PROFILE' : null,
  }
}
