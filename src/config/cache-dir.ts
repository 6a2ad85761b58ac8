import {homedir} from 'node:os'
import path from 'node:path'

/** `$XDG_CACHE_HOME/octoworkers`, else `~/.cache/octoworkers` (an empty XDG_CACHE_HOME counts as unset, per the XDG spec). */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(env.HOME || homedir(), '.cache')
  return path.join(base, 'octoworkers')
}
