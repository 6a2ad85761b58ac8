import {readFileSync} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type {AddressInfo, Server} from 'node:net'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterEach, describe, expect, it} from 'vitest'
import {OctopusClient} from '../../../src/octopus/client.js'
import {jsonObject} from '../../../src/octopus/response-shapes.js'

// The client over real sockets when the other end misbehaves: a scheme mismatch, a refusal, a
// dripping or oversized body, a lost answer to a write.

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/tls')
const root = {Application: 'Octopus Deploy', Version: '2026.1.0', Links: {Self: '/api'}}
const servers: Server[] = []

async function listen<S extends Server>(server: S): Promise<string> {
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `127.0.0.1:${(server.address() as AddressInfo).port}`
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    ;(s as http.Server).closeAllConnections?.()
    await new Promise<void>((r) => s.close(() => r()))
  }
})

function answerRoot(_req: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead(200, {'Content-Type': 'application/json'}).end(JSON.stringify(root))
}

describe('scheme mismatch', () => {
  it('https:// to a plain-HTTP server says it is not speaking TLS and names the http:// URL', async () => {
    const host = await listen(http.createServer(answerRoot))
    await expect(OctopusClient.connect({server: `https://${host}`, apiKey: 'API-X', maxRetries: 0})).rejects.toMatchObject({
      exitCode: 1,
      code: 'tls-mismatch',
      message: `The server at https://${host} is not speaking TLS; did you mean http://${host}?`,
    })
  })

  it('http:// to a TLS server says it is speaking TLS and names the https:// URL, without retrying', async () => {
    const host = await listen(https.createServer({key: readFileSync(path.join(fixtures, 'localhost-key.pem')), cert: readFileSync(path.join(fixtures, 'localhost-cert.pem'))}, answerRoot))
    const sleeps: number[] = []
    await expect(OctopusClient.connect({server: `http://${host}`, apiKey: 'API-X', sleep: async (ms) => void sleeps.push(ms)})).rejects.toMatchObject({
      exitCode: 1,
      code: 'tls-mismatch',
      message: `The server at http://${host} is speaking TLS; did you mean https://${host}?`,
    })
    expect(sleeps).toEqual([])
  })
})

describe('refused connections', () => {
  it('to a server that has answered nothing yet fail at once (no retries)', async () => {
    const server = http.createServer(answerRoot)
    const host = await listen(server)
    servers.pop()
    await new Promise<void>((r) => server.close(() => r()))
    const sleeps: number[] = []
    const client = new OctopusClient({server: `http://${host}`, apiKey: 'API-X', sleep: async (ms) => void sleeps.push(ms)})
    await expect(client.loadRoot()).rejects.toMatchObject({exitCode: 1, message: `Connection refused by http://${host}.`})
    expect(sleeps).toEqual([])
    expect(client.requestCount).toBe(1)
  })

  it('after the server has answered, a refusal (a restart) is retried', async () => {
    const server = http.createServer(answerRoot)
    const host = await listen(server)
    const sleeps: number[] = []
    const client = await OctopusClient.connect({server: `http://${host}`, apiKey: 'API-X', sleep: async (ms) => void sleeps.push(ms)})
    servers.pop()
    server.closeAllConnections()
    await new Promise<void>((r) => server.close(() => r()))
    await expect(client.get('/api/spaces/all', jsonObject)).rejects.toMatchObject({message: `Connection refused by http://${host}.`})
    expect(sleeps).toHaveLength(3)
  })
})

describe('the whole exchange is bounded', () => {
  it('a body that drips one byte at a time ends at the timeout', async () => {
    const host = await listen(http.createServer((req, res) => {
      if (req.url === '/api') return answerRoot(req, res)
      res.writeHead(200, {'Content-Type': 'application/json'})
      const timer = setInterval(() => res.write(' '), 50)
      res.on('close', () => clearInterval(timer))
    }))
    const client = await OctopusClient.connect({server: `http://${host}`, apiKey: 'API-X', timeoutSeconds: 0.5, maxRetries: 0})
    await expect(client.get('/api/spaces/all', jsonObject)).rejects.toMatchObject({code: 'timeout', message: expect.stringMatching(/^Timed out after 0\.5s/)})
  })

  it('a body over the size cap is refused while it streams, and a declared one before it is read', async () => {
    const host = await listen(http.createServer((req, res) => {
      if (req.url === '/api') return answerRoot(req, res)
      const declared = req.url === '/api/declared'
      res.writeHead(200, {'Content-Type': 'application/json', ...(declared ? {'Content-Length': String(5000)} : {})})
      res.end('['.padEnd(5000, ' '))
    }))
    const client = await OctopusClient.connect({server: `http://${host}`, apiKey: 'API-X', maxResponseBytes: 4096})
    await expect(client.get('/api/streamed/all', jsonObject)).rejects.toMatchObject({code: 'response-too-large', message: expect.stringContaining('passed the 4.1 kB limit')})
    await expect(client.get('/api/declared', jsonObject)).rejects.toMatchObject({code: 'response-too-large', message: expect.stringContaining('is 5.0 kB, over the 4.1 kB limit')})
  })
})

describe('a lost answer to a write', () => {
  it('DELETE: a read-back 404 is success, and a read-back 200 retries the DELETE', async () => {
    let exists = true
    let deletes = 0
    const host = await listen(http.createServer((req, res) => {
      if (req.url === '/api') return answerRoot(req, res)
      if (req.method === 'DELETE') {
        deletes++
        // The first DELETE is lost before it is applied; the second is applied and its answer is lost.
        if (deletes === 2) exists = false
        return req.socket.resetAndDestroy()
      }
      if (exists) return res.writeHead(200, {'Content-Type': 'application/json'}).end(JSON.stringify({Id: 'WorkerPools-9', Name: 'p'}))
      res.writeHead(404, {'Content-Type': 'application/json'}).end(JSON.stringify({ErrorMessage: 'not found'}))
    }))
    const client = await OctopusClient.connect({server: `http://${host}`, apiKey: 'API-X', sleep: async () => {}})
    await expect(client.delete('/api/workerpools/WorkerPools-9')).resolves.toBeUndefined()
    expect(deletes).toBe(2)
  })

  it('PUT: a read-back that differs from what was sent retries; one that holds it is success', async () => {
    let stored = {Id: 'WorkerPools-9', Name: 'p', Description: 'old'}
    let puts = 0
    const host = await listen(http.createServer((req, res) => {
      if (req.url === '/api') return answerRoot(req, res)
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => {
        if (req.method === 'PUT') {
          puts++
          if (puts === 2) stored = {...JSON.parse(body), Links: {Self: '/x'}}
          return req.socket.resetAndDestroy()
        }
        res.writeHead(200, {'Content-Type': 'application/json'}).end(JSON.stringify(stored))
      })
    }))
    const client = await OctopusClient.connect({server: `http://${host}`, apiKey: 'API-X', sleep: async () => {}})
    const sent = {Id: 'WorkerPools-9', Name: 'p', Description: 'new'}
    await expect(client.put('/api/workerpools/WorkerPools-9', sent)).resolves.toMatchObject(sent)
    expect(puts).toBe(2)
  })
})
