import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson} from '../../helpers/cli.js'
import {startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {octo, tableRows, workersOf} from './helpers.js'

let sb: Sandbox

beforeAll(async () => {
  sb = await startTestSandbox({seed: 'demo'})
})
afterAll(async () => sb?.close())

/** Runs with --debug and returns the HTTP requests made (`GET http://...`), from its one line per request. */
async function counted(args: string[]) {
  const result = await octo(sb, [...args, '--debug'])
  const requests = result.stderr.split('\n').filter((l) => /^\[debug\] [A-Z]+ \S+ -> /.test(l)).map((l) => l.replace(/^\[debug\] /, '').replace(/ -> .*$/, ''))
  return {result, requests}
}

describe('worker list', () => {
  it('lists every worker as a table sorted by name, pools by name', async () => {
    const result = await octo(sb, ['worker', 'list'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout.split('\n')[0].split(/ {2,}/)).toEqual(['NAME', 'TYPE', 'HEALTH', 'DISABLED', 'POOLS', 'ENDPOINT'])
    const rows = tableRows(result.stdout)
    const names = (await workersOf(sb)).map((w) => w.Name)
    expect(rows.map((r) => r[0])).toEqual([...names].sort((a, b) => a.localeCompare(b, undefined, {sensitivity: 'base'})))
    expect(rows.find((r) => r[0] === 'tmp-box')).toEqual(['tmp-box', 'Listening', 'HasWarnings', 'no', 'test pool, Production Database Omaha Worker Pool', 'https://tmp-box.warnings.test:10933/'])
    expect(rows.find((r) => r[0] === 'worker1')?.slice(1, 3)).toEqual(['Polling', 'Healthy'])
    expect(rows.find((r) => r[0] === 's-linux-omaha-worker-01')?.[1]).toBe('SSH')
    expect(rows.find((r) => r[0] === 'p-db-omaha-worker-03')?.[3]).toBe('yes')
  })

  it('--json: worker resources with WorkerPoolNames and no Links (alias ls)', async () => {
    const result = await octo(sb, ['worker', 'ls', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const docs = parseJson<any[]>(result)
    const server = await workersOf(sb)
    expect(docs).toHaveLength(server.length)
    const tmp = docs.find((d) => d.Name === 'tmp-box')
    const {Links: _links, ...serverTmp} = server.find((w) => w.Name === 'tmp-box')!
    expect(tmp).toEqual({...serverTmp, Endpoint: expect.any(Object), WorkerPoolNames: ['test pool', 'Production Database Omaha Worker Pool']})
    expect(JSON.stringify(docs)).not.toContain('"Links"')
  })

  it('sends filters as the server\'s query parameters and shows only matches', async () => {
    const {result, requests: made} = await counted(['worker', 'list', '--pool', 'test pool', '--pool', 'WorkerPools-2', '--health', 'haswarnings', '--health', 'Unknown', '--enabled', '--type', 'listening', '--name-like', 'box', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(parseJson<any[]>(result).map((w) => w.Name)).toEqual(['tmp-box'])
    const workersRequest = made.find((r) => /\/workers\?/.test(r))!
    const query = new URL(workersRequest.split(' ')[1]).searchParams
    expect(query.get('workerPoolIds')?.split(',').sort()).toEqual(['WorkerPools-2', 'WorkerPools-5'])
    expect(query.get('healthStatuses')?.split(',')).toEqual(['HasWarnings', 'Unknown'])
    expect(query.get('isDisabled')).toBe('false')
    expect(query.get('commStyles')).toBe('TentaclePassive')
    expect(query.get('partialName')).toBe('box')
  })

  it.each([
    [['--disabled'], ['p-db-omaha-worker-03']],
    [['--type', 'ssh'], ['s-linux-omaha-worker-01']],
    [['--type', 'polling'], ['worker1']],
    [['--health', 'Unavailable', '--health', 'Unhealthy'], ['p-web-azcus-worker-02', 'p-web-azcus-worker-03']],
    [['--pool', 'production database omaha worker pool', '--enabled'], ['p-db-omaha-worker-01', 'p-db-omaha-worker-02', 'tmp-box']],
  ])('filter %j', async (filter, expected) => {
    const result = await octo(sb, ['worker', 'list', ...filter])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(tableRows(result.stdout).map((r) => r[0])).toEqual(expected)
  })

  it('an empty result says so on stderr and prints [] with --json', async () => {
    const table = await octo(sb, ['worker', 'list', '--name-like', 'no-such-worker'])
    expect(table.exitCode).toBe(0)
    expect(table.stdout).toBe('')
    expect(table.stderr).toContain('No workers match.')
    const json = await octo(sb, ['worker', 'list', '--name-like', 'no-such-worker', '--json'])
    expect(parseJson(json)).toEqual([])
  })

  it('at most 5 requests, with or without filters, and never one per worker', async () => {
    for (const args of [['worker', 'list', '--json'], ['worker', 'list', '--pool', 'test pool', '--health', 'Healthy']]) {
      const {result, requests: made} = await counted(args)
      expect(result.exitCode, result.stderr).toBe(0)
      expect(made.length, made.join('\n')).toBeLessThanOrEqual(5)
      expect(made.filter((r) => /\/workers\/Workers-|\/accounts|\/proxies/.test(r))).toEqual([])
    }
  })

  it.each([
    [['--pool', 'tst pool'], 4, "Worker pool 'tst pool' not found. Did you mean: 'test pool'?"],
    [['--pool', 'WorkerPools-99'], 4, "Worker pool 'WorkerPools-99' not found"],
    [['--health', 'Sick'], 2, "--health 'Sick' is not one of Healthy, Unhealthy, Unavailable, HasWarnings, Unknown."],
    [['--type', 'cloud'], 2, "--type 'cloud' is not one of listening, polling, ssh, kubernetes."],
    [['--enabled', '--disabled'], 2, 'cannot also be provided when using'],
  ])('bad filter %j -> exit %i', async (filter, exitCode, message) => {
    const result = await octo(sb, ['worker', 'list', ...filter])
    expect(result.exitCode, result.stderr).toBe(exitCode)
    expect(result.stderr).toContain(message)
    expect(result.stdout).toBe('')
  })
})

describe('worker view', () => {
  it('shows every detail of a listening worker with an outdated Tentacle', async () => {
    const result = await octo(sb, ['worker', 'view', 'win-7f3k2p9'])
    expect(result.exitCode, result.stderr).toBe(0)
    const w = (await workersOf(sb)).find((x) => x.Name === 'WIN-7F3K2P9')!
    const lines = Object.fromEntries(result.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]))
    expect(lines).toMatchObject({
      Name: 'WIN-7F3K2P9', ID: w.Id, Type: 'Listening', Endpoint: w.Endpoint.Uri, Thumbprint: w.Thumbprint,
      Pools: 'Default Worker Pool', 'Machine policy': 'Default Machine Policy', Disabled: 'no', Health: 'Healthy',
      'Health summary': w.StatusSummary, 'Tentacle version': '6.3.417 (upgrade suggested)',
      'Web portal': `${sb.url}/app#/Spaces-1/infrastructure/workers/${w.Id}/settings`,
    })
  })

  it('--json: the resource plus pool, policy and account names, version and portal URL', async () => {
    const result = await octo(sb, ['worker', 'view', 'Workers-9', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const doc = parseJson(result)
    expect(doc).toMatchObject({
      Id: 'Workers-9', Name: 's-linux-omaha-worker-01', WorkerPoolNames: ['Staging Linux Worker Pool'], MachinePolicyName: 'Default Machine Policy',
      AccountName: 'Staging SSH key', TentacleVersion: null, WebUrl: `${sb.url}/app#/Spaces-1/infrastructure/workers/Workers-9/settings`,
      Endpoint: {CommunicationStyle: 'Ssh', AccountId: 'Accounts-1'},
    })
    expect(doc.Links).toBeUndefined()
  })

  it('an unknown worker is exit 4 with close matches', async () => {
    const result = await octo(sb, ['worker', 'view', 'tmp-bx'])
    expect(result.exitCode).toBe(4)
    expect(result.stderr).toContain("Worker 'tmp-bx' not found. Did you mean: 'tmp-box'?")
    const json = await octo(sb, ['worker', 'view', 'Workers-404', '--json'])
    expect(json.exitCode).toBe(4)
    expect(parseJson(json).Error).toMatchObject({ExitCode: 4, Code: 'not-found'})
  })
})
