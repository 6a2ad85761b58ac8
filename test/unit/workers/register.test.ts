import {describe, expect, it} from 'vitest'
import {decideRegistration, draftFromInput, equivalentCommand, missingFields, registrationWarnings, requireComplete, resolveRegistration} from '../../../src/app/workers/register.js'
import type {RegisterSnapshot} from '../../../src/app/workers/register-draft.js'
import {promptForMissing} from '../../../src/cli/prompts/worker-register.js'
import {describeRegistration, registrationWarningLine} from '../../../src/views/workers.js'
import {terminalSafeLine} from '../../../src/ui/safe.js'
import type {Questions} from '../../../src/ui/prompter.js'
import {THUMB, pool, worker} from './fixtures.js'

const pools = [pool('WorkerPools-1', 'Default Worker Pool'), pool('WorkerPools-2', 'Linux Workers'), pool('WorkerPools-6', 'Hosted Ubuntu', 'DynamicWorkerPool')]
const accounts = [{Id: 'Accounts-1', Name: 'Staging SSH key', AccountType: 'SshKeyPair'}, {Id: 'Accounts-3', Name: 'Azure', AccountType: 'AzureServicePrincipal'}]
const snapshot = (over: Partial<RegisterSnapshot> = {}): RegisterSnapshot => ({pools, sameName: [], machinePolicies: [{Id: 'MachinePolicies-1', Name: 'Default Machine Policy'} as any], accounts, proxies: [{Id: 'Proxies-1', Name: 'Corporate proxy'}], ...over})
const listeningInput = {name: 'build-01', pool: ['linux workers'], url: 'https://build-01.example.com:10933', thumbprint: THUMB.toLowerCase()}

