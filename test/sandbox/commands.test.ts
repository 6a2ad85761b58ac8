import {existsSync} from 'node:fs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson, runCli} from '../helpers/cli.js'
import {api, startTestSandbox, tempDataFile, type Sandbox} from '../helpers/sandbox.js'

interface HistoryLease {
  WorkerName: string
  WorkerPoolId: string
}

describe('sandbox simulate', () => {
  let sb: Sandbox
  let env: Record<string, string>
  const history = async (): Promise<HistoryLease[]> => (await api(sb, 'GET', '/api/sandbox/leases/history')).body
  const taskCount = () => sb.store.prepare('SELECT COUNT(*) FROM tasks').pluck().get() as number

  beforeAll(async () => {
    sb = await startTestSandbox({seed: 'demo'})
    env = {OCTOPUS_URL: sb.url, OCTOPUS_API_KEY: sb.apiKey}
  })
  afterAll(async () => sb?.close())

  it('runs the deployments on the named pool and prints leases per worker, as the sandbox recorded them', async () => {
    const before = (await history()).length
    const r = await runCli(['sandbox', 'simulate', '--tasks', '6', '--concurrency', '3', '--duration-ms', '10-40', '--pool', 'production database omaha worker pool'], {env})
    expect(r.exitCode, r.stderr).toBe(0)
    const leases = (await history()).slice(before)
    expect(leases).toHaveLength(6)
    expect(new Set(leases.map((l) => l.WorkerPoolId))).toEqual(new Set(['WorkerPools-2']))
    const lines = r.stdout.split('\n')
    expect(lines[0]).toBe('POOL\tWORKER\tLEASES')
    const perWorker: Record<string, number> = {}
    for (const l of leases) perWorker[l.WorkerName] = (perWorker[l.WorkerName] ?? 0) + 1
    for (const [worker, count] of Object.entries(perWorker)) {
      expect(r.stdout).toMatch(new RegExp(`^Production Database Omaha Worker Pool\t${worker}\t${count}$`, 'm'))
    }
    expect(r.stdout).toContain('6 succeeded, 0 failed, 0 canceled of 6; 6 leases.')
    // The leasing rule, measured grant by grant, is what the balance line states first.
    expect(r.stdout).toMatch(/^Balance: every lease went to a worker with the fewest active leases in its pool \(6 of 6\)\. A pool's workers differed by up to \d+ active leases? at a grant: leases end at different times/m)
    // Progress goes to stderr, never stdout.
    expect(r.stderr).toMatch(/^Simulation Simulations-\d+: 6 deployments, 3 at a time, in Default\./m)
    expect(r.stdout).not.toContain('Simulation Simulations-')
  })

  it('--json prints one document whose lease counts match the sandbox\'s history', async () => {
    const before = (await history()).length
    const r = await runCli(['sandbox', 'simulate', '--tasks', '4', '--concurrency', '2', '--duration-ms', '5', '--pool', 'WorkerPools-2', '--json'], {env})
    expect(r.exitCode, r.stderr).toBe(0)
    const doc = parseJson(r)
    const leases = (await history()).slice(before)
    expect(doc).toMatchObject({State: 'Completed', Tasks: 4, TasksCompleted: 4, TasksFailed: 0, LeasesGranted: leases.length})
    expect(Object.values(doc.LeasesPerPool['Production Database Omaha Worker Pool'] as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(leases.length)
    expect(r.stdout).not.toContain('"Links"')
  })

  it('a pool with no worker to lease: the deployments fail, and the run is exit 1 with the failed tasks named', async () => {
    const created = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 'Empty Simulation Pool', WorkerPoolType: 'StaticWorkerPool'})
    expect(created.status).toBe(201)
    const r = await runCli(['sandbox', 'simulate', '--tasks', '2', '--concurrency', '2', '--duration-ms', '5', '--pool', 'Empty Simulation Pool'], {env})
    expect(r.exitCode, r.stderr).toBe(1)
    expect(r.stdout).toContain('No worker was leased.')
    expect(r.stdout).toContain('0 succeeded, 2 failed, 0 canceled of 2; 0 leases.')
    // Why each failed, read from its log: the failed step and its error line.
    const reasons = r.stderr.split('\n').filter((l) => /^ServerTasks-\d+ failed/.test(l))
    expect(reasons).toHaveLength(2)
    for (const reason of reasons) expect(reason, JSON.stringify(reason)).toMatch(/^ServerTasks-\d+ failed at 'Step 1: Run a script': The step requires a worker: the worker pool Empty Simulation Pool has no workers\.$/)
    const json = await runCli(['sandbox', 'simulate', '--tasks', '1', '--duration-ms', '5', '--pool', created.body.Id, '--json'], {env})
    expect(json.exitCode).toBe(1)
    expect(parseJson(json)).toMatchObject({State: 'Completed', TasksFailed: 1, LeasesGranted: 0, Failures: [{Step: 'Step 1: Run a script', Reason: 'The step requires a worker: the worker pool Empty Simulation Pool has no workers.'}]})
  })

  it('rejects bad input before starting anything: exit 2 for malformed flags, exit 4 for an unknown pool', async () => {
    const tasksBefore = taskCount()
    const leasesBefore = (await history()).length
    const cases: Array<[string[], number, RegExp]> = [
      [['--tasks', '0'], 2, /--tasks must be a whole number from 1 to 100000, not '0'/],
      [['--tasks', '2.5'], 2, /--tasks must be a whole number/],
      [['--concurrency', 'many'], 2, /--concurrency must be a whole number from 1 to 1000, not 'many'/],
      [['--steps', '51'], 2, /--steps must be a whole number from 1 to 50/],
      [['--duration-ms', 'fast'], 2, /--duration-ms must be MIN-MAX in milliseconds/],
      [['--duration-ms', '900-100'], 2, /--duration-ms: MAX \(100\) is less than MIN \(900\)/],
      [['--pool', 'Production Database Omaha Worker Pol'], 4, /Production Database Omaha Worker Pool/],
      [['--pool', 'WorkerPools-2', '--pool', 'no-such-pool'], 4, /no-such-pool/],
    ]
    for (const [args, code, message] of cases) {
      const r = await runCli(['sandbox', 'simulate', ...args], {env})
      expect(r.exitCode, args.join(' ')).toBe(code)
      expect(r.stderr, args.join(' ')).toMatch(message)
      // The typed flag's own message, not oclif's "Parsing --x" wrapping of it.
      expect(r.stderr, args.join(' ')).not.toMatch(/Parsing --|See more help/)
      const json = await runCli(['sandbox', 'simulate', ...args, '--json'], {env})
      expect(json.exitCode, args.join(' ')).toBe(code)
      expect(parseJson(json).Error.Message, args.join(' ')).toMatch(message)
    }
    const misspelt = await runCli(['sandbox', 'simulate', '--task', '3'], {env})
    expect(misspelt.exitCode).toBe(2)
    expect(misspelt.stderr).toMatch(/^Error: Unknown flag: --task\. Did you mean --tasks\?$/m)
    expect(taskCount()).toBe(tasksBefore)
    expect(await history()).toHaveLength(leasesBefore)
    expect((await api(sb, 'GET', '/api/sandbox/info')).status).toBe(200)
  })
})

describe('sandbox start: bad flags are exit 2 and create no data file', () => {
  it.each([
    [['--port', '70000'], /--port must be a number from 0 to 65535, not '70000'/],
    [['--port', 'any'], /--port must be a number from 0 to 65535/],
    [['--seed', 'huge'], /--seed must be empty, demo or scale:N, not 'huge'/],
    [['--seed', 'scale:0'], /--seed must be empty, demo or scale:N/],
    [['--api-key', 'api-lowercase'], /--api-key must look like an Octopus API key/],
    [['--octopus-version', '2019.1'], /Expected --octopus-version=2019.1 to be one of: 2019.7, 2021.2, 2023.1, 2026.1/],
  ])('sandbox start %j', async (args, message) => {
    const data = tempDataFile()
    // Bad flags end the command before it serves: in-process is safe.
    const r = await runCli(['sandbox', 'start', '--data', data, ...args], {spawn: false})
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stdout).toBe('')
    expect(existsSync(data)).toBe(false)
  })
})
