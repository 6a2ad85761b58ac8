/**
 * A proxy in front of a live sandbox that passes every request through, except the ones a test
 * asks it to hold: a held request waits until the test releases it (then it goes to the sandbox
 * and its answer back to the client) or drops it (the connection is closed, the sandbox never sees
 * it). This makes the interleaving of two commands deterministic: "B's PUT lands after A's".
 */
import http from 'node:http'
import type {AddressInfo, Socket} from 'node:net'

export interface HoldRule {
  method?: string
  /** Tested against the path with its query string. */
  path: RegExp
  /** Skip this many matching requests before holding one (default 0). */
  skip?: number
  /** Only a request whose body contains this text. */
  bodyIncludes?: string
}

export interface HeldRequest {
  /** Resolves when the request has arrived and is being held. */
  arrived: Promise<{method: string; path: string; body: string}>
  /** Sends it on; resolves with the sandbox's status once the answer has gone back to the client. */
  release(): Promise<number>
  /** Closes the client's connection without sending the request on. */
  drop(): void
}

export interface HoldingProxy {
  url: string
  hold(rule: HoldRule): HeldRequest
  close(): Promise<void>
}

interface Pending {
  rule: HoldRule
  seen: number
  taken: boolean
  onArrive: (info: {method: string; path: string; body: string}, go: () => Promise<number>, drop: () => void) => void
}

export async function startHoldingProxy(upstream: string): Promise<HoldingProxy> {
  const target = new URL(upstream)
  const pending: Pending[] = []
  const sockets = new Set<Socket>()

  const forward = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): Promise<number> => new Promise((resolve, reject) => {
    const out = http.request({host: target.hostname, port: target.port, method: req.method, path: req.url, headers: {...req.headers, host: target.host}}, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
      answer.on('end', () => resolve(answer.statusCode ?? 502))
    })
    out.on('error', reject)
    out.end(body)
  })

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const text = body.toString('utf8')
      const rule = pending.find((p) => !p.taken && (!p.rule.method || p.rule.method.toUpperCase() === req.method) && p.rule.path.test(req.url ?? '') &&
        (p.rule.bodyIncludes === undefined || text.includes(p.rule.bodyIncludes)) && p.seen++ >= (p.rule.skip ?? 0))
      if (!rule) {
        forward(req, body, res).catch(() => res.destroy())
        return
      }
      rule.taken = true
      rule.onArrive({method: req.method ?? '', path: req.url ?? '', body: text}, () => forward(req, body, res), () => res.destroy())
    })
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port

  return {
    url: `http://127.0.0.1:${port}`,
    hold(rule) {
      let go: (() => Promise<number>) | undefined
      let dropIt: (() => void) | undefined
      let arrive!: (info: {method: string; path: string; body: string}) => void
      const arrived = new Promise<{method: string; path: string; body: string}>((resolve) => (arrive = resolve))
      pending.push({rule, seen: 0, taken: false, onArrive: (info, g, d) => {
        go = g
        dropIt = d
        arrive(info)
      }})
      return {
        arrived,
        release: async () => {
          await arrived
          return go!()
        },
        drop: () => dropIt?.(),
      }
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    }),
  }
}
