import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson} from '../../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {expectRejected, octo, poolByName, poolsOf} from './helpers.js'

let sb: Sandbox
let workerTypes: string[]

beforeAll(async () => {
  sb = await startTestSandbox({seed: 'empty'})
  workerTypes = (await api(sb, 'GET', '/api/Spaces-1/workerpools/dynamicworkertypes')).body.WorkerTypes.map((t: any) => t.Type)
})
afterAll(async () => sb?.close())

describe('pool create', () => {
  it('creates a static pool with description and sort order (table form)', async () => {
    const result = await octo(sb, ['pool', 'create', 'Linux workers', '--description', 'Builds on Linux', '--sort-order', '7'])
    expect(result.exitCode, result.stderr).toBe(0)
    const pool = await poolByName(sb, 'Linux workers')
    expect(pool).toMatchObject({WorkerPoolType: 'StaticWorkerPool', Description: 'Builds on Linux', SortOrder: 7, IsDefault: false})
    expect(result.stdout.trim()).toBe(`Created static worker pool 'Linux workers' (${pool!.Id}).`)
  })

  it('creates a dynamic pool (--json), matching the worker type case-insensitively', async () => {
    const type = workerTypes[0]
    const result = await octo(sb, ['pool', 'create', 'Hosted', '--type', 'dynamic', '--worker-type', type.toLowerCase(), '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const doc = parseJson(result)
    const pool = await poolByName(sb, 'Hosted')
    expect(doc).toMatchObject({Id: pool!.Id, Name: 'Hosted', WorkerPoolType: 'DynamicWorkerPool', WorkerType: type, Created: true})
    expect(doc.Links).toBeUndefined()
    // The server's resource and Created, nothing else (what only the text form shows stays out).
    expect(Object.keys(doc)).toEqual([...Object.keys(pool!).filter((k) => k !== 'Links'), 'Created'])
  })

  it('--default makes the new pool the default and moves the flag, warning on stderr that it has no workers (exit 0)', async () => {
    const result = await octo(sb, ['pool', 'create', 'New default', '--default', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(parseJson(result)).toMatchObject({Name: 'New default', IsDefault: true, Created: true})
    expect(result.stderr.trim()).toBe("Warning: 'New default' is now the default worker pool but has no workers: steps that use the default pool have none to run on until you register some " +
      "(e.g. `octoworkers worker register listening <name> --pool 'New default' ...`).")
    const defaults = (await poolsOf(sb)).filter((p) => p.IsDefault).map((p) => p.Name)
    expect(defaults).toEqual(['New default'])
    // Put the original default back for the other tests.
    expect((await octo(sb, ['pool', 'set-default', 'Default Worker Pool'])).exitCode).toBe(0)
  })

  it('no warning without --default', async () => {
    const result = await octo(sb, ['pool', 'create', 'Not default'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toBe('')
  })

  it('--if-not-exists with the same name (any case) and type: exit 0, nothing changed', async () => {
    const before = await poolsOf(sb)
    const table = await octo(sb, ['pool', 'create', 'LINUX WORKERS', '--if-not-exists'])
    expect(table.exitCode, table.stderr).toBe(0)
    expect(table.stdout).toContain("Worker pool 'Linux workers'")
    expect(table.stdout).toContain('already exists as a static pool; nothing changed.')
    const json = await octo(sb, ['pool', 'create', 'hosted', '--type', 'dynamic', '--worker-type', workerTypes[0], '--if-not-exists', '--json'])
    expect(json.exitCode, json.stderr).toBe(0)
    expect(parseJson(json)).toMatchObject({Name: 'Hosted', Created: false})
    expect(await poolsOf(sb)).toEqual(before)
  })

  it('--if-not-exists with the same name but another type: exit 1, nothing changed', async () => {
    await expectRejected(sb, ['pool', 'create', 'linux workers', '--type', 'dynamic', '--worker-type', workerTypes[0], '--if-not-exists'], 1,
      "A static pool named 'Linux workers'")
    const json = await octo(sb, ['pool', 'create', 'Hosted', '--if-not-exists', '--json'])
    expect(json.exitCode).toBe(1)
    expect(parseJson(json).Error).toMatchObject({Code: 'conflict', ExitCode: 1, Message: expect.stringContaining('it cannot also be static')})
  })

  it('an existing name without --if-not-exists: exit 1 with a hint, nothing changed', async () => {
    const result = await expectRejected(sb, ['pool', 'create', 'Linux Workers'], 1, "A pool named 'Linux workers' already exists")
    expect(result.stderr).toContain('--if-not-exists')
  })

  describe('bad input: exit 2, nothing changed', () => {
    it('an empty name', async () => {
      await expectRejected(sb, ['pool', 'create', ''], 2, 'Pool name must not be empty.')
      await expectRejected(sb, ['pool', 'create', '   '], 2, 'Pool name must not be empty.')
    })
    it('a name over 200 characters (200 is fine)', async () => {
      await expectRejected(sb, ['pool', 'create', 'x'.repeat(201)], 2, 'Pool name is 201 characters long; the limit is 200.')
      const ok = await octo(sb, ['pool', 'create', 'y'.repeat(200)])
      expect(ok.exitCode, ok.stderr).toBe(0)
    })
    it('no name when prompts are off', async () => {
      await expectRejected(sb, ['pool', 'create', '--no-prompt'], 2, 'Missing the pool name.')
    })
    it.each([['-1'], ['1.5'], ['abc']])('--sort-order %s', async (value) => {
      await expectRejected(sb, ['pool', 'create', 'Sorted', `--sort-order=${value}`], 2, `--sort-order must be a whole number (0 or more), not '${value}'.`)
    })
    it('--worker-type on a static pool (explicit or default type)', async () => {
      await expectRejected(sb, ['pool', 'create', 'S', '--type', 'static', '--worker-type', workerTypes[0]], 2, '--worker-type applies only to dynamic pools')
      await expectRejected(sb, ['pool', 'create', 'S', '--worker-type', workerTypes[0]], 2, 'Add --type dynamic')
    })
    it('a dynamic pool without --worker-type lists the valid types', async () => {
      await expectRejected(sb, ['pool', 'create', 'D', '--type', 'dynamic'], 2, `A dynamic pool needs --worker-type. Valid worker types: ${workerTypes.join(', ')}.`)
    })
    it('an unknown worker type lists the valid types (also in --json)', async () => {
      await expectRejected(sb, ['pool', 'create', 'D', '--type', 'dynamic', '--worker-type', 'Ubuntu1404'], 2, `Unknown worker type 'Ubuntu1404'. Valid worker types: ${workerTypes.join(', ')}.`)
      const json = await octo(sb, ['pool', 'create', 'D', '--type', 'dynamic', '--worker-type', 'Ubuntu1404', '--json'])
      expect(json.exitCode).toBe(2)
      expect(parseJson(json).Error).toMatchObject({ExitCode: 2, ValidWorkerTypes: workerTypes})
    })
    it('an unknown --type', async () => {
      await expectRejected(sb, ['pool', 'create', 'T', '--type', 'elastic'], 2, 'elastic')
    })
  })
})
