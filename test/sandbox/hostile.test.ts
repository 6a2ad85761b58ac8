import {chmodSync, statSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {api, startTestSandbox, tempDataFile, type Sandbox} from '../helpers/sandbox.js'

/**
 * Hostile requests: each answers a 4xx with Octopus's error body
 * (`{ErrorMessage, Errors}`), never a 500, and changes nothing.
 */

/** A raw GET: fetch() would normalise a malformed path before sending it. */
function rawGet(sandbox: Sandbox, rawPath: string): Promise<{status: number; body: any}> {
  const {hostname, port} = new URL(sandbox.url)
  return new Promise((resolve, reject) => {
    const req = http.request({host: hostname, port, method: 'GET', path: rawPath, headers: {'X-Octopus-ApiKey': sandbox.apiKey}}, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => (text += chunk))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body: JSON.parse(text)}))
    })
    req.on('error', reject)
    req.end()
  })
}

function expectOctopusError(body: any): void {
  expect(typeof body.ErrorMessage).toBe('string')
  expect(body.ErrorMessage).not.toMatch(/Internal sandbox error/)
  expect(Array.isArray(body.Errors)).toBe(true)
}

describe('sandbox: hostile requests are 4xx with an Octopus error body', () => {
  let sb: Sandbox
  beforeAll(async () => {
    sb = await startTestSandbox({seed: 'demo', dataFile: tempDataFile()})
  })
  afterAll(async () => sb?.close())

  it.each(['/api/Spaces-1/workers/%E0%A4%A', '/%', '/api/%ZZ'])('malformed percent-encoding %s is 400', async (rawPath) => {
    const r = await rawGet(sb, rawPath)
    expect(r.status).toBe(400)
    expectOctopusError(r.body)
    expect(r.body.Errors.join(' ')).toMatch(/percent-encoding/)
  })

  it('a `since` that is neither a sequence number nor a date is 400 naming it', async () => {
    const r = await api(sb, 'GET', '/api/sandbox/leases/history?since=garbage')
    expect(r.status).toBe(400)
    expectOctopusError(r.body)
    expect(r.body.Errors[0]).toMatch(/since.*garbage/)
  })

  it.each([
    ['take', '99999999999999999999'],
    ['take', String(2n ** 63n)],
    ['take', '2^63'],
    ['skip', '1e30'],
    ['skip', '-1'],
    ['take', '1.5'],
  ])('%s=%s is 400 naming the range', async (name, value) => {
    const r = await api(sb, 'GET', `/api/Spaces-1/workers?${name}=${encodeURIComponent(value)}`)
    expect(r.status).toBe(400)
    expectOctopusError(r.body)
    expect(r.body.Errors[0]).toContain(`'${name}'`)
    expect(r.body.Errors[0]).toMatch(/2147483647/)
  })

  it('the largest Int32 take is still accepted', async () => {
    const r = await api(sb, 'GET', '/api/Spaces-1/workers?take=2147483647')
    expect(r.status).toBe(200)
  })

  it('a name containing NUL is refused (400) and nothing is created', async () => {
    const before = (await api(sb, 'GET', '/api/Spaces-1/workerpools/all')).body.length
    const first = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 'nul\u0000a', WorkerPoolType: 'StaticWorkerPool'})
    expect(first.status).toBe(400)
    expectOctopusError(first.body)
    expect(first.body.Errors[0]).toMatch(/Name.*NUL/)
    expect((await api(sb, 'GET', '/api/Spaces-1/workerpools/all')).body.length).toBe(before)
  })

  it.each(['POST', 'DELETE', 'PUT'])('%s /api without a key is 401; with a key it is 405', async (method) => {
    const anonymous = await fetch(`${sb.url}/api`, {method})
    expect(anonymous.status).toBe(401)
    expectOctopusError(await anonymous.json())
    const keyed = await api(sb, method, '/api')
    expect(keyed.status).toBe(405)
    expect((await fetch(`${sb.url}/api`)).status).toBe(200)
  })

  it('creates its SQLite file 0600: it holds the API keys', () => {
    expect(statSync(sb.dataFile).mode & 0o777).toBe(0o600)
  })
})

describe('sandbox: a data file left readable by others', () => {
  it('is tightened to 0600 when the sandbox opens it', async () => {
    const file = tempDataFile()
    writeFileSync(file, '')
    chmodSync(file, 0o644)
    const sb = await startTestSandbox({dataFile: file})
    try {
      expect(statSync(file).mode & 0o777).toBe(0o600)
    } finally {
      await sb.close()
    }
  })
})
