import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson} from '../../helpers/cli.js'
import {startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {SHA_FINGERPRINT, THUMB, expectRejected, octo, workerByName, workersOf} from './helpers.js'

let sb: Sandbox

beforeAll(async () => {
  sb = await startTestSandbox({seed: 'demo'})
})
afterAll(async () => sb?.close())

const listening = (name: string, ...more: string[]) => ['worker', 'register', 'listening', name, '--pool', 'Empty Windows Worker Pool', '--url', `https://${name}.example.com:10933/`, '--thumbprint', THUMB, ...more]

describe('worker register', () => {
  it('listening: creates the worker with pools, proxy, policy and disabled flag (table form)', async () => {
    const result = await octo(sb, [...listening('build-01', '--pool', 'test pool', '--proxy', 'corporate proxy', '--machine-policy', 'MachinePolicies-1', '--disabled', '--no-prompt')])
    expect(result.exitCode, result.stderr).toBe(0)
    const w = await workerByName(sb, 'build-01')
    expect(w).toMatchObject({
      WorkerPoolIds: ['WorkerPools-7', 'WorkerPools-5'], IsDisabled: true, MachinePolicyId: 'MachinePolicies-1', HealthStatus: 'Unknown',
      Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: 'https://build-01.example.com:10933/', Thumbprint: THUMB, ProxyId: 'Proxies-1'},
    })
    expect(result.stdout.trim()).toBe(`Registered Listening worker 'build-01' (${w!.Id}) in 'Empty Windows Worker Pool', 'test pool'.`)
    expect(result.stderr).not.toContain('without prompts')
  })

  it('polling (--json), with --uri, thumbprint in lower case', async () => {
    const result = await octo(sb, ['worker', 'register', 'polling', 'poller-01', '--pool', 'WorkerPools-5', '--uri', 'poll://abc123xyz/', '--thumbprint', THUMB.toLowerCase(), '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const doc = parseJson(result)
    const w = await workerByName(sb, 'poller-01')
    expect(doc).toMatchObject({Id: w!.Id, Name: 'poller-01', WorkerPoolNames: ['test pool'], RegistrationAction: 'created', Endpoint: {CommunicationStyle: 'TentacleActive', Uri: 'poll://abc123xyz/', Thumbprint: THUMB}})
    expect(doc.Links).toBeUndefined()
    const bySubscription = await octo(sb, ['worker', 'register', 'polling', 'poller-02', '--pool', 'test pool', '--subscription-id', 'def456', '--thumbprint', THUMB])
    expect(bySubscription.exitCode, bySubscription.stderr).toBe(0)
    expect((await workerByName(sb, 'poller-02'))?.Endpoint.Uri).toBe('poll://def456/')
  })

  it('ssh: host, port, fingerprint, account, platform (table and --json)', async () => {
    const result = await octo(sb, ['worker', 'register', 'ssh', 'ssh-01', '--pool', 'Staging Linux Worker Pool', '--host', 'ssh-01.example.com', '--port', '2222',
      '--fingerprint', SHA_FINGERPRINT, '--account', 'staging ssh key', '--platform', 'linux-arm64'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(await workerByName(sb, 'ssh-01')).toMatchObject({Endpoint: {CommunicationStyle: 'Ssh', Host: 'ssh-01.example.com', Port: 2222, Fingerprint: SHA_FINGERPRINT, AccountId: 'Accounts-1', DotNetCorePlatform: 'linux-arm64'}})
    const json = await octo(sb, ['worker', 'register', 'ssh', 'ssh-02', '--pool', 'Staging Linux Worker Pool', '--host', '10.0.0.9',
      '--fingerprint', '1F:2E:3D:4C:5B:6A:79:88:97:A6:B5:C4:D3:E2:F1:00', '--account', 'Build user', '--json'])
    expect(json.exitCode, json.stderr).toBe(0)
    expect(parseJson(json)).toMatchObject({Name: 'ssh-02', RegistrationAction: 'created', Endpoint: {Port: 22, Fingerprint: '1f:2e:3d:4c:5b:6a:79:88:97:a6:b5:c4:d3:e2:f1:00', AccountId: 'Accounts-2'}})
  })

  it('--if-not-exists: exit 0 and nothing changed when the same name (any case) has the same endpoint', async () => {
    expect((await octo(sb, listening('idem-01'))).exitCode).toBe(0)
    const before = await workersOf(sb)
    const again = await octo(sb, [...listening('idem-01', '--if-not-exists')].map((a) => (a === 'idem-01' ? 'IDEM-01' : a)).map((a, i, all) => (all[i - 1] === '--url' ? 'https://idem-01.example.com:10933' : a)))
    expect(again.exitCode, again.stderr).toBe(0)
    expect(again.stdout.trim()).toMatch(/^Listening worker 'idem-01' \(Workers-\d+\) already exists with this endpoint; nothing was changed\.$/)
    const json = await octo(sb, [...listening('idem-01', '--if-not-exists', '--json')])
    expect(parseJson(json)).toMatchObject({Name: 'idem-01', RegistrationAction: 'unchanged'})
    expect(await workersOf(sb)).toEqual(before)
  })

  it('--if-not-exists: exit 1 and nothing changed when the endpoint differs', async () => {
    const result = await expectRejected(sb, ['worker', 'register', 'listening', 'idem-01', '--pool', 'test pool', '--url', 'https://elsewhere:10933/', '--thumbprint', THUMB, '--if-not-exists'], 1,
      "Worker 'idem-01'")
    expect(result.stderr).toContain('already exists with a different endpoint (Listening https://idem-01.example.com:10933/); nothing was changed.')
  })

  it('an existing name without --if-not-exists or --force: exit 1, nothing changed', async () => {
    await expectRejected(sb, listening('idem-01'), 1, "A worker named 'idem-01' already exists")
  })

  it('--force updates the same-name worker in place (even to another style)', async () => {
    const before = await workerByName(sb, 'idem-01')
    const result = await octo(sb, ['worker', 'register', 'polling', 'idem-01', '--pool', 'test pool', '--subscription-id', 'forced01', '--thumbprint', THUMB, '--force', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(parseJson(result)).toMatchObject({Id: before!.Id, RegistrationAction: 'updated'})
    expect(await workerByName(sb, 'idem-01')).toMatchObject({Id: before!.Id, WorkerPoolIds: ['WorkerPools-5'], Endpoint: {CommunicationStyle: 'TentacleActive', Uri: 'poll://forced01/'}})
    expect((await workersOf(sb)).filter((w) => w.Name === 'idem-01')).toHaveLength(1)
  })
})

describe('worker register: thumbprints as certificate tools print them', () => {
  it.each([
    ['openssl', 'thumb-openssl', 'SHA1 Fingerprint=0E:80:57:5D:3B:D8:D3:08:54:80:2A:4E:83:40:A2:E2:3A:E9:61:FD'],
    ['colons, lower case', 'thumb-colons', '0e:80:57:5d:3b:d8:d3:08:54:80:2a:4e:83:40:a2:e2:3a:e9:61:fd'],
    ['Windows dialog (spaces, direction mark)', 'thumb-windows', '\u200e0e 80 57 5d 3b d8 d3 08 54 80 2a 4e 83 40 a2 e2 3a e9 61 fd'],
  ])('%s: stored as 40 upper-case hex', async (_form, name, typed) => {
    const result = await octo(sb, ['worker', 'register', 'polling', name, '--pool', 'test pool', '--subscription-id', name.replace(/-/g, ''), '--thumbprint', typed, '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(parseJson(result)).toMatchObject({Name: name, Endpoint: {Thumbprint: THUMB}})
    expect((await workerByName(sb, name))?.Endpoint.Thumbprint).toBe(THUMB)
  })
})

describe('worker register: warnings (stderr, exit 0)', () => {
  const WARN_THUMB = '1234567890ABCDEF1234567890ABCDEF12345678'
  it('the same URL and thumbprint under another name: registered, with a warning naming the other worker', async () => {
    const first = await octo(sb, ['worker', 'register', 'listening', 'twin-a', '--pool', 'test pool', '--url', 'https://twin.example.com:10933/', '--thumbprint', WARN_THUMB])
    expect(first.exitCode, first.stderr).toBe(0)
    expect(first.stderr).not.toContain('Warning')
    const a = await workerByName(sb, 'twin-a')
    const second = await octo(sb, ['worker', 'register', 'listening', 'twin-b', '--pool', 'test pool', '--url', 'https://TWIN.example.com:10933', '--thumbprint', WARN_THUMB.toLowerCase()])
    expect(second.exitCode, second.stderr).toBe(0)
    expect(second.stderr.trim()).toBe(`Warning: Listening worker 'twin-a' (${a!.Id}) already has this URL and thumbprint: both would be the same Tentacle under two names.`)
    expect(second.stdout).toContain("Registered Listening worker 'twin-b'")
    expect(await workerByName(sb, 'twin-b')).toBeDefined()
    // The warning is on stderr under --json too; stdout stays one JSON document.
    const third = await octo(sb, ['worker', 'register', 'listening', 'twin-c', '--pool', 'test pool', '--url', 'https://twin.example.com:10933/', '--thumbprint', WARN_THUMB, '--json'])
    expect(third.exitCode, third.stderr).toBe(0)
    expect(parseJson(third)).toMatchObject({Name: 'twin-c', RegistrationAction: 'created'})
    expect(third.stderr).toContain("Listening worker 'twin-a'")
    expect(third.stderr).toContain("Listening worker 'twin-b'")
  })

  it('the same thumbprint at another URL, or --if-not-exists of the same worker, warns of nothing', async () => {
    const elsewhere = await octo(sb, ['worker', 'register', 'listening', 'twin-elsewhere', '--pool', 'test pool', '--url', 'https://elsewhere.example.com:10933/', '--thumbprint', WARN_THUMB])
    expect(elsewhere.exitCode, elsewhere.stderr).toBe(0)
    expect(elsewhere.stderr).toBe('')
    const again = await octo(sb, ['worker', 'register', 'listening', 'twin-elsewhere', '--pool', 'test pool', '--url', 'https://elsewhere.example.com:10933/', '--thumbprint', WARN_THUMB, '--if-not-exists'])
    expect(again.exitCode, again.stderr).toBe(0)
    expect(again.stderr).toBe('')
  })

  it('a plain http:// listening URL: registered, with a warning', async () => {
    const result = await octo(sb, ['worker', 'register', 'listening', 'plain-http', '--pool', 'test pool', '--url', 'http://plain-http.example.com:10933/', '--thumbprint', THUMB])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr.trim()).toBe('Warning: --url http://plain-http.example.com:10933/ is plain http://: Octopus talks to a listening Tentacle over TLS, so its health check will fail unless the URL is https://.')
    expect((await workerByName(sb, 'plain-http'))?.Endpoint.Uri).toBe('http://plain-http.example.com:10933/')
    // As warned: a server cannot reach a listening Tentacle over plain http, so the check fails.
    const health = await octo(sb, ['worker', 'health', 'plain-http', '--wait'])
    expect(health.exitCode, health.stderr).toBe(1)
    expect(health.stderr).toMatch(/\n {2}plain-http: Unavailable\b/)
    expect((await workerByName(sb, 'plain-http'))?.HealthStatus).toBe('Unavailable')
  })
})

describe('worker register: bad input is rejected and changes nothing', () => {
  const ssh = (...over: string[]) => ['worker', 'register', 'ssh', 'ssh-bad', '--pool', 'test pool', '--host', 'h.example.com', '--fingerprint', SHA_FINGERPRINT, '--account', 'Build user', ...over]
  it.each([
    [listening('bad-thumb').map((a) => (a === THUMB ? 'ABC123' : a)), 2, "Thumbprint 'ABC123' is not a SHA-1 thumbprint of 40 hexadecimal characters (it has 6 hex characters)."],
    [listening('bad-thumb').map((a) => (a === THUMB ? THUMB.slice(0, 39) + 'G' : a)), 2, 'is not a SHA-1 thumbprint of 40 hexadecimal characters (some characters are not hex).'],
    [listening('bad-thumb').map((a) => (a === THUMB ? '0E:80:57:5D:3B:D8:D3:08:54:80:2A:4E:83:40:A2:E2:3A:E9:61' : a)), 2, '(it has 38 hex characters).'],
    [listening('bad-thumb').map((a) => (a === THUMB ? '0E8:0575D3BD8D30854802A4E8340A2E23AE961FD' : a)), 2, '(its separators are uneven (use byte pairs split by colons or spaces)).'],
    [listening('bad-url').map((a) => (a.startsWith('https://bad-url') ? 'ftp://bad-url:10933/' : a)), 2, "--url 'ftp://bad-url:10933/' must start with https://"],
    [listening('bad-url').map((a) => (a.startsWith('https://bad-url') ? 'https://:10933/' : a)), 2, 'has no host'],
    [listening('bad-port').map((a) => (a.startsWith('https://bad-port') ? 'https://bad-port:0/' : a)), 2, 'port 0 is not a valid port'],
    [listening('bad-port').map((a) => (a.startsWith('https://bad-port') ? 'https://bad-port:70000/' : a)), 2, 'port 70000 is not a valid port'],
    [ssh('--port', '0'), 2, '--port 0 is not a valid port: use a whole number from 1 to 65535.'],
    [ssh('--port', '70000'), 2, '--port 70000 is not a valid port'],
    [['worker', 'register', 'polling', 'p-bad', '--pool', 'test pool', '--subscription-id', 'bad id/1', '--thumbprint', THUMB], 2, "--subscription-id 'bad id/1' contains illegal characters (' ' '/')"],
    [['worker', 'register', 'polling', 'p-bad', '--pool', 'test pool', '--uri', 'https://x/', '--thumbprint', THUMB], 2, 'is not a polling address'],
    [ssh().map((a) => (a === SHA_FINGERPRINT ? '22:22:22:22:22:22:22:22:22:22:22:22:22:22:22' : a)), 2, 'is not an SSH host key fingerprint'],
    [ssh().map((a) => (a === SHA_FINGERPRINT ? 'SHA256:short' : a)), 2, 'is not an SSH host key fingerprint'],
    [ssh('--platform', 'win-x64'), 2, "--platform 'win-x64' is not one of linux-x64, linux-arm64, linux-arm, osx-x64."],
    [listening(''), 2, 'Worker name must not be empty.'],
    [listening('x'.repeat(201)), 2, 'Worker name is 201 characters long; the limit is 200.'],
    [listening('dyn', '--pool', 'Hosted Ubuntu'), 2, "'Hosted Ubuntu' is a dynamic worker pool; dynamic pools take no workers."],
    [listening('both', '--if-not-exists', '--force'), 2, '--force and --if-not-exists cannot be used together.'],
    [['worker', 'register', 'listening', 'missing', '--url', 'https://m:10933/'], 2, 'Missing --pool, --thumbprint (prompts are off'],
    [listening('unknown-pool', '--pool', 'staging linux worker pol'), 4, "Worker pool 'staging linux worker pol' not found. Did you mean: 'Staging Linux Worker Pool'?"],
    [listening('unknown-pool', '--pool', 'WorkerPools-99'), 4, "Worker pool 'WorkerPools-99' not found"],
    [listening('unknown-policy', '--machine-policy', 'Defualt Machine Policy'), 4, "Machine policy 'Defualt Machine Policy' not found. Did you mean: 'Default Machine Policy'?"],
    [listening('unknown-proxy', '--proxy', 'Corporate proxi'), 4, "Proxy 'Corporate proxi' not found. Did you mean: 'Corporate proxy'?"],
    [ssh().map((a) => (a === 'Build user' ? 'Build usr' : a)), 4, "Account 'Build usr' not found. Did you mean: 'Build user'?"],
    [ssh().map((a) => (a === 'Build user' ? 'Accounts-99' : a)), 4, "Account 'Accounts-99' not found"],
  ].map(([args, exitCode, message]) => ({args: args as string[], exitCode: exitCode as number, message: message as string | RegExp})))('exit $exitCode: $message', async ({args, exitCode, message}) => {
    await expectRejected(sb, args, exitCode, message)
  })

  it('malformed input is rejected before any request (no server needed)', async () => {
    const result = await octo(sb, listening('bad-thumb').map((a) => (a === THUMB ? 'nothex' : a)), {OCTOPUS_URL: 'http://127.0.0.1:9', OCTOPUS_API_KEY: 'API-NOSERVER0000'})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('is not a SHA-1 thumbprint of 40 hexadecimal characters')
  })

  it('errors are a JSON object with --json, same exit code', async () => {
    const result = await octo(sb, [...listening('dyn', '--pool', 'Hosted Ubuntu'), '--json'])
    expect(result.exitCode).toBe(2)
    expect(parseJson(result).Error).toMatchObject({ExitCode: 2, Code: 'usage', Message: expect.stringContaining('dynamic pools take no workers')})
  })
})
