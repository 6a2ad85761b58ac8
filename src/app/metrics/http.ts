/**
 * The exporter's HTTP side: `/metrics` (the page of the last read), `/healthz` (the process
 * answers), and a landing page at `/` that links to `/metrics`. Only GET and HEAD.
 */
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import type {MetricsPage} from './exporter.js'

export interface MetricsServer {
  /** `http://host:port` (IPv6 hosts in brackets). */
  url: string
  close(): Promise<void>
}

const LANDING = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>octoworkers exporter</title></head>
<body><h1>octoworkers exporter</h1>
<p>Prometheus metrics of the Octopus Deploy workers and worker pools this exporter reads.</p>
<ul><li><a href="metrics">/metrics</a></li><li><a href="healthz">/healthz</a></li></ul>
</body></html>
`

export function startMetricsServer(options: {host: string; port: number; page: () => Promise<MetricsPage>}): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]
    const send = (status: number, contentType: string, body: string, headers: Record<string, string> = {}) => {
      response.writeHead(status, {'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', ...headers})
      response.end(request.method === 'HEAD' ? undefined : body)
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'text/plain; charset=utf-8', 'Method not allowed: use GET.\n', {Allow: 'GET, HEAD'})
    if (path === '/metrics') {
      options.page().then(
        (page) => send(200, page.contentType, page.text),
        (error: Error) => send(500, 'text/plain; charset=utf-8', `${error.message}\n`),
      )
      return
    }
    if (path === '/healthz') return send(200, 'text/plain; charset=utf-8', 'ok\n')
    if (path === '/') return send(200, 'text/html; charset=utf-8', LANDING)
    send(404, 'text/plain; charset=utf-8', 'Not found: the metrics are at /metrics.\n')
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      const address = server.address() as AddressInfo
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
      resolve({url: `http://${host}:${address.port}`, close: () => closeServer(server)})
    })
  })
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    // Keep-alive connections from a scraper would hold close() open.
    server.closeAllConnections()
  })
}
