import {execFileSync} from 'node:child_process'
import {chmodSync, chownSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
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

  describe('a cache file or directory someone else could have written is not used: one warning, every log read', () => {
    /** A good report, then `plant` does something to its cache file; the file and the good report. */
    async function planted(plant: (file: string, dir: string) => void): Promise<{cacheHome: string; file: string; good: ReturnType<typeof body>}> {
      const cacheHome = tempDir('octoworkers-cache')
      const good = body(await report(cacheHome))
      const dir = path.join(cacheHome, 'octoworkers')
      const file = path.join(dir, readdirSync(dir).find((name) => name.startsWith('leases-'))!)
      plant(file, dir)
      return {cacheHome, file, good}
    }
    /** The cache file with every lease moved onto EVIL-WORKER. */
    const forged = (file: string) => {
      const doc = JSON.parse(readFileSync(file, 'utf8'))
      for (const task of Object.values<any>(doc.tasks)) for (const lease of task.leases) lease.workerName = 'EVIL-WORKER'
      return JSON.stringify(doc)
    }
    const warnings = (result: CliResult) => result.stderr.split('\n').filter((line) => line.startsWith('Warning: not using the lease cache'))

    it('a planted file writable by all is ignored (no lease on EVIL-WORKER) and replaced by a private one', async () => {
      const {cacheHome, file, good} = await planted((file) => {
        writeFileSync(file, forged(file))
        chmodSync(file, 0o666)
      })
      const result = await report(cacheHome)
      expect(result.stdout).not.toContain('EVIL-WORKER')
      expect(body(result)).toEqual(good)
      expect(logReads(result)).toBe(good.TasksScanned)
      expect(warnings(result)).toEqual([expect.stringMatching(/can be written by others \(mode 0666\); every task log is read\.$/)])
      expect(statSync(file).mode & 0o777).toBe(0o600)
      expect(logReads(await report(cacheHome))).toBe(0)
    })

    it.skipIf(process.getuid?.() !== 0)('a file owned by another user is ignored, however private its mode', async () => {
      const {cacheHome, good} = await planted((file) => {
        writeFileSync(file, forged(file))
        chownSync(file, 65534, 65534)
      })
      const result = await report(cacheHome)
      expect(result.stdout).not.toContain('EVIL-WORKER')
      expect(body(result)).toEqual(good)
      expect(warnings(result)).toEqual([expect.stringMatching(/is owned by another user \(uid 65534\); every task log is read\.$/)])
    })

    it('a symbolic link at the cache path is not followed', async () => {
      const {cacheHome, file, good} = await planted((file) => {
        const elsewhere = path.join(tempDir('octoworkers-elsewhere'), 'leases.json')
        writeFileSync(elsewhere, forged(file), {mode: 0o600})
        rmSync(file)
        symlinkSync(elsewhere, file)
      })
      const result = await report(cacheHome)
      expect(result.stdout).not.toContain('EVIL-WORKER')
      expect(body(result)).toEqual(good)
      expect(warnings(result)).toEqual([`Warning: not using the lease cache: ${file} is a symbolic link; every task log is read.`])
    })

    it('a FIFO at the cache path does not hang the report: it finishes (exit 0) with one warning', async () => {
      const {cacheHome, file, good} = await planted((file) => {
        rmSync(file)
        execFileSync('mkfifo', ['-m', '0600', file])
      })
      // A process of its own, bounded: a blocked read must fail this test, not hang the test runner.
      const result = await runCli(['leases', 'report', '--since', '2d', '--json'], {env, cacheHome, spawn: true, timeoutMs: 30_000})
      expect(result.exitCode, result.stderr).toBe(0)
      expect(body(result)).toEqual(good)
      expect(warnings(result)).toEqual([`Warning: not using the lease cache: ${file} is a FIFO; every task log is read.`])
    })

    it('a cache directory others can write is neither read nor written', async () => {
      const {cacheHome, file, good} = await planted((file, dir) => {
        writeFileSync(file, forged(file))
        chmodSync(dir, 0o777)
      })
      const before = readFileSync(file, 'utf8')
      const result = await report(cacheHome)
      expect(result.stdout).not.toContain('EVIL-WORKER')
      expect(body(result)).toEqual(good)
      expect(warnings(result)).toEqual([expect.stringMatching(/the directory .*octoworkers can be written by others \(mode 0777\); every task log is read\.$/)])
      expect(readFileSync(file, 'utf8')).toBe(before)
    })
  })
})
