/**
 * End to end: a proxy in front of a live sandbox answers some lease polls with a
 * login page (200, text/html), `[]` and JSON of another shape. Each is a failed poll, said on
 * stderr; no lease is printed as Released until it really is, and each is printed Released once.
 */
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {describe, expect, it} from 'vitest'
import {startTestSandbox} from '../../helpers/sandbox.js'
import {jsonLines, leaseHistory, simulationDone, startCli, startSimulation, waitForMorePolls} from './follow.js'

/** Forwards everything to the sandbox, except that the next lease polls get `badBodies`, one each. */
async function startProxy(target: string): Promise<{url: string; badBodies: Array<{type: string; body: string}>; close: () => Promise<void>}> {
  const upstream = new URL(target)
  const badBodies: Array<{type: string; body: string}> = []
  const server = http.createServer((req, res) => {
    if (req.url?.includes('/workertaskleases') && badBodies.length > 0) {
      const bad = badBodies.shift()!
      res.writeHead(200, {'Content-Type': bad.type})
      res.end(bad.body)
      return
    }
    const forward = http.request({host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers}, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    forward.on('error', () => res.destroy())
    req.pipe(forward)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    badBodies,
    close: () => new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

// The two sources' follows run at the same time: each waits on polls and simulated tasks, not on CPU.
describe.concurrent.each(['api', 'auto'] as const)('leases tail --source %s: a poll that is not a lease collection', (source) => {
  it('is a failed poll (said on stderr), never "no leases": no false Released, the real ones once each', async ({onTestFinished}) => {
    const sandbox = await startTestSandbox({seed: 'demo', octopusVersion: '2026.1'})
    onTestFinished(() => sandbox.close())
    const proxy = await startProxy(sandbox.url)
    // Registered after the sandbox's, so run before it: finished hooks unwind as a stack.
    onTestFinished(() => proxy.close())
    const tail = startCli(['leases', 'tail', '--json', '--interval', '0.2', '--debug', '--source', source], {url: proxy.url, apiKey: sandbox.apiKey})
    await tail.waitForStderr(/Following worker leases/)
    const sim = await startSimulation(sandbox, {Tasks: 2, Concurrency: 2, MinDurationMs: 4000, MaxDurationMs: 4000, WorkerPoolIds: ['WorkerPools-1', 'WorkerPools-2']})
    await tail.waitForLines(2)

    proxy.badBodies.push(
      {type: 'text/html; charset=utf-8', body: '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>…</form></body></html>'},
      {type: 'application/json', body: '[]'},
      {type: 'application/json', body: '{"Message":"maintenance"}'},
    )
    await tail.waitForStderr(/(Poll failed: .*){3}/s)
    // The leases are still held, and nothing said otherwise.
    expect((await leaseHistory(sandbox)).filter((l) => l.ReleasedAt === null)).toHaveLength(2)
    expect(jsonLines(tail.stdout()).map((e) => e.Event)).toEqual(['Leased', 'Leased'])
    // The client's own shape check names the HTML answer first; the lease source's check would too.
    expect(tail.stderr()).toMatch(/Poll failed: .*GET \/api\/Spaces-1\/workertaskleases\?skip=0&take=1000 got text\/html, \d+ B, not a JSON object.*; retrying in/)
    expect(tail.stderr()).toMatch(/Poll failed: .*workertaskleases.* got a JSON array of 0 items/)
    await tail.waitForStderr(/Reconnected after/)

    await simulationDone(sandbox, sim.Id)
    const history = await leaseHistory(sandbox)
    await tail.waitForLines(4)
    await waitForMorePolls(tail, 2)
    tail.child.kill('SIGINT')
    expect(await tail.exit).toBe(0)
    const events = jsonLines(tail.stdout())
    expect(events.map((e) => `${e.Event} ${e.LeaseId}`).sort()).toEqual(history.flatMap((l) => [`Leased ${l.Id}`, `Released ${l.Id}`]).sort())
  })
})
