import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson, runCli, type CliResult} from '../../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {tempDir} from '../../helpers/temp.js'

/** Task-log reads a run made, from its --debug request lines. */
function logReads(result: CliResult): number {
  return result.stderr.split('\n').filter((line) => /\[debug\] GET \S+\/tasks\/ServerTasks-\d+\/details\S* -> 200/.test(line)).length
}

/** The report without its window's ends (they move with the clock between runs). */
function body(result: CliResult) {
  expect(result.exitCode, result.stderr).toBe(0)
  const {Since, Until, ...rest} = parseJson(result)
  void Since
  void Until
  return rest
}

describe('leases report reads each completed task\'s log once', () => {
  let sandbox: Sandbox
  let env: Record<string, string>

  const report = (cacheHome: string, ...extra: string[]) => runCli(['leases', 'report', '--since', '2d', '--json', '--debug', ...extra], {env, cacheHome})
  const seed = (count: number) => api(sandbox, 'POST', '/api/sandbox/seed-completed-tasks', {Count: count, SpaceId: 'Spaces-1', StepsPerTask: 1})

  beforeAll(async () => {
    sandbox = await startTestSandbox({seed: 'demo', octopusVersion: '2021.2'})
    env = {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey}
    expect((await seed(30)).status).toBe(201)
  })
  afterAll(async () => {
    await sandbox?.close()
  })

  it('a second report reads no logs, a third only the new tasks\' logs; the numbers stay the same', async () => {
    const cacheHome = tempDir('octoworkers-cache')
    const first = await report(cacheHome)
    expect(logReads(first)).toBe(30)
    expect(body(first).TasksScanned).toBe(30)
    expect(readdirSync(path.join(cacheHome, 'octoworkers'))).toHaveLength(1)

    const second = await report(cacheHome)
    expect(logReads(second)).toBe(0)
    expect(body(second)).toEqual(body(first))

    expect((await seed(5)).status).toBe(201)
    const third = await report(cacheHome)
    expect(logReads(third)).toBe(5)
    const uncached = await report(tempDir('octoworkers-cache'))
    expect(logReads(uncached)).toBe(35)
    expect(body(third)).toEqual(body(uncached))
    expect(body(third).Leases).toBe(35)
  })

  it('--no-cache reads every log and leaves the cache as it was', async () => {
    const cacheHome = tempDir('octoworkers-cache')
    await report(cacheHome)
    const [file] = readdirSync(path.join(cacheHome, 'octoworkers'))
    const before = readFileSync(path.join(cacheHome, 'octoworkers', file), 'utf8')
    const bypass = await report(cacheHome, '--no-cache')
    expect(logReads(bypass)).toBe(body(bypass).TasksScanned)
    expect(readFileSync(path.join(cacheHome, 'octoworkers', file), 'utf8')).toBe(before)
  })

  it('a corrupt cache file is ignored (every log read, the report right) and replaced', async () => {
    const cacheHome = tempDir('octoworkers-cache')
    const good = await report(cacheHome)
    const [file] = readdirSync(path.join(cacheHome, 'octoworkers'))
    writeFileSync(path.join(cacheHome, 'octoworkers', file), '{"format":1,"tasks":{"ServerTasks-1":')
    const afterCorruption = await report(cacheHome)
    expect(logReads(afterCorruption)).toBe(body(good).TasksScanned)
    expect(body(afterCorruption)).toEqual(body(good))
    expect(logReads(await report(cacheHome))).toBe(0)
  })

  it('a cache that cannot be written is a warning; the report is still printed, exit 0', async () => {
    const notADirectory = path.join(tempDir('octoworkers-cache'), 'file')
    writeFileSync(notADirectory, '')
    const result = await report(notADirectory)
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toMatch(/Warning: could not update the lease cache/)
    expect(body(result).TasksScanned).toBeGreaterThan(0)
  })
})
