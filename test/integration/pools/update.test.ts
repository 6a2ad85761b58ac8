import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson} from '../../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {expectRejected, octo, poolByName, poolsOf} from './helpers.js'

let sb: Sandbox
let workerTypes: string[]

beforeAll(async () => {
  sb = await startTestSandbox({seed: 'empty'})
  workerTypes = (await api(sb, 'GET', '/api/Spaces-1/workerpools/dynamicworkertypes')).body.WorkerTypes.map((t: any) => t.Type)
  for (const args of [['Linux', '--description', 'first'], ['Windows'], ['Hosted', '--type', 'dynamic', '--worker-type', workerTypes[0]]]) {
    const r = await octo(sb, ['pool', 'create', ...args])
    expect(r.exitCode, r.stderr).toBe(0)
  }
})
afterAll(async () => sb?.close())

describe('pool update', () => {
  it('renames and changes the description, keeping every other field (table form)', async () => {
    const before = await poolByName(sb, 'Linux')
    const result = await octo(sb, ['pool', 'update', 'linux', '--name', 'Linux build', '--description', 'second'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain(`Updated worker pool 'Linux build' (${before!.Id}):`)
    expect(result.stdout).toContain('Name: "Linux" -> "Linux build"')
    expect(result.stdout).toContain('Description: "first" -> "second"')
    const after = await poolByName(sb, 'Linux build')
    const {LastModifiedOn: _a, Name: _n, Description: _d, Slug: _s, Links: _l, ...rest} = after!
    const {LastModifiedOn: _b, Name: _m, Description: _e, Slug: _t, Links: _k, ...restBefore} = before!
    expect(after).toMatchObject({Id: before!.Id, Description: 'second'})
    expect(rest).toEqual(restBefore)
  })

  it('changes a dynamic pool\'s worker type (--json lists the changes)', async () => {
    const target = workerTypes[1]
    const result = await octo(sb, ['pool', 'update', 'Hosted', '--worker-type', target, '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const doc = parseJson(result)
    expect(doc).toMatchObject({Name: 'Hosted', WorkerType: target, Changes: [{Field: 'WorkerType', From: workerTypes[0], To: target}]})
    expect((await poolByName(sb, 'Hosted'))!.WorkerType).toBe(target)
  })

  it('values equal to the current ones change nothing, exit 0', async () => {
    const before = await poolsOf(sb)
    const result = await octo(sb, ['pool', 'update', 'Windows', '--name', 'Windows'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain('already has those values; nothing changed.')
    expect(await poolsOf(sb)).toEqual(before)
  })

  describe('bad input changes nothing', () => {
    it('nothing to change: exit 2', async () => {
      await expectRejected(sb, ['pool', 'update', 'Windows'], 2, 'Nothing to change: give --name, --description or --worker-type.')
    })
    it('--worker-type on a static pool: exit 2', async () => {
      await expectRejected(sb, ['pool', 'update', 'Windows', '--worker-type', workerTypes[0]], 2, "--worker-type applies only to dynamic pools; 'Windows' is a static pool.")
    })
    it('an unknown worker type: exit 2 listing the valid ones', async () => {
      await expectRejected(sb, ['pool', 'update', 'Hosted', '--worker-type', 'Solaris'], 2, `Valid worker types: ${workerTypes.join(', ')}`)
    })
    it('an empty or over-long --name: exit 2', async () => {
      await expectRejected(sb, ['pool', 'update', 'Windows', '--name', ''], 2, '--name must not be empty.')
      await expectRejected(sb, ['pool', 'update', 'Windows', '--name', 'w'.repeat(201)], 2, '--name is 201 characters long; the limit is 200.')
    })
    it('an unknown pool, by name or ID: exit 4 (close matches for a name)', async () => {
      await expectRejected(sb, ['pool', 'update', 'Windos', '--description', 'x'], 4, "Worker pool 'Windos' not found. Did you mean: 'Windows'")
      await expectRejected(sb, ['pool', 'update', 'WorkerPools-999', '--description', 'x'], 4, "Worker pool 'WorkerPools-999' not found.")
    })
    it('renaming to another pool\'s name: exit 1', async () => {
      await expectRejected(sb, ['pool', 'update', 'Windows', '--name', 'HOSTED'], 1, "Cannot rename 'Windows' to 'HOSTED'")
    })
  })
})

describe('pool set-default', () => {
  it('moves the default flag (table form)', async () => {
    const result = await octo(sb, ['pool', 'set-default', 'Windows'])
    expect(result.exitCode, result.stderr).toBe(0)
    const windows = await poolByName(sb, 'Windows')
    expect(result.stdout.trim()).toBe(`'Windows' (${windows!.Id}) is now the default worker pool (was 'Default Worker Pool').`)
    expect((await poolsOf(sb)).filter((p) => p.IsDefault).map((p) => p.Name)).toEqual(['Windows'])
  })

  it('--json gives the pool, Changed and PreviousDefault', async () => {
    const result = await octo(sb, ['pool', 'set-default', 'Default Worker Pool', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const windows = await poolByName(sb, 'Windows')
    expect(parseJson(result)).toMatchObject({Name: 'Default Worker Pool', IsDefault: true, Changed: true, PreviousDefault: {Id: windows!.Id, Name: 'Windows'}})
    expect((await poolsOf(sb)).filter((p) => p.IsDefault).map((p) => p.Name)).toEqual(['Default Worker Pool'])
  })

  it('an already-default pool is reported, exit 0, nothing changed', async () => {
    const before = await poolsOf(sb)
    const result = await octo(sb, ['pool', 'set-default', 'default worker pool'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain('is already the default worker pool; nothing changed.')
    const json = await octo(sb, ['pool', 'set-default', 'Default Worker Pool', '--json'])
    expect(parseJson(json)).toMatchObject({Changed: false})
    expect(await poolsOf(sb)).toEqual(before)
  })

  it('an unknown pool, by name or ID: exit 4, nothing changed', async () => {
    await expectRejected(sb, ['pool', 'set-default', 'Nowhere'], 4, "Worker pool 'Nowhere' not found.")
    await expectRejected(sb, ['pool', 'set-default', 'WorkerPools-999'], 4, "Worker pool 'WorkerPools-999' not found.")
  })
})