describe('draftFromInput', () => {
  it('normalises what was typed', () => {
    const draft = draftFromInput('listening', listeningInput)
    expect(draft).toMatchObject({type: 'listening', name: 'build-01', pools: ['linux workers'], url: 'https://build-01.example.com:10933/', thumbprint: THUMB, mode: 'create', disabled: false})
  })
  it('takes the polling ID from --uri', () => expect(draftFromInput('polling', {uri: 'poll://abc123/'}).subscriptionId).toBe('abc123'))
  it.each([
    [{ifNotExists: true, force: true}, /cannot be used together/],
    [{subscriptionId: 'a', uri: 'poll://a/'}, /not both/],
    [{pool: ['']}, /--pool must not be empty/],
    [{name: ''}, /must not be empty/],
    [{port: '0'}, /not a valid port/],
    [{thumbprint: 'abc'}, /40 hexadecimal/],
  ])('rejects %j with exit 2', (input, message) => {
    expect(() => draftFromInput('polling', input)).toThrow(message)
    expect(() => draftFromInput('polling', input)).toThrow(expect.objectContaining({exitCode: 2}))
  })
  it('lists what is missing per type', () => {
    expect(missingFields(draftFromInput('listening', {name: 'x'}))).toEqual(['pools', 'url', 'thumbprint'])
    expect(missingFields(draftFromInput('polling', {}))).toEqual(['name', 'pools', 'subscriptionId', 'thumbprint'])
    expect(missingFields(draftFromInput('ssh', {name: 'x', pool: ['p'], host: 'h'}))).toEqual(['fingerprint', 'account'])
    expect(() => requireComplete(draftFromInput('ssh', {name: 'x'}))).toThrow(/Missing --pool, --host, --fingerprint, --account \(prompts are off/)
  })
})

describe('resolveRegistration', () => {
  it('resolves pools by name or ID, case-insensitively', () => {
    const plan = resolveRegistration(draftFromInput('listening', {...listeningInput, pool: ['LINUX WORKERS', 'WorkerPools-1']}), snapshot())
    expect(plan.pools.map((p) => p.Id)).toEqual(['WorkerPools-2', 'WorkerPools-1'])
  })
  it('refuses a dynamic pool with exit 2', () => {
    expect(() => resolveRegistration(draftFromInput('listening', {...listeningInput, pool: ['Hosted Ubuntu']}), snapshot())).toThrow(expect.objectContaining({exitCode: 2, message: expect.stringMatching(/dynamic pools take no workers/)}))
  })
  it.each([
    [{pool: ['Linux Worker']}, /Worker pool 'Linux Worker' not found. Did you mean: 'Linux Workers'/],
    [{machinePolicy: 'Defualt Machine Policy'}, /Machine policy 'Defualt Machine Policy' not found/],
    [{proxy: 'Proxies-9'}, /Proxy 'Proxies-9' not found/],
  ])('unknown names are exit 4: %j', (over, message) => {
    const run = () => resolveRegistration(draftFromInput('listening', {...listeningInput, ...over}), snapshot())
    expect(run).toThrow(message)
    expect(run).toThrow(expect.objectContaining({exitCode: 4}))
  })
  it('needs an SSH-capable account', () => {
    const ssh = {name: 's', pool: ['Linux Workers'], host: 'h', fingerprint: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU'}
    expect(resolveRegistration(draftFromInput('ssh', {...ssh, account: 'staging ssh key'}), snapshot()).spec).toMatchObject({type: 'ssh', accountId: 'Accounts-1', port: 22})
    expect(() => resolveRegistration(draftFromInput('ssh', {...ssh, account: 'Azure'}), snapshot())).toThrow(expect.objectContaining({exitCode: 2}))
    expect(() => resolveRegistration(draftFromInput('ssh', {...ssh, account: 'nope'}), snapshot())).toThrow(expect.objectContaining({exitCode: 4}))
  })
})

describe('decideRegistration', () => {
  const existing = worker('Workers-7', 'Build-01', {WorkerPoolIds: ['WorkerPools-1'], Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: 'https://build-01.example.com:10933/', Thumbprint: THUMB, Id: 'ep-7'}})
  const plan = (input: object, same = [existing]) => resolveRegistration(draftFromInput('listening', {...listeningInput, ...input}), snapshot({sameName: same}))

  it('creates when the name is free, with the full body', () => {
    expect(decideRegistration(plan({disabled: true, machinePolicy: 'Default Machine Policy', proxy: 'Corporate proxy'}, []))).toEqual({
      action: 'create',
      body: {
        Name: 'build-01', WorkerPoolIds: ['WorkerPools-2'], MachinePolicyId: 'MachinePolicies-1', IsDisabled: true,
        Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: 'https://build-01.example.com:10933/', Thumbprint: THUMB, ProxyId: 'Proxies-1'},
      },
    })
  })
  it('fails (exit 1) on an existing name without --if-not-exists or --force', () => {
    expect(() => decideRegistration(plan({}))).toThrow(expect.objectContaining({exitCode: 1, message: expect.stringMatching(/already exists \(Workers-7\)/)}))
  })
  it('--if-not-exists: unchanged when the endpoint is the same (name compared case-insensitively)', () => {
    expect(decideRegistration(plan({ifNotExists: true})).action).toBe('unchanged')
  })
  it('--if-not-exists: exit 1 when the endpoint differs', () => {
    expect(() => decideRegistration(plan({ifNotExists: true, url: 'https://other:10933/'}))).toThrow(expect.objectContaining({exitCode: 1, message: expect.stringMatching(/different endpoint/)}))
  })
  it('--force: updates the existing document in place, keeping its Id and endpoint Id', () => {
    const decision = decideRegistration(plan({force: true, url: 'https://other:10933/'}))
    expect(decision.action).toBe('update')
    if (decision.action !== 'update') return
    expect(decision.worker).toMatchObject({Id: 'Workers-7', Name: 'build-01', WorkerPoolIds: ['WorkerPools-2'], Uri: 'https://other:10933/', Endpoint: {Id: 'ep-7', Uri: 'https://other:10933/', CommunicationStyle: 'TentaclePassive'}})
  })
  it('--force across endpoint styles drops the old style\'s fields', () => {
    const p = resolveRegistration(draftFromInput('polling', {name: 'build-01', pool: ['Linux Workers'], subscriptionId: 'abc', thumbprint: THUMB, force: true}), snapshot({sameName: [{...existing, Endpoint: {...existing.Endpoint!, ProxyId: 'Proxies-1'}}]}))
    const decision = decideRegistration(p)
    if (decision.action !== 'update') throw new Error('expected update')
    expect(decision.worker.Endpoint).toEqual({Id: 'ep-7', CommunicationStyle: 'TentacleActive', Uri: 'poll://abc/', Thumbprint: THUMB})
  })
})

