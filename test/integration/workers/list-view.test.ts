import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson} from '../../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {THUMB, octo, tableRows, workersOf} from './helpers.js'

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
    expect(result.stdout.split('\n')[0].split('\t')).toEqual(['NAME', 'TYPE', 'HEALTH', 'DISABLED', 'POOLS', 'ENDPOINT'])
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
    [['--enabled', '--disabled'], 2, '--disabled and --enabled cannot be used together.'],
  ])('bad filter %j -> exit %i', async (filter, exitCode, message) => {
    const result = await octo(sb, ['worker', 'list', ...filter])
    expect(result.exitCode, result.stderr).toBe(exitCode)
    expect(result.stderr).toContain(message)
    expect(result.stdout).toBe('')
  })
})

describe('worker list --all-spaces', () => {
  it('lists the workers of every space with a SPACE column first, space by space', async () => {
    const result = await octo(sb, ['worker', 'list', '--all-spaces'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout.split('\n')[0].split('\t')).toEqual(['SPACE', 'NAME', 'TYPE', 'HEALTH', 'DISABLED', 'POOLS', 'ENDPOINT'])
    const rows = tableRows(result.stdout)
    const [defaultSpace, platform] = [await workersOf(sb, 'Spaces-1'), await workersOf(sb, 'Spaces-2')]
    expect(platform.length).toBeGreaterThan(0)
    expect(rows.filter((r) => r[0] === 'Default').map((r) => r[1]).sort()).toEqual(defaultSpace.map((w) => w.Name).sort())
    expect(rows.filter((r) => r[0] === 'Platform Team').map((r) => r[1]).sort()).toEqual(platform.map((w) => w.Name).sort())
    expect(rows).toHaveLength(defaultSpace.length + platform.length)
    expect(rows.find((r) => r[1] === 'tmp-box')).toEqual(['Default', 'tmp-box', 'Listening', 'HasWarnings', 'no', 'test pool, Production Database Omaha Worker Pool', 'https://tmp-box.warnings.test:10933/'])
  })

  it('--json: each worker with its SpaceName; filters apply in every space', async () => {
    const platform = await workersOf(sb, 'Spaces-2')
    const json = parseJson<any[]>(await octo(sb, ['worker', 'list', '--all-spaces', '--json']))
    expect(json.filter((w) => w.SpaceId === 'Spaces-2').map((w) => w.SpaceName)).toEqual(platform.map(() => 'Platform Team'))
    expect(json.filter((w) => w.SpaceId === 'Spaces-1').every((w) => w.SpaceName === 'Default')).toBe(true)
    const disabled = parseJson<any[]>(await octo(sb, ['worker', 'list', '--all-spaces', '--disabled', '--json']))
    expect(disabled.map((w) => w.Name).sort()).toEqual(json.filter((w) => w.IsDisabled).map((w) => w.Name).sort())
    // Without --all-spaces the JSON items stay as they were: no SpaceName.
    expect(parseJson<any[]>(await octo(sb, ['worker', 'list', '--json'])).some((w) => 'SpaceName' in w)).toBe(false)
  })

  it('--pool matches the pool of that name in each space that has one', async () => {
    const inPoolNamed = async (spaceId: string, name: string) => {
      const pool = (await api(sb, 'GET', `/api/${spaceId}/workerpools/all`)).body.find((p: any) => p.Name === name)
      expect(pool, `${spaceId} has a pool '${name}'`).toBeDefined()
      return (await workersOf(sb, spaceId)).filter((w) => w.WorkerPoolIds.includes(pool.Id)).map((w) => `${spaceId}/${w.Name}`)
    }
    // Platform Team's default pool is empty in the demo estate: give it a worker.
    const platformDefault = (await api(sb, 'GET', '/api/Spaces-2/workerpools/all')).body.find((p: any) => p.Name === 'Default Worker Pool')
    const created = await api(sb, 'POST', '/api/Spaces-2/workers', {
      Name: 'platform-default-01', SpaceId: 'Spaces-2', WorkerPoolIds: [platformDefault.Id], IsDisabled: false,
      Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: 'https://platform-default-01.example.test:10933/', Thumbprint: THUMB},
    })
    expect(created.status, created.text).toBe(201)
    const expected = [...(await inPoolNamed('Spaces-1', 'Default Worker Pool')), ...(await inPoolNamed('Spaces-2', 'Default Worker Pool'))].sort()
    expect(expected).toContain('Spaces-2/platform-default-01')
    expect(expected.some((e) => e.startsWith('Spaces-1/'))).toBe(true)
    const result = await octo(sb, ['worker', 'list', '--all-spaces', '--pool', 'default worker pool', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(parseJson<any[]>(result).map((d) => `${d.SpaceId}/${d.Name}`).sort()).toEqual(expected)
  })

  it.each([
    [['--space', 'Default'], 2, '--space and --all-spaces cannot be used together.'],
    [['--pool', 'no such pool anywhere'], 4, "Worker pool 'no such pool anywhere' not found"],
    [['--health', 'Sick'], 2, "--health 'Sick' is not one of"],
  ])('bad input %j -> exit %i, one line, nothing printed on stdout', async (more, exitCode, message) => {
    const result = await octo(sb, ['worker', 'list', '--all-spaces', ...more])
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
