import {readFileSync} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import net, {type AddressInfo} from 'node:net'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {OctopusClient} from '../../../src/octopus/client.js'

// docs/ARCHITECTURE.md §4 transport rules, over real sockets: TLS is verified, --ca-cert is added to the
// system roots (also through a proxy), and HTTPS_PROXY/HTTP_PROXY/NO_PROXY choose the route.

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/tls')
/** A self-signed certificate for 127.0.0.1 and localhost: trusted only when given as --ca-cert. */
const caCertFile = path.join(fixtures, 'localhost-cert.pem')
const root = {Application: 'Octopus Deploy', Version: '2026.1.0', Links: {Self: '/api'}}
const PROXY_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy']
const savedEnv = Object.fromEntries(PROXY_VARS.map((k) => [k, process.env[k]]))

function answerRoot(_req: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead(200, {'Content-Type': 'application/json'}).end(JSON.stringify(root))
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

let httpsServer: https.Server
let httpServer: http.Server
let proxy: http.Server
let httpsUrl: string
let httpUrl: string
let proxyUrl: string
/** The `host:port` of every CONNECT the proxy was asked for. */
const tunnels: string[] = []

beforeAll(async () => {
  httpsServer = https.createServer({key: readFileSync(path.join(fixtures, 'localhost-key.pem')), cert: readFileSync(caCertFile)}, answerRoot)
  httpsUrl = `https://127.0.0.1:${await listen(httpsServer)}`
  httpServer = http.createServer(answerRoot)
  httpUrl = `http://127.0.0.1:${await listen(httpServer)}`
  // A minimal CONNECT proxy: records the target and pipes bytes both ways.
  proxy = http.createServer((_req, res) => res.writeHead(405).end())
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    tunnels.push(req.url!)
    const [host, port] = req.url!.split(':')
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  proxyUrl = `http://127.0.0.1:${await listen(proxy)}`
})

afterEach(() => {
  tunnels.length = 0
  for (const key of PROXY_VARS) {
    if (savedEnv[key] === undefined) delete process.env[key]
    else process.env[key] = savedEnv[key]
  }
})

afterAll(() => {
  for (const server of [httpsServer, httpServer, proxy]) {
    server.closeAllConnections()
    server.close()
  }
})

function clearProxyEnv(): void {
  for (const key of PROXY_VARS) delete process.env[key]
}

function connect(server: string, caCert?: string): Promise<OctopusClient> {
  return OctopusClient.connect({server, apiKey: 'API-TRANSPORT0001', caCertFile: caCert, maxRetries: 0})
}

describe('TLS', () => {
  it('is verified: a certificate from an unknown CA is an exit-1 TLS error whose remedy is the CA file setting', async () => {
    clearProxyEnv()
    await expect(connect(httpsUrl)).rejects.toMatchObject({exitCode: 1, code: 'tls', setting: 'caCertFile', hint: expect.stringContaining('a CA file')})
  })

  it('--ca-cert adds the CA to the system roots', async () => {
    clearProxyEnv()
    expect((await connect(httpsUrl, caCertFile)).version).toBe('2026.1.0')
  })
})

describe('proxies', () => {
  it('HTTPS_PROXY tunnels an https server through CONNECT, with --ca-cert still trusted at the far end', async () => {
    clearProxyEnv()
    process.env.HTTPS_PROXY = proxyUrl
    expect((await connect(httpsUrl, caCertFile)).version).toBe('2026.1.0')
    expect(tunnels).toEqual([new URL(httpsUrl).host])
  })

  it('through a proxy, TLS is still verified', async () => {
    clearProxyEnv()
    process.env.HTTPS_PROXY = proxyUrl
    await expect(connect(httpsUrl)).rejects.toMatchObject({exitCode: 1, code: 'tls'})
    expect(tunnels).toEqual([new URL(httpsUrl).host])
  })

  it('HTTP_PROXY is used for an http:// server', async () => {
    clearProxyEnv()
    process.env.HTTP_PROXY = proxyUrl
    expect((await connect(httpUrl)).version).toBe('2026.1.0')
    expect(tunnels).toEqual([new URL(httpUrl).host])
  })

  it.each([
    ['the host', () => '127.0.0.1'],
    ['host:port', () => new URL(httpsUrl).host],
    ['a list holding the host', () => 'octopus.example.com, 127.0.0.1'],
    ['*', () => '*'],
  ])('NO_PROXY naming %s sends the request directly', async (_what, noProxy) => {
    clearProxyEnv()
    process.env.HTTPS_PROXY = proxyUrl
    process.env.NO_PROXY = noProxy()
    expect((await connect(httpsUrl, caCertFile)).version).toBe('2026.1.0')
    expect(tunnels).toEqual([])
  })

  it('a NO_PROXY entry for another host keeps the proxy', async () => {
    clearProxyEnv()
    process.env.HTTPS_PROXY = proxyUrl
    process.env.NO_PROXY = 'octopus.example.com,.internal'
    expect((await connect(httpsUrl, caCertFile)).version).toBe('2026.1.0')
    expect(tunnels).toEqual([new URL(httpsUrl).host])
  })
})

describe('redirects', () => {
  it('carry the API key within the server but never to another host', async () => {
    clearProxyEnv()
    const seen: Array<string | undefined> = []
    const other = http.createServer((req, res) => {
      seen.push(req.headers['x-octopus-apikey'] as string | undefined)
      answerRoot(req, res)
    })
    const otherPort = await listen(other)
    const keysAtRedirector: Array<string | undefined> = []
    const redirector = http.createServer((req, res) => {
      keysAtRedirector.push(req.headers['x-octopus-apikey'] as string | undefined)
      // Within the server first (as a virtual-directory rewrite would), then away to another host.
      res.writeHead(302, {Location: req.url === '/api' ? '/api/' : `http://localhost:${otherPort}/api`}).end()
    })
    const redirectorUrl = `http://127.0.0.1:${await listen(redirector)}`
    try {
      await OctopusClient.connect({server: redirectorUrl, apiKey: 'API-REDIRECTED0001', maxRetries: 0})
      expect(keysAtRedirector).toEqual(['API-REDIRECTED0001', 'API-REDIRECTED0001'])
      expect(seen).toEqual([undefined])
    } finally {
      for (const server of [other, redirector]) {
        server.closeAllConnections()
        server.close()
      }
    }
  })
})
