import {homedir} from 'node:os'
import path from 'node:path'
import {usageError} from '../text/errors.js'

export const DEFAULT_PROFILE = 'default'

/** `$XDG_CONFIG_HOME/octoworkers`, else `~/.config/octoworkers`. A relative XDG_CONFIG_HOME is ignored, as the XDG spec says. */
export function configDir(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CONFIG_HOME
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(env.HOME || homedir(), '.config')
  return path.join(base, 'octoworkers')
}

/** A path as the user knows it: under the home directory, `~/...`; for one-line messages. */
export function displayPath(file: string, env: NodeJS.ProcessEnv): string {
  const home = env.HOME || homedir()
  return home && home !== '/' && file.startsWith(home + path.sep) ? `~${file.slice(home.length)}` : file
}

export function configFilePath(dir: string): string {
  return path.join(dir, 'config.yaml')
}

/** Keys saved with `login --insecure-storage`: one 0600 file per profile, never inside config.yaml. */
export function insecureKeyDir(dir: string): string {
  return path.join(dir, 'insecure-credentials')
}

export function insecureKeyPath(dir: string, profile: string): string {
  return path.join(insecureKeyDir(dir), `${profile}.json`)
}

/** Profile names become file names and keychain accounts, so they are kept to a safe alphabet. */
export function isValidProfileName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)
}

export function checkProfileName(name: string): string {
  if (!isValidProfileName(name)) {
    throw usageError(`'${name}' is not a valid profile name.`, {hint: 'Use letters, digits, ".", "_" and "-" (at most 64 characters), starting with a letter or digit.'})
  }
  return name
}

/**
 * --profile, else OCTOWORKERS_PROFILE, else the profile `auth switch` saved, else "default".
 * `explicit`: named by the flag or the variable, so a name that is not saved is an error.
 */
export function selectedProfile(profileFlag: string | undefined, env: NodeJS.ProcessEnv, savedDefault?: string): {name: string; explicit: boolean} {
  const chosen = profileFlag ?? (env.OCTOWORKERS_PROFILE || undefined)
  return {name: checkProfileName(chosen ?? savedDefault ?? DEFAULT_PROFILE), explicit: chosen !== undefined}
}
