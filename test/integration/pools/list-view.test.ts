import {execFileSync} from 'node:child_process'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson} from '../../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {expectRejected, octo, poolsOf, requestsOf} from './helpers.js'

let sb: Sandbox
let workers: Array<Record<string, any>>

/** Expected counts of a pool, worked out here from the raw worker list: disabled workers only in Disabled. */
function expectedCounts(poolId: string, from = workers) {
  const members = from.filter((w) => w.WorkerPoolIds.includes(poolId))
  const health = (s: string) => members.filter((w) => !w.IsDisabled && (w.HealthStatus || 'Unknown') === s).length
  return {
    Total: members.length,
    Available: members.filter((w) => !w.IsDisabled && ['Healthy', 'HasWarnings'].includes(w.HealthStatus)).length,
    Healthy: health('Healthy'),
    HasWarnings: health('HasWarnings'),
    Unhealthy: health('Unhealthy'),
    Unavailable: health('Unavailable'),
    Unknown: health('Unknown'),
    Disabled: members.filter((w) => w.IsDisabled).length,
  }
}

beforeAll(async () => {
  sb = await startTestSandbox({seed: 'demo'})
  workers = (await api(sb, 'GET', '/api/Spaces-1/workers?take=100000')).body.Items
})
afterAll(async () => sb?.close())

/** What `cut -f N` prints for a line: its N-th tab-separated field (cut's default delimiter is the tab). */
function cutField(line: string, n: number): string {
  return execFileSync('cut', [`-f${n}`], {input: `${line}\n`, encoding: 'utf8'}).replace(/\n$/, '')
}

