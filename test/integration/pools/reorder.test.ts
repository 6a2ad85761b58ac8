import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson} from '../../helpers/cli.js'
import {startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {expectRejected, octo, poolsOf, requestsOf} from './helpers.js'

let sb: Sandbox

const ordered = async () => (await poolsOf(sb)).sort((a, b) => a.SortOrder - b.SortOrder).map((p) => p.Name)

beforeAll(async () => {
  sb = await startTestSandbox({seed: 'demo'})
})
afterAll(async () => sb?.close())

describe('pool reorder', () => {
  it('puts the named pools first in that order, the rest keep their order; one PUT with every ID', async () => {
    const before = await ordered()
    const [a, b] = [before[before.length - 1], before[2]]
    const result = await octo(sb, ['pool', 'reorder', a.toLowerCase(), b, '--debug'])
    expect(result.exitCode, result.stderr).toBe(0)
    const expected = [a, b, ...before.filter((n) => n !== a && n !== b)]
    expect(await ordered()).toEqual(expected)
    expect(requestsOf(result).filter((r) => !r.startsWith('GET '))).toEqual([`PUT ${sb.url}/api/Spaces-1/workerpools/sortorder`])
    const rows = result.stdout.trimEnd().split('\n').slice(1).map((l) => l.replace(/^\d+\s+/, '').replace(/\s+WorkerPools-\d+$/, ''))
    expect(rows).toEqual(expected)
  })

  it('--json prints the pools in their new order', async () => {
    const pools = (await poolsOf(sb)).sort((a, b) => a.SortOrder - b.SortOrder)
    const last = pools[pools.length - 1]
    const result = await octo(sb, ['pool', 'reorder', last.Id, '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const doc = parseJson<Array<Record<string, any>>>(result)
    expect(doc.map((p) => p.Id)).toEqual([last.Id, ...pools.slice(0, -1).map((p) => p.Id)])
    expect(doc[0].Links).toBeUndefined()
  })

  it('the order it already has changes nothing', async () => {
    const first = (await ordered())[0]
    const result = await octo(sb, ['pool', 'reorder', first, '--debug'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toContain('already in that order; nothing changed.')
    expect(requestsOf(result).some((r) => r.startsWith('PUT '))).toBe(false)
  })

  it('a pool that does not exist: exit 4 with close matches, nothing changed', async () => {
    const [first] = await ordered()
    await expectRejected(sb, ['pool', 'reorder', first, 'test pol'], 4, "Worker pool 'test pol' not found. Did you mean: 'test pool'")
    await expectRejected(sb, ['pool', 'reorder', 'nope-1', first, 'nope-2'], 4, "Worker pools not found: 'nope-1', 'nope-2'.")
    await expectRejected(sb, ['pool', 'reorder', first, 'WorkerPools-999'], 4, "Worker pool 'WorkerPools-999' not found.")
  })

  it('duplicates: exit 2, nothing changed (same spelling, other case, or name and ID of one pool)', async () => {
    await expectRejected(sb, ['pool', 'reorder', 'test pool', 'Hosted Ubuntu', 'TEST POOL'], 2, "reorder: 'test pool' given more than once")
    const pool = (await poolsOf(sb)).find((p) => p.Name === 'test pool')!
    await expectRejected(sb, ['pool', 'reorder', 'test pool', pool.Id], 2, `'${pool.Id}' (same pool as 'test pool': test pool) given more than once`)
  })

  it('no pool at all: exit 2', async () => {
    await expectRejected(sb, ['pool', 'reorder'], 2, /pool/i)
  })
})