describe('equivalentCommand', () => {
  it('echoes every choice with names, quoting, and the thumbprint in full, as stored', () => {
    const p = resolveRegistration(draftFromInput('listening', {...listeningInput, thumbprint: '0e:80:57:5d:3b:d8:d3:08:54:80:2a:4e:83:40:a2:e2:3a:e9:61:fd', pool: ['WorkerPools-2', 'WorkerPools-1'], disabled: true, proxy: 'Proxies-1', ifNotExists: true}), snapshot())
    const text = equivalentCommand(p, {space: 'Default'})
    expect(text).toBe(`octoworkers worker register listening build-01 --space Default --pool 'Linux Workers' --pool 'Default Worker Pool' --url https://build-01.example.com:10933/ --thumbprint ${THUMB} --proxy 'Corporate proxy' --disabled --if-not-exists`)
  })
  it('echoes SSH with a non-default port and the account by name', () => {
    const p = resolveRegistration(draftFromInput('ssh', {name: "it's", pool: ['Linux Workers'], host: 'h', port: '2222', fingerprint: '1f:2e:3d:4c:5b:6a:79:88:97:a6:b5:c4:d3:e2:f1:00', account: 'Accounts-1', platform: 'linux-arm64'}), snapshot())
    expect(equivalentCommand(p)).toBe(`octoworkers worker register ssh 'it'\\''s' --pool 'Linux Workers' --host h --port 2222 --fingerprint 1f:2e:3d:4c:5b:6a:79:88:97:a6:b5:c4:d3:e2:f1:00 --account 'Staging SSH key' --platform linux-arm64`)
  })
})

describe('promptForMissing', () => {
  function fakePrompter(answers: Record<string, string | string[]>): Questions & {asked: string[]} {
    const asked: string[] = []
    const answer = (message: string) => {
      asked.push(message)
      const key = Object.keys(answers).find((k) => message.includes(k))
      if (!key) throw new Error(`unexpected prompt ${message}`)
      return answers[key]
    }
    return {
      asked,
      input: async (message, opts) => {
        const value = answer(message) as string
        if (!opts?.validate) throw new Error(`asked without a validator: ${message}`)
        if (opts.validate(value) !== true) throw new Error(`validator rejected ${value}`)
        return value
      },
      checkbox: async (message, choices) => {
        expect(choices.map((c) => c.value)).toEqual(['WorkerPools-1', 'WorkerPools-2']) // static pools only
        return answer(message) as Array<(typeof choices)[number]['value']>
      },
      select: async (message, choices) => {
        expect(choices.map((c) => c.value)).toEqual(['Accounts-1']) // SSH-capable accounts only
        return answer(message) as (typeof choices)[number]['value']
      },
    }
  }
  it('asks only for what is missing, and validates answers', async () => {
    const draft = draftFromInput('listening', {name: 'build-01', url: 'https://h:10933/'})
    const prompter = fakePrompter({'Worker pools': ['WorkerPools-2'], thumbprint: THUMB.toLowerCase()})
    const done = await promptForMissing(draft, missingFields(draft), {pools, accounts}, prompter)
    expect(prompter.asked).toHaveLength(2)
    expect(done).toMatchObject({pools: ['WorkerPools-2'], thumbprint: THUMB, name: 'build-01'})
    expect(missingFields(done)).toEqual([])
  })
  it('the input validators return the same message the flags give', async () => {
    const draft = draftFromInput('polling', {name: 'p', pool: ['x'], thumbprint: THUMB})
    const prompter = fakePrompter({'subscription ID': 'bad id'})
    await expect(promptForMissing(draft, missingFields(draft), {pools, accounts}, prompter)).rejects.toThrow(/validator rejected bad id/)
  })
  it('chooses the SSH account from a list', async () => {
    const draft = draftFromInput('ssh', {name: 's', pool: ['x'], host: 'h', fingerprint: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU'})
    const done = await promptForMissing(draft, missingFields(draft), {pools, accounts}, fakePrompter({'SSH account': 'Accounts-1'}))
    expect(done.account).toBe('Accounts-1')
  })
})

describe('registrationWarnings', () => {
  /** The warnings as `worker register` prints them. */
  const warningLines = (...args: Parameters<typeof registrationWarnings>) => registrationWarnings(...args).map(registrationWarningLine)
  const plan = (input: Record<string, unknown> = {}, type: 'listening' | 'polling' = 'listening') =>
    resolveRegistration(draftFromInput(type, type === 'listening' ? {...listeningInput, ...input} : {name: 'poller-01', pool: ['Linux Workers'], subscriptionId: 'abc', thumbprint: THUMB, ...input}), snapshot())
  it('none for an https URL whose thumbprint no other worker has', () => {
    expect(warningLines(plan(), {sameThumbprint: []})).toEqual([])
  })
  it('a plain http:// listening URL', () => {
    expect(warningLines(plan({url: 'http://build-01.example.com:10933/'}), {sameThumbprint: []})).toEqual([
      '--url http://build-01.example.com:10933/ is plain http://: Octopus talks to a listening Tentacle over TLS, so its health check will fail unless the URL is https://.',
    ])
  })
  it('another name with the same URL (any case, no trailing slash) and thumbprint; not the same name, another URL, or the worker --force updates', () => {
    const twin = worker('Workers-3', 'old-name', {Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: 'https://BUILD-01.example.com:10933', Thumbprint: THUMB}})
    const elsewhere = worker('Workers-4', 'elsewhere', {Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: 'https://other.example.com:10933/', Thumbprint: THUMB}})
    const sameName = worker('Workers-5', 'BUILD-01', {Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: 'https://build-01.example.com:10933/', Thumbprint: THUMB}})
    expect(warningLines(plan(), {sameThumbprint: [twin, elsewhere, sameName]})).toEqual([
      "Listening worker 'old-name' (Workers-3) already has this URL and thumbprint: both would be the same Tentacle under two names.",
    ])
    const forced = {...plan(), existing: twin}
    expect(warningLines(forced, {sameThumbprint: [twin]})).toEqual([])
  })
  it('a polling Tentacle with the same subscription and thumbprint; SSH never', () => {
    const twin = worker('Workers-6', 'poller-old', {Endpoint: {CommunicationStyle: 'TentacleActive', Uri: 'poll://abc/', Thumbprint: THUMB}})
    expect(warningLines(plan({}, 'polling'), {sameThumbprint: [twin]})).toEqual([
      "Polling worker 'poller-old' (Workers-6) already has this polling address and thumbprint: both would be the same Tentacle under two names.",
    ])
    const ssh = resolveRegistration(draftFromInput('ssh', {name: 's', pool: ['Linux Workers'], host: 'h', fingerprint: '1f:2e:3d:4c:5b:6a:79:88:97:a6:b5:c4:d3:e2:f1:00', account: 'Accounts-1'}), snapshot())
    expect(warningLines(ssh, {sameThumbprint: [twin]})).toEqual([])
  })
  it('are data: the kind, and the worker or URL it is about', () => {
    const twin = worker('Workers-6', 'poller-old', {Endpoint: {CommunicationStyle: 'TentacleActive', Uri: 'poll://abc/', Thumbprint: THUMB}})
    expect(registrationWarnings(plan({}, 'polling'), {sameThumbprint: [twin]})).toEqual([{kind: 'same-tentacle', worker: twin, address: 'polling-address'}])
    expect(registrationWarnings(plan({url: 'http://build-01.example.com:10933/'}), {sameThumbprint: []})).toEqual([{kind: 'plain-http-url', url: 'http://build-01.example.com:10933/'}])
  })
  it('a hostile worker name stays on its line through the warning writer', () => {
    const twin = worker('Workers-3', 'evil\n\u001B[31mError: forged', {Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: 'https://build-01.example.com:10933/', Thumbprint: THUMB}})
    expect(warningLines(plan(), {sameThumbprint: [twin]}).map((line) => terminalSafeLine(line))).toEqual([
      "Listening worker 'evil\\n\\e[31mError: forged' (Workers-3) already has this URL and thumbprint: both would be the same Tentacle under two names.",
    ])
  })
})

