// The environment `npm run demo` runs every command in: the demo's own config, data and cache
// directories under its scratch directory, so that it writes nothing into the user's own profiles,
// sandbox data, compile cache or lease cache, and no credentials or space from the user's shell.
import path from 'node:path'

/** Variables the demo never takes from the user's shell: it authenticates against its own sandbox. */
export const DEMO_DROPPED_ENV = ['OCTOPUS_URL', 'OCTOPUS_API_KEY', 'OCTOPUS_ACCESS_TOKEN', 'OCTOPUS_SPACE', 'OCTOWORKERS_PROFILE']

/** `processEnv` with every per-user directory moved under `scratch` and the user's Octopus settings removed. */
export function demoEnv(processEnv, scratch) {
  const env = {
    ...processEnv,
    XDG_CONFIG_HOME: path.join(scratch, 'config'),
    XDG_DATA_HOME: path.join(scratch, 'data'),
    XDG_CACHE_HOME: path.join(scratch, 'cache'),
    CI: '1',
  }
  for (const key of DEMO_DROPPED_ENV) delete env[key]
  return env
}
