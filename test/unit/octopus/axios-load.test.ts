import {spawnSync} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {describe, expect, it} from 'vitest'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

/**
 * Loads axios through the transport in a fresh Node process (from the TypeScript sources) and
 * reports what that load brought in and left behind. A process of its own: this test worker has
 * loaded axios and undici long before.
 */
function loadAxiosInFreshProcess(): Record<string, unknown> {
  const script = `
    const names = ['fetch', 'FormData', 'Request', 'Response']
    const before = names.map((name) => Object.getOwnPropertyDescriptor(globalThis, name))
    const {loadAxios} = await import(${JSON.stringify(pathToFileURL(path.join(repoRoot, 'src/octopus/transport.ts')).href)})
    const [first, second] = await Promise.all([loadAxios(), loadAxios()])
    const undiciLoaded = process.moduleLoadList.some((name) => name.includes('undici'))
    const after = names.map((name) => Object.getOwnPropertyDescriptor(globalThis, name))
    const restored = names.filter((name, i) => before[i].get === after[i].get && before[i].value === after[i].value && before[i].enumerable === after[i].enumerable)
    const hasHttpAdapter = typeof first.default.getAdapter(['http']) === 'function'
    const fetchApiWorks = new Request('http://127.0.0.1/').url === 'http://127.0.0.1/' && typeof fetch === 'function' && new FormData() instanceof FormData
    console.log(JSON.stringify({undiciLoaded, restored, sameModule: first === second, hasHttpAdapter, fetchApiWorks}))`
  const run = spawnSync(process.execPath, ['--import', pathToFileURL(path.join(repoRoot, 'scripts/dev/register.js')).href, '--input-type=module', '-e', script], {cwd: repoRoot, encoding: 'utf8', env: {PATH: process.env.PATH ?? ''}})
  expect(run.status, run.stderr).toBe(0)
  return JSON.parse(run.stdout) as Record<string, unknown>
}

describe('loading axios', () => {
  it("leaves Node's fetch API (undici) unloaded, puts its globals back as they were, and loads once however many ask", () => {
    expect(loadAxiosInFreshProcess()).toEqual({
      undiciLoaded: false,
      restored: ['fetch', 'FormData', 'Request', 'Response'],
      sameModule: true,
      hasHttpAdapter: true,
      fetchApiWorks: true,
    })
  })
})