describe('describeRegistration', () => {
  it('names the type as every other command does (Listening, Polling, SSH)', () => {
    const p = resolveRegistration(draftFromInput('ssh', {name: 'ssh-01', pool: ['Linux Workers'], host: 'h', fingerprint: '1f:2e:3d:4c:5b:6a:79:88:97:a6:b5:c4:d3:e2:f1:00', account: 'Accounts-1'}), snapshot())
    const created = worker('Workers-9', 'ssh-01', {Endpoint: {CommunicationStyle: 'Ssh', Host: 'h', Port: 22}})
    expect(describeRegistration({action: 'created', plan: p, worker: {...created, WorkerPoolNames: ['Linux Workers']}})).toBe("Registered SSH worker 'ssh-01' (Workers-9) in 'Linux Workers'.")
    const l = resolveRegistration(draftFromInput('listening', listeningInput), snapshot())
    const existing = {...worker('Workers-2', 'build-01'), WorkerPoolNames: ['Linux Workers']}
    expect(describeRegistration({action: 'unchanged', plan: l, worker: existing})).toBe("Listening worker 'build-01' (Workers-2) already exists with this endpoint; nothing was changed.")
    expect(describeRegistration({action: 'updated', plan: l, worker: existing})).toBe("Updated Listening worker 'build-01' (Workers-2) in place: now https://build-01.example.com:10933/ in 'Linux Workers'.")
  })
})
