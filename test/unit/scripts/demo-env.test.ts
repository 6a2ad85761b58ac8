import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {demoEnv} from '../../../scripts/demo-env.js'
import {configDir} from '../../../src/config/paths.js'
import {cacheDir} from '../../../src/config/cache-dir.js'
import {defaultDataFile} from '../../../src/commands/sandbox/start.js'

/**
 * `npm run demo` writes nothing into the user's own directories: every place the CLI keeps
 * something (profiles, the sandbox's data, the compile and lease caches) resolves, in the demo's
 * environment, under the demo's scratch directory, whatever the user's shell had set.
 */
describe('the demo\'s environment', () => {
  const scratch = '/tmp/octoworkers-demo-x'
  const users = [
    {HOME: '/home/someone', PATH: '/usr/bin'},
    {HOME: '/home/someone', PATH: '/usr/bin', XDG_CONFIG_HOME: '/home/someone/.config', XDG_DATA_HOME: '/home/someone/.local/share', XDG_CACHE_HOME: '/home/someone/.cache'},
  ]

  it.each(users)('keeps config, data and every cache under the scratch directory (user env %o)', (user) => {
    const env = demoEnv(user, scratch)
    for (const place of [configDir(env), defaultDataFile(env), cacheDir(env), path.join(cacheDir(env), 'compile-cache')]) {
      expect(place.startsWith(scratch + path.sep), place).toBe(true)
    }
    expect(env.PATH).toBe('/usr/bin')
  })

  it('takes no credentials, server, space or profile from the user\'s shell', () => {
    const env = demoEnv({OCTOPUS_URL: 'https://prod.example', OCTOPUS_API_KEY: 'API-REAL', OCTOPUS_ACCESS_TOKEN: 't', OCTOPUS_SPACE: 'Prod', OCTOWORKERS_PROFILE: 'work', HOME: '/h'}, scratch)
    for (const key of ['OCTOPUS_URL', 'OCTOPUS_API_KEY', 'OCTOPUS_ACCESS_TOKEN', 'OCTOPUS_SPACE', 'OCTOWORKERS_PROFILE']) expect(env[key], key).toBeUndefined()
  })
})