describe('pool list', () => {
  it('prints every pool in the server\'s sort order with worker counts that add up', async () => {
    const result = await octo(sb, ['pool', 'list'])
    expect(result.exitCode, result.stderr).toBe(0)
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines[0].split('\t')).toEqual(['NAME', 'TYPE', 'DEFAULT', 'WORKERS', 'AVAILABLE', 'HEALTHY', 'WARNINGS', 'UNHEALTHY', 'UNAVAILABLE', 'UNKNOWN', 'DISABLED'])
    const pools = (await poolsOf(sb)).sort((a, b) => a.SortOrder - b.SortOrder)
    expect(lines).toHaveLength(pools.length + 1)
    let checkedDisabled = false
    pools.forEach((pool, i) => {
      const line = lines[i + 1]
      // Piped output: tab-separated values, the whole name first, nothing cut or padded.
      const cells = line.split('\t')
      expect(cells[0]).toBe(pool.Name)
      expect(cells).toHaveLength(11)
      if (pool.WorkerPoolType === 'DynamicWorkerPool') {
        expect(cells.slice(3)).toEqual(Array(8).fill('n/a'))
      } else {
        const c = expectedCounts(pool.Id)
        expect(cells.slice(3)).toEqual([c.Total, c.Available, c.Healthy, c.HasWarnings, c.Unhealthy, c.Unavailable, c.Unknown, c.Disabled].map(String))
        // Each worker in exactly one count column.
        expect(cells.slice(5).reduce((sum, n) => sum + Number(n), 0)).toBe(c.Total)
        if (c.Disabled > 0) checkedDisabled = true
      }
      expect(cells[2]).toBe(pool.IsDefault ? 'yes' : 'no')
    })
    // The demo has a disabled worker, so "counted once" is really exercised.
    expect(checkedDisabled).toBe(true)
  })

  it('counts a disabled worker once, in DISABLED, not also under its health', async () => {
    const own = await startTestSandbox({seed: 'demo'})
    try {
      const pool = (await poolsOf(own)).find((p) => p.WorkerPoolType === 'StaticWorkerPool' && expectedCounts(p.Id).Healthy > 0)!
      const worker = workers.find((w) => w.WorkerPoolIds.includes(pool.Id) && !w.IsDisabled && w.HealthStatus === 'Healthy')!
      const put = await api(own, 'PUT', `/api/Spaces-1/workers/${worker.Id}`, {...worker, IsDisabled: true})
      expect(put.status, put.text).toBe(200)
      const after = (await api(own, 'GET', '/api/Spaces-1/workers?take=100000')).body.Items
      const doc = parseJson<Array<Record<string, any>>>(await octo(own, ['pool', 'list', '--json']))
      const counts = doc.find((p) => p.Id === pool.Id)!.WorkerCounts
      expect(counts).toMatchObject(expectedCounts(pool.Id, after))
      expect(counts.Healthy).toBe(expectedCounts(pool.Id).Healthy - 1)
      expect(counts.Disabled).toBe(expectedCounts(pool.Id).Disabled + 1)
      expect(counts.Available).toBe(counts.Healthy + counts.HasWarnings)
    } finally {
      await own.close()
    }
  })

  it('--all-spaces lists every space\'s pools with a SPACE column, and SpaceName in --json', async () => {
    const spaces = (await api(sb, 'GET', '/api/spaces/all')).body as Array<{Id: string; Name: string}>
    expect(spaces.length).toBeGreaterThan(1)
    const expected: Array<[string, string]> = []
    for (const space of spaces) for (const pool of (await poolsOf(sb, space.Id)).sort((a, b) => a.SortOrder - b.SortOrder)) expected.push([space.Name, pool.Name])
    const table = await octo(sb, ['pool', 'list', '--all-spaces'])
    expect(table.exitCode, table.stderr).toBe(0)
    const lines = table.stdout.trimEnd().split('\n')
    expect(lines[0].split('\t')[0]).toBe('SPACE')
    expect(lines).toHaveLength(expected.length + 1)
    expected.forEach(([spaceName, poolName], i) => expect(lines[i + 1].split('\t').slice(0, 2)).toEqual([spaceName, poolName]))
    const json = parseJson<Array<Record<string, any>>>(await octo(sb, ['pool', 'list', '--all-spaces', '--json']))
    expect(json.map((p) => [p.SpaceName, p.Name])).toEqual(expected)
    for (const item of json) expect(item.SpaceId).toBe(spaces.find((s) => s.Name === item.SpaceName)!.Id)
  })

  it('piped, `cut -f1` gives every pool\'s whole name (names with spaces included)', async () => {
    const result = await octo(sb, ['pool', 'list'])
    const names = result.stdout.trimEnd().split('\n').slice(1).map((line) => cutField(line, 1))
    const pools = (await poolsOf(sb)).sort((a, b) => a.SortOrder - b.SortOrder)
    expect(names).toEqual(pools.map((p) => p.Name))
    expect(names).toContain('Default Worker Pool')
    const all = await octo(sb, ['pool', 'list', '--all-spaces'])
    expect(all.stdout.trimEnd().split('\n').map((line) => cutField(line, 2))).toContain('Platform Kubernetes London Worker Pool')
  })

  it('--all-spaces with --space is exit 2 before any request', async () => {
    const result = await expectRejected(sb, ['pool', 'list', '--all-spaces', '--space', 'Default', '--debug'], 2, '--space and --all-spaces cannot be used together.')
    expect(requestsOf(result)).toEqual([])
  })

  it('ls is an alias, and --type filters', async () => {
    const result = await octo(sb, ['pool', 'ls', '--type', 'dynamic'])
    expect(result.exitCode, result.stderr).toBe(0)
    const dynamicNames = (await poolsOf(sb)).filter((p) => p.WorkerPoolType === 'DynamicWorkerPool').map((p) => p.Name)
    expect(dynamicNames.length).toBeGreaterThan(0)
    const rows = result.stdout.trimEnd().split('\n').slice(1)
    expect(rows).toHaveLength(dynamicNames.length)
    for (const name of dynamicNames) expect(result.stdout).toContain(name)
  })

  it('--json gives each pool resource (no Links) plus WorkerCounts', async () => {
    const result = await octo(sb, ['pool', 'list', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const doc = parseJson<Array<Record<string, any>>>(result)
    const pools = (await poolsOf(sb)).sort((a, b) => a.SortOrder - b.SortOrder)
    expect(doc.map((p) => p.Id)).toEqual(pools.map((p) => p.Id))
    for (const item of doc) {
      const {Links: _links, ...resource} = pools.find((p) => p.Id === item.Id)!
      const {WorkerCounts, SpaceName, ...rest} = item
      expect(rest).toEqual(resource)
      expect(SpaceName).toBe('Default')
      if (item.WorkerPoolType === 'DynamicWorkerPool') {
        expect(WorkerCounts).toMatchObject({Total: 0, Healthy: 0, Disabled: 0, ByEndpointType: {}})
      } else {
        expect(WorkerCounts).toMatchObject(expectedCounts(item.Id))
        const styles: Record<string, number> = {}
        // A worker stored with Endpoint null (the demo has one, as real servers do) counts as style None.
        for (const w of workers.filter((w) => w.WorkerPoolIds.includes(item.Id))) {
          const style = w.Endpoint?.CommunicationStyle ?? 'None'
          styles[style] = (styles[style] ?? 0) + 1
        }
        expect(WorkerCounts.ByEndpointType).toEqual(styles)
      }
    }
  })

  it('--type static --json with no match prints []', async () => {
    const empty = await startTestSandbox({seed: 'empty'})
    try {
      const result = await octo(empty, ['pool', 'list', '--type', 'dynamic', '--json'])
      expect(result.exitCode, result.stderr).toBe(0)
      expect(parseJson(result)).toEqual([])
    } finally {
      await empty.close()
    }
  })

  it('makes at most 6 requests, whatever the number of pools and workers', async () => {
    const small = await octo(sb, ['pool', 'list', '--json', '--debug'])
    expect(requestsOf(small).length).toBeLessThanOrEqual(6)
    // Never one for the workers: the summaries carry the counts.
    expect(requestsOf(small).filter((r) => /\/workers\b/.test(r))).toEqual([])
    const big = await startTestSandbox({seed: 'scale:2000'})
    try {
      const result = await octo(big, ['pool', 'list', '--json', '--debug'])
      expect(result.exitCode, result.stderr).toBe(0)
      expect(parseJson<unknown[]>(result).length).toBeGreaterThan(1)
      expect(requestsOf(result)).toEqual(requestsOf(small).map((r) => r.replace(sb.url, big.url)))
    } finally {
      await big.close()
    }
  })

  it('rejects an unknown --type with exit 2', async () => {
    await expectRejected(sb, ['pool', 'list', '--type', 'elastic'], 2, 'elastic')
  })

  it('works on an older server (2021.2: only /api/Spaces-1 routes)', async () => {
    const old = await startTestSandbox({seed: 'demo', octopusVersion: '2021.2'})
    try {
      const result = await octo(old, ['pool', 'list', '--json'])
      expect(result.exitCode, result.stderr).toBe(0)
      expect(parseJson<unknown[]>(result)).toHaveLength((await poolsOf(old)).length)
    } finally {
      await old.close()
    }
  })
})

describe('pool view', () => {
  it('shows the pool, counts by health and endpoint, its workers and the portal URL', async () => {
    const pool = (await poolsOf(sb)).find((p) => p.WorkerPoolType === 'StaticWorkerPool' && expectedCounts(p.Id).Total >= 3)!
    const result = await octo(sb, ['pool', 'view', pool.Name.toUpperCase()])
    expect(result.exitCode, result.stderr).toBe(0)
    const c = expectedCounts(pool.Id)
    expect(result.stdout).toContain(`ID:           ${pool.Id}`)
    expect(result.stdout).toContain(`Workers:      ${c.Total} (${c.Total - c.Disabled} enabled, ${c.Disabled} disabled)`)
    expect(result.stdout).toContain(`By health:    Healthy ${c.Healthy}, HasWarnings ${c.HasWarnings}, Unhealthy ${c.Unhealthy}, Unavailable ${c.Unavailable}, Unknown ${c.Unknown}`)
    expect(result.stdout).toContain(`Web portal:   ${sb.url}/app#/Spaces-1/infrastructure/workerpools/${pool.Id}`)
    // Each member reads exactly as `worker list` shows it (same cells, same order, less POOLS).
    const table = result.stdout.slice(result.stdout.indexOf('\nNAME\t') + 1)
    const rows = table.trim().split('\n').map((line) => line.split('\t'))
    expect(rows[0]).toEqual(['NAME', 'TYPE', 'HEALTH', 'DISABLED', 'ENDPOINT'])
    const listed = (await octo(sb, ['worker', 'list', '--pool', pool.Id])).stdout.trim().split('\n').slice(1).map((line) => line.split('\t'))
    const members = workers.filter((w) => w.WorkerPoolIds.includes(pool.Id))
    expect(listed.map((r) => r[0]).sort()).toEqual(members.map((w) => w.Name).sort())
    for (const [name, type, health, disabled, , endpoint] of listed) expect(rows.find((r) => r[0] === name)).toEqual([name, type, health, disabled, endpoint])
    expect(result.stdout).not.toMatch(/TentaclePassive|TentacleActive|KubernetesTentacle/)
  })

  it('--json gives the resource, WorkerCounts, Workers and WebUrl', async () => {
    const result = await octo(sb, ['pool', 'view', 'WorkerPools-5', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const doc = parseJson(result)
    const members = workers.filter((w) => w.WorkerPoolIds.includes('WorkerPools-5'))
    expect(doc.Id).toBe('WorkerPools-5')
    expect(doc.Links).toBeUndefined()
    expect(doc.WorkerCounts).toMatchObject(expectedCounts('WorkerPools-5'))
    expect(doc.Workers.map((w: any) => w.Id).sort()).toEqual(members.map((w) => w.Id).sort())
    const polling = members.find((w) => w.Endpoint?.CommunicationStyle === 'TentacleActive')
    if (polling) expect(doc.Workers.find((w: any) => w.Id === polling.Id).Endpoint).toBe(polling.Endpoint.Uri)
    expect(doc.WebUrl).toBe(`${sb.url}/app#/Spaces-1/infrastructure/workerpools/WorkerPools-5`)
    // The server's resource and what the command adds, nothing else (what only the text form shows stays out).
    const resource = (await poolsOf(sb)).find((p) => p.Id === 'WorkerPools-5')!
    expect(Object.keys(doc)).toEqual([...Object.keys(resource).filter((k) => k !== 'Links'), 'WorkerCounts', 'Workers', 'WebUrl', 'Usage'])
  })

  it('shows a dynamic pool\'s worker type and n/a workers', async () => {
    const pool = (await poolsOf(sb)).find((p) => p.WorkerPoolType === 'DynamicWorkerPool')!
    const result = await octo(sb, ['pool', 'view', pool.Id])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain(`Type:         dynamic (worker type ${pool.WorkerType})`)
    expect(result.stdout).toContain('Workers:      n/a')
    const json = parseJson(await octo(sb, ['pool', 'view', pool.Id, '--json']))
    expect(json.Workers).toEqual([])
  })

  it('an unknown pool is exit 4 with close matches (also as a JSON error)', async () => {
    await expectRejected(sb, ['pool', 'view', 'test pol'], 4, "Worker pool 'test pol' not found. Did you mean: 'test pool'")
    const json = await octo(sb, ['pool', 'view', 'nope-nothing-like-it', '--json'])
    expect(json.exitCode).toBe(4)
    expect(parseJson(json).Error).toMatchObject({Code: 'not-found', ExitCode: 4})
  })
})
