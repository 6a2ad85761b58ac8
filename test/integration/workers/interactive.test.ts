import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {DOWN, ENTER, SPACE, echoedCommand, runInPty, shellWords} from '../../helpers/pty.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {SHA_FINGERPRINT, THUMB, octo, workerByName, workersOf} from './helpers.js'

let sb: Sandbox
let env: Record<string, string>

beforeAll(async () => {
  sb = await startTestSandbox({seed: 'empty'})
  env = {OCTOPUS_URL: sb.url, OCTOPUS_API_KEY: sb.apiKey}
  for (const body of [{Name: 'Linux build', WorkerPoolType: 'StaticWorkerPool'}, {Name: 'Hosted', WorkerPoolType: 'DynamicWorkerPool', WorkerType: (await api(sb, 'GET', '/api/Spaces-1/workerpools/dynamicworkertypes')).body.WorkerTypes[0].Type}]) {
    const created = await api(sb, 'POST', '/api/Spaces-1/workerpools', body)
    expect(created.status, created.text).toBe(201)
  }
  const account = await api(sb, 'POST', '/api/Spaces-1/accounts', {Name: "Ops' key", AccountType: 'SshKeyPair', Username: 'ops', PrivateKeyFile: {HasValue: true, NewValue: 'a2V5'}})
  expect(account.status, account.text).toBe(201)
})
afterAll(async () => sb?.close())

describe('worker register, interactive (under a pseudo-terminal)', () => {
  it('listening: prompts for everything missing (pools as a multi-select of static pools), then echoes a reusable command, thumbprint included', async () => {
    const result = await runInPty(['worker', 'register', 'listening'], env, [
      {waitFor: 'Worker name:', send: `Bob's box${ENTER}`},
      {waitFor: 'Worker pools', send: `${SPACE}${DOWN}${SPACE}${ENTER}`},
      {waitFor: 'Listening URL', send: `https://bobs-box.example.com:10933${ENTER}`},
      {waitFor: 'Tentacle thumbprint', send: `${THUMB.toLowerCase()}${ENTER}`},
    ])
    expect(result.exitCode, result.screen).toBe(0)
    expect(result.screen).not.toContain('Hosted') // a dynamic pool is never offered
    const w = await workerByName(sb, "Bob's box")
    expect(w).toMatchObject({WorkerPoolIds: ['WorkerPools-1', 'WorkerPools-2'], Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: 'https://bobs-box.example.com:10933/', Thumbprint: THUMB}})
    expect(result.screen).toContain(`Registered Listening worker 'Bob's box' (${w!.Id}) in 'Default Worker Pool', 'Linux build'.`)
    const echo = echoedCommand(result.screen)
    expect(echo).toBe(`octoworkers worker register listening 'Bob'\\''s box' --pool 'Default Worker Pool' --pool 'Linux build' --url https://bobs-box.example.com:10933/ --thumbprint ${THUMB}`)

    // The echoed command, as it stands, is the same registration.
    const words = shellWords(echo)
    const before = await workersOf(sb)
    const again = await octo(sb, [...words.slice(1), '--if-not-exists', '--no-prompt'])
    expect(again.exitCode, again.stderr).toBe(0)
    expect(again.stdout).toContain('already exists with this endpoint; nothing was changed.')
    expect(await workersOf(sb)).toEqual(before)
  })

  it('ssh: asks only for what the flags left out, the account as a choice, and the echo keeps the flags given', async () => {
    const result = await runInPty(['worker', 'register', 'ssh', 'ssh-01', '--host', 'ssh-01.example.com', '--port', '2222', '--fingerprint', SHA_FINGERPRINT, '--disabled'], env, [
      {waitFor: 'Worker pools', send: `${DOWN}${SPACE}${ENTER}`},
      {waitFor: 'SSH account:', send: ENTER},
    ])
    expect(result.exitCode, result.screen).toBe(0)
    expect(result.screen).not.toContain('Worker name:')
    expect(result.screen).not.toContain('SSH host:')
    expect(result.screen).not.toContain('fingerprint (')
    const w = await workerByName(sb, 'ssh-01')
    expect(w).toMatchObject({IsDisabled: true, WorkerPoolIds: ['WorkerPools-2'], Endpoint: {CommunicationStyle: 'Ssh', Host: 'ssh-01.example.com', Port: 2222, Fingerprint: SHA_FINGERPRINT}})
    expect(echoedCommand(result.screen)).toBe(`octoworkers worker register ssh ssh-01 --pool 'Linux build' --host ssh-01.example.com --port 2222 --fingerprint ${SHA_FINGERPRINT} --account 'Ops'\\'' key' --disabled`)
  })

  it('a run with every value given prompts for nothing and echoes nothing', async () => {
    const result = await runInPty(['worker', 'register', 'polling', 'poller-01', '--pool', 'Linux build', '--subscription-id', 'abc123', '--thumbprint', THUMB], env, [])
    expect(result.exitCode, result.screen).toBe(0)
    expect(result.screen).not.toContain('To do this without prompts:')
    expect((await workerByName(sb, 'poller-01'))?.Endpoint.Uri).toBe('poll://abc123/')
  })

  it('delete on a terminal asks for the name to be typed; a wrong answer deletes nothing', async () => {
    const wrong = await runInPty(['worker', 'delete', 'poller-01'], env, [{waitFor: "Type the name 'poller-01'", send: `poller-02${ENTER}`}])
    expect(wrong.exitCode, wrong.screen).toBe(2)
    expect(wrong.screen).toContain('Confirmation did not match; nothing was changed.')
    expect(await workerByName(sb, 'poller-01')).toBeDefined()
    const right = await runInPty(['worker', 'delete', 'poller-01'], env, [{waitFor: "Type the name 'poller-01'", send: `poller-01${ENTER}`}])
    expect(right.exitCode, right.screen).toBe(0)
    expect(right.screen).toContain('poller-01: deleted')
    expect(await workerByName(sb, 'poller-01')).toBeUndefined()
  })
})
