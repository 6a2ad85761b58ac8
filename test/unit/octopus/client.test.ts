import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {OctopusClient} from '../../../src/octopus/client.js'
import {normalizeServerUrl} from '../../../src/octopus/server-url.js'
import {jsonObject, resource} from '../../../src/octopus/response-shapes.js'

/** A tiny scripted HTTP server: each test sets the handler; requests are recorded. */
let server: http.Server
let base: string
let handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void
const requests: Array<{method: string; url: string; headers: http.IncomingHttpHeaders; body: string}> = []

const root = {Application: 'Octopus Deploy', Version: '2026.1.0', ApiVersion: '3.0.0', Links: {Self: '/api', Spaces: '/api/spaces{/id}{?skip,take}', SpaceHome: '/api/{spaceId}'}}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, {'Content-Type': 'application/json', ...headers})
  res.end(JSON.stringify(body))
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      requests.push({method: req.method!, url: req.url!, headers: req.headers, body})
      handler(req, res, body)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))
beforeEach(() => {
  requests.length = 0
})

const noSleep = async () => {}

describe('OctopusClient', () => {
  it('reads the root document and sends the API key header and a User-Agent', async () => {
    handler = (_req, res) => json(res, 200, root)
    const client = await OctopusClient.connect({server: base, apiKey: 'API-TESTKEY1234', userAgent: 'octoworkers/test'})
    expect(client.version).toBe('2026.1.0')
    expect(requests[0].headers['x-octopus-apikey']).toBe('API-TESTKEY1234')
    expect(requests[0].headers['user-agent']).toBe('octoworkers/test')
  })

  it('sends a bearer token when given an access token', async () => {
    handler = (_req, res) => json(res, 200, root)
    await OctopusClient.connect({server: base, accessToken: 'token-abc'})
    expect(requests[0].headers.authorization).toBe('Bearer token-abc')
    expect(requests[0].headers['x-octopus-apikey']).toBeUndefined()
  })

  it.each([
    ['an HTML page', (res: http.ServerResponse) => { res.writeHead(200, {'Content-Type': 'text/html'}); res.end('<html>hi</html>') }],
    ['a 404', (res: http.ServerResponse) => json(res, 404, {})],
    ['a JSON document that is not a root', (res: http.ServerResponse) => json(res, 200, {hello: 'world'})],
  ])('rejects a server that answers /api with %s (exit 2)', async (_label, answer) => {
    handler = (_req, res) => answer(res)
    await expect(OctopusClient.connect({server: base, apiKey: 'API-X', maxRetries: 0})).rejects.toMatchObject({exitCode: 2, message: expect.stringMatching(/does not look like an Octopus Server/)})
  })

  it('reports a server error at /api as the server\'s failure (exit 1), not as "not Octopus" (exit 2)', async () => {
    handler = (_req, res) => json(res, 503, {ErrorMessage: 'Octopus Server is starting up.'})
    await expect(OctopusClient.connect({server: base, apiKey: 'API-X', maxRetries: 0})).rejects.toMatchObject({
      exitCode: 1,
      code: 'http-503',
      message: expect.stringContaining('Octopus Server is starting up.'),
    })
  })

  it('follows Page.Next until the collection is read', async () => {
    handler = (req, res) => {
      if (req.url === '/api') return json(res, 200, root)
      const skip = Number(new URL(req.url!, base).searchParams.get('skip') ?? 0)
      const items = [skip + 1, skip + 2].filter((n) => n <= 5).map((n) => ({Id: `T-${n}`}))
      const links: Record<string, string> = {}
      if (skip + 2 < 5) links['Page.Next'] = `/api/things?skip=${skip + 2}&take=2`
      json(res, 200, {ItemType: 'Thing', TotalResults: 5, ItemsPerPage: 2, Items: items, Links: links})
    }
    const client = await OctopusClient.connect({server: base, apiKey: 'API-X'})
    const all = await client.getAllPages('/api/things?skip=0&take=2', resource<{Id: string}>())
    expect(all.map((t) => t.Id)).toEqual(['T-1', 'T-2', 'T-3', 'T-4', 'T-5'])
    expect(requests.filter((r) => r.url.startsWith('/api/things'))).toHaveLength(3)
  })

  it('retries a GET on 503 honouring Retry-After, but never a POST', async () => {
    let failures = 2
    const sleeps: number[] = []
    handler = (req, res) => {
      if (req.url === '/api') return json(res, 200, root)
      if (failures-- > 0) return json(res, 503, {ErrorMessage: 'busy'}, {'Retry-After': '1'})
      json(res, 200, {ok: true})
    }
    const client = await OctopusClient.connect({server: base, apiKey: 'API-X', sleep: async (ms) => void sleeps.push(ms)})
    expect(await client.get('/api/thing', jsonObject)).toEqual({ok: true})
    expect(sleeps).toEqual([1000, 1000])

    failures = 1
    await expect(client.post('/api/thing', {Name: 'x'})).rejects.toMatchObject({status: 503, exitCode: 1})
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1)
  })

  it('turns Octopus error bodies into the message and maps 401 to exit 3', async () => {
    handler = (req, res) => (req.url === '/api' ? json(res, 200, root) : json(res, 401, {ErrorMessage: 'You must be logged in to perform this action.'}))
    const client = await OctopusClient.connect({server: base, apiKey: 'API-X', sleep: noSleep})
    await expect(client.get('/api/users/me', jsonObject)).rejects.toMatchObject({exitCode: 3, message: 'HTTP 401 from GET /api/users/me: You must be logged in to perform this action.'})
  })

  it('logs method, URL, status and time with secrets redacted', async () => {
    handler = (_req, res) => json(res, 200, root)
    const lines: string[] = []
    const client = await OctopusClient.connect({server: base, apiKey: 'API-SECRETSECRET99', debug: (l) => lines.push(l)})
    await client.get('/api?apikey=API-SECRETSECRET99', jsonObject)
    expect(lines.join('\n')).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/api -> 200 \(\d+ ms\)/)
    expect(lines.join('\n')).not.toContain('SECRETSECRET99')
  })

  it('times out with a clear message', async () => {
    handler = (req, res) => {
      if (req.url === '/api') return json(res, 200, root)
      setTimeout(() => json(res, 200, {}), 1500)
    }
    const client = await OctopusClient.connect({server: base, apiKey: 'API-X', timeoutSeconds: 0.2, sleep: noSleep})
    await expect(client.get('/api/slow', jsonObject)).rejects.toMatchObject({exitCode: 1, message: expect.stringMatching(/Timed out after 0.2s/)})
  })

  it('validates its options before any request', () => {
    expect(() => new OctopusClient({server: 'not-a-url'})).toThrow(/not a valid server URL/)
    expect(() => new OctopusClient({server: 'ftp://x.example.com'})).toThrow(/https:\/\/ or http:\/\//)
    expect(() => new OctopusClient({server: base, timeoutSeconds: -1})).toThrow(/request timeout must be above 0/)
    expect(() => new OctopusClient({server: base, caCertFile: '/no/such/ca.pem'})).toThrow(expect.objectContaining({
      message: "Cannot read the CA certificate file '/no/such/ca.pem'.", exitCode: 2, code: 'usage', setting: 'caCertFile', value: '/no/such/ca.pem',
    }))
  })
})

describe('normalizeServerUrl', () => {
  it.each([
    ['https://octopus.example.com/', 'https://octopus.example.com'],
    ['https://octopus.example.com/app#/Spaces-1', 'https://octopus.example.com'],
    ['https://octopus.example.com/api', 'https://octopus.example.com'],
    ['https://example.com/octopus/', 'https://example.com/octopus'],
    ['http://127.0.0.1:8065', 'http://127.0.0.1:8065'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeServerUrl(input)).toBe(expected)
  })
})
