import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {DOWN, ENTER, echoedCommand, runInPty, shellWords} from '../../helpers/pty.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {octo, poolByName, poolsOf} from './helpers.js'

let sb: Sandbox
let env: Record<string, string>
let workerTypes: string[]

beforeAll(async () => {
  sb = await startTestSandbox({seed: 'empty'})
  env = {OCTOPUS_URL: sb.url, OCTOPUS_API_KEY: sb.apiKey}
  workerTypes = (await api(sb, 'GET', '/api/Spaces-1/workerpools/dynamicworkertypes')).body.WorkerTypes.map((t: any) => t.Type)
})
afterAll(async () => sb?.close())

describe('pool create, interactive (under a pseudo-terminal)', () => {
  it('asks for name, type and worker type, creates the pool, and prints the equivalent command', async () => {
    const result = await runInPty(['pool', 'create'], env, [
      {waitFor: 'Pool name:', send: `Bob's cloud pool${ENTER}`},
      {waitFor: 'Pool type:', send: `${DOWN}${ENTER}`},
      {waitFor: 'Worker type:', send: `${DOWN}${ENTER}`},
    ])
    expect(result.exitCode, result.screen).toBe(0)
    const pool = await poolByName(sb, "Bob's cloud pool")
    expect(pool).toMatchObject({WorkerPoolType: 'DynamicWorkerPool', WorkerType: workerTypes[1]})
    expect(result.screen).toContain(`Created dynamic worker pool 'Bob's cloud pool' (${pool!.Id}).`)
    const echo = echoedCommand(result.screen)
    expect(echo).toBe(`octoworkers pool create 'Bob'\\''s cloud pool' --type dynamic --worker-type ${workerTypes[1]}`)

    // The echoed command really is equivalent: run without prompts it finds the same pool.
    const words = shellWords(echo)
    expect(words.slice(0, 3)).toEqual(['octoworkers', 'pool', 'create'])
    const before = await poolsOf(sb)
    const again = await octo(sb, [...words.slice(1), '--if-not-exists', '--no-prompt'])
    expect(again.exitCode, again.stderr).toBe(0)
    expect(again.stdout).toContain(`Worker pool 'Bob's cloud pool' (${pool!.Id}) already exists as a dynamic pool; nothing changed.`)
    expect(await poolsOf(sb)).toEqual(before)
  })

  it('asks only for what is missing, and the echo keeps the options given', async () => {
    const result = await runInPty(['pool', 'create', 'Linux build', '--description', 'CI builds', '--sort-order', '4'], env, [
      {waitFor: 'Pool type:', send: ENTER},
    ])
    expect(result.exitCode, result.screen).toBe(0)
    expect(result.screen).not.toContain('Pool name:')
    expect(result.screen).not.toContain('Worker type:')
    expect(await poolByName(sb, 'Linux build')).toMatchObject({WorkerPoolType: 'StaticWorkerPool', Description: 'CI builds', SortOrder: 4})
    expect(echoedCommand(result.screen)).toBe("octoworkers pool create 'Linux build' --type static --description 'CI builds' --sort-order 4")
  })

  it('prints no echo when nothing was asked', async () => {
    const result = await runInPty(['pool', 'create', 'Complete', '--type', 'static'], env, [])
    expect(result.exitCode, result.screen).toBe(0)
    expect(result.screen).not.toContain('To do this without prompts')
    expect(await poolByName(sb, 'Complete')).toBeDefined()
  })

  it('pool delete asks for the name to be typed; a wrong answer deletes nothing', async () => {
    const wrong = await runInPty(['pool', 'delete', 'Complete'], env, [{waitFor: "Type the name 'Complete'", send: `complete-ish${ENTER}`}])
    expect(wrong.exitCode, wrong.screen).toBe(2)
    expect(wrong.screen).toContain('Confirmation did not match; nothing was changed.')
    expect(await poolByName(sb, 'Complete')).toBeDefined()
    const right = await runInPty(['pool', 'delete', 'Complete'], env, [{waitFor: "Type the name 'Complete'", send: `Complete${ENTER}`}])
    expect(right.exitCode, right.screen).toBe(0)
    expect(right.screen).toContain("'Complete'")
    expect(right.screen).toContain('holds no workers.')
    expect(await poolByName(sb, 'Complete')).toBeUndefined()
  })

  it('a server name in a confirmation prompt is shown escaped: it cannot forge a line', async () => {
    const created = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 'evil\nError: forged line', WorkerPoolType: 'StaticWorkerPool'})
    expect(created.status).toBe(201)
    const result = await runInPty(['pool', 'delete', created.body.Id], env, [{waitFor: 'Type the name', send: `no${ENTER}`}])
    expect(result.exitCode, result.screen).toBe(2)
    expect(result.screen).toContain('evil\\nError: forged line')
    expect(result.screen.split('\n').filter((l) => l.trimStart().startsWith('Error: forged'))).toEqual([])
    expect((await api(sb, 'GET', `/api/Spaces-1/workerpools/${created.body.Id}`)).status).toBe(200)
  })
})
