/**
 * A small fault server of the project's own, placed in front of a live sandbox: requests pass
 * through to the sandbox unless a rule matches, and then the answer goes wrong in one of the
 * ways real networks and middleboxes make it go wrong:
 *
 * - `html`: 200 with an HTML page (a proxy's or a login page), the request never reaches the sandbox;
 * - `body`: any body, content type, status and headers (JSON of the wrong shape, plain text, a 503 with Retry-After...);
 * - `slow`: the sandbox's real answer, its body dripped at `bytesPerSecond` (default 1);
 * - `huge`: 200 `application/json` of `bytes` bytes, generated as it is sent (never held in
 *   memory), with or without a Content-Length;
 * - `reset-after-apply`: the sandbox applies the request, then the connection is reset instead of
 *   the answer being passed on (a lost response);
 * - `hang`: the request is accepted and never answered.
 *
 * Each rule applies to `times` matching requests (default: all). Every request is recorded.
 *
 * `hold(match)` makes interleavings of two clients deterministic: matching requests wait (they
 * reach the sandbox only when released, or never when dropped), so a test can e.g. let both of two
 * commands read before either writes (`barrier`), release one command's write only after the other
 * has finished, or drop a write as if the client had died before sending it. A hold can catch one
 * request among many (`skip`, `times`, `bodyIncludes`): "the second PUT of this worker", "the
 * POST of a Health task".
 */
import http from 'node:http'
import type {AddressInfo, Socket} from 'node:net'

export type FaultMode = 'html' | 'body' | 'slow' | 'huge' | 'reset-after-apply' | 'hang'

export interface FaultRule {
  mode: FaultMode
  /** Method to match (any when omitted). */
  method?: string
  /** Pathname to match: a string is a prefix, a RegExp is tested. */
  path: string | RegExp
  /** How many matching requests fail this way (default: every one). */
  times?: number
  /** `body` mode: the body sent (a string is sent as is, anything else as JSON). */
  body?: unknown
  /** `body` mode: the content type (default application/json). */
  contentType?: string
  /** `body` mode: the status (default 200). */
  status?: number
  /** `body` mode: extra headers, e.g. Retry-After. */
  headers?: Record<string, string>
  /** `slow` mode: bytes per second (default 1). */
  bytesPerSecond?: number
  /** `huge` mode: the size of the body. */
  bytes?: number
  /** `huge` mode: send a Content-Length (default false: chunked, so the size is only known by reading). */
  declareLength?: boolean
}

export interface RecordedRequest {
  method: string
  path: string
  /** The mode that answered it, or `pass` when it went to the sandbox untouched. */
  fault: FaultMode | 'pass'
}

/** Which requests a hold catches. */
export interface HoldMatch {
  method?: string
  /** A string is a prefix of the pathname, a RegExp is tested against it. */
  path: string | RegExp
  /** Only requests whose body contains this text. */
  bodyIncludes?: string
  /** Let this many matching requests through before holding any (default 0). */
  skip?: number
  /** Hold this many matching requests, then let later ones through (default: every one until `end`). */
  times?: number
}

/** A request a hold caught. */
export interface HeldRequest {
  method: string
  /** The path with its query string. */
  path: string
  body: string
}

/** Requests caught by `hold`: each waits until released (then goes to the sandbox as usual) or dropped. */
export interface Hold {
  /** How many are waiting now. */
  readonly waiting: number
  /** Resolves with the first request caught, once it is waiting. */
  readonly arrived: Promise<HeldRequest>
  /** Resolves once `n` requests are waiting. */
  untilWaiting(n: number): Promise<void>
  /**
   * Lets every waiting request through (oldest first); later ones are still held. Resolves with
   * their statuses once their answers have gone back to the client.
   */
  release(): Promise<number[]>
  /** Closes the waiting requests' connections without sending them on: the sandbox never sees them. */
  drop(): void
  /** Lets the waiting requests through and stops holding. */
  end(): void
}

export interface FaultServer {
  url: string
  requests: RecordedRequest[]
  add(rule: FaultRule): void
  /** Holds matching requests until released (see Hold). */
  hold(match: HoldMatch): Hold
  /** Holds matching requests until `parties` of them are waiting, then lets all through; once. */
  barrier(match: HoldMatch, parties: number): Hold
  clear(): void
  close(): Promise<void>
}

/** An HTML page like a proxy's sign-in page, about 1.2 kB. */
export const LOGIN_PAGE = `<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>\n<form method="post" action="/login">\n${'<p>Please sign in to continue to the corporate network.</p>\n'.repeat(18)}</form></body></html>\n`

export async function startFaultServer(upstream: string): Promise<FaultServer> {
  const rules: Array<FaultRule & {left: number}> = []
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  const target = new URL(upstream)

  const match = (req: http.IncomingMessage): FaultRule | undefined => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname
    const rule = rules.find((r) =>
      r.left > 0 && (!r.method || r.method.toUpperCase() === req.method) && (typeof r.path === 'string' ? pathname.startsWith(r.path) : r.path.test(pathname)))
    if (rule) rule.left--
    return rule
  }

  /** Sends the request on to the sandbox and collects its whole answer. */
  const forward = (req: http.IncomingMessage, body: Buffer): Promise<{status: number; headers: http.IncomingHttpHeaders; body: Buffer}> =>
    new Promise((resolve, reject) => {
      const out = http.request({host: target.hostname, port: target.port, method: req.method, path: req.url, headers: {...req.headers, host: target.host}}, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks)}))
        res.on('error', reject)
      })
      out.on('error', reject)
      out.end(body)
    })

  /** A caught request: `go` answers it (resolving with the status once the answer is out), `drop` closes its connection. */
  interface Waiting {go: () => Promise<number>; drop: () => void}
  interface ActiveHold {match: HoldMatch; seen: number; caught: number; queue: Waiting[]; ended: boolean; changed: () => void; arrive: (info: HeldRequest) => void}
  const holds: ActiveHold[] = []
  const matchesHold = (m: HoldMatch, req: http.IncomingMessage, body: string) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname
    return (!m.method || m.method.toUpperCase() === req.method) && (typeof m.path === 'string' ? pathname.startsWith(m.path) : m.path.test(pathname)) &&
      (m.bodyIncludes === undefined || body.includes(m.bodyIncludes))
  }
  /** The hold that catches this request, if one does (counting it against the hold's `skip` and `times`). */
  const holdFor = (req: http.IncomingMessage, body: string): ActiveHold | undefined => holds.find((h) => {
    if (h.ended || !matchesHold(h.match, req, body)) return false
    if (h.seen++ < (h.match.skip ?? 0) || h.caught >= (h.match.times ?? Infinity)) return false
    h.caught++
    return true
  })

  function makeHold(match: HoldMatch, parties?: number): Hold {
    const waiters: Array<{n: number; resolve: () => void}> = []
    let arrive!: (info: HeldRequest) => void
    const arrived = new Promise<HeldRequest>((resolve) => (arrive = resolve))
    const active: ActiveHold = {match, seen: 0, caught: 0, queue: [], ended: false, arrive, changed: () => {
      for (const w of [...waiters]) if (active.queue.length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve()
      }
      if (parties !== undefined && active.queue.length >= parties) handle.end()
    }}
    holds.push(active)
    const handle: Hold = {
      get waiting() {
        return active.queue.length
      },
      arrived,
      untilWaiting: (n) => new Promise((resolve) => {
        waiters.push({n, resolve})
        active.changed()
      }),
      release: () => Promise.all(active.queue.splice(0).map((w) => w.go())),
      drop: () => {
        for (const w of active.queue.splice(0)) w.drop()
      },
      end: () => {
        active.ended = true
        if (holds.includes(active)) holds.splice(holds.indexOf(active), 1)
        void handle.release()
      },
    }
    return handle
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const rule = match(req)
      requests.push({method: req.method ?? '', path: req.url ?? '', fault: rule?.mode ?? 'pass'})
      const go = () => answer(rule, req, res, body).then(() => answered(res), () => {
        res.destroy()
        return 0
      })
      const hold = holdFor(req, body.toString('utf8'))
      if (!hold) return void go()
      hold.queue.push({go, drop: () => res.destroy()})
      hold.arrive({method: req.method ?? '', path: req.url ?? '', body: body.toString('utf8')})
      hold.changed()
    })
  })

  /** The status, once the whole answer has been handed to the client's connection. */
  const answered = (res: http.ServerResponse): Promise<number> => new Promise((resolve) => {
    if (res.writableFinished || res.destroyed) return resolve(res.statusCode)
    res.once('finish', () => resolve(res.statusCode))
    res.once('close', () => resolve(res.statusCode))
  })

  async function answer(rule: FaultRule | undefined, req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    switch (rule?.mode) {
      case undefined: {
        const real = await forward(req, body)
        res.writeHead(real.status, real.headers).end(real.body)
        return
      }
      case 'html':
        res.writeHead(200, {'Content-Type': 'text/html; charset=utf-8'}).end(LOGIN_PAGE)
        return
      case 'body': {
        const text = typeof rule.body === 'string' ? rule.body : JSON.stringify(rule.body)
        res.writeHead(rule.status ?? 200, {'Content-Type': rule.contentType ?? 'application/json', ...rule.headers}).end(text)
        return
      }
      case 'slow': {
        const real = await forward(req, body)
        const headers = {...real.headers}
        delete headers['transfer-encoding']
        res.writeHead(real.status, {...headers, 'content-length': String(real.body.length)})
        res.flushHeaders()
        drip(res, real.body, rule.bytesPerSecond ?? 1)
        return
      }
      case 'huge':
        sendHuge(res, rule.bytes ?? 1_000_000, rule.declareLength ?? false)
        return
      case 'reset-after-apply':
        await forward(req, body)
        req.socket.resetAndDestroy()
        return
      case 'hang':
        return
    }
  }

  function drip(res: http.ServerResponse, body: Buffer, bytesPerSecond: number): void {
    let sent = 0
    const step = Math.max(1, Math.round(bytesPerSecond / 10))
    const timer = setInterval(() => {
      if (res.destroyed || sent >= body.length) {
        clearInterval(timer)
        timers.delete(timer)
        if (!res.destroyed) res.end()
        return
      }
      res.write(body.subarray(sent, sent + step))
      sent += step
    }, Math.round((1000 * step) / bytesPerSecond))
    timers.add(timer)
  }

  /** The start of a JSON array of pool-like objects, `bytes` long, produced as the socket drains (never whole in memory). */
  function sendHuge(res: http.ServerResponse, bytes: number, declareLength: boolean): void {
    res.writeHead(200, {'Content-Type': 'application/json', ...(declareLength ? {'Content-Length': String(bytes)} : {})})
    const filler = Buffer.from('{"Id":"WorkerPools-1","Name":"filler"},'.repeat(1600))
    let left = bytes
    let first = true
    const pump = () => {
      while (left > 0 && !res.destroyed) {
        const chunk = first ? Buffer.concat([Buffer.from('['), filler]).subarray(0, Math.min(left, filler.length)) : filler.subarray(0, Math.min(left, filler.length))
        first = false
        left -= chunk.length
        if (!res.write(chunk)) return void res.once('drain', pump)
      }
      if (!res.destroyed) res.end()
    }
    pump()
  }

  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url,
    requests,
    add: (rule) => void rules.push({...rule, left: rule.times ?? Infinity}),
    hold: (m) => makeHold(m),
    barrier: (m, parties) => makeHold(m, parties),
    clear: () => {
      rules.length = 0
      requests.length = 0
      for (const h of [...holds]) {
        h.ended = true
        for (const w of h.queue.splice(0)) void w.go()
      }
      holds.length = 0
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearInterval(t)
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
