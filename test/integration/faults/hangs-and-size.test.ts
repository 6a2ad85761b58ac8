import {describe, expect, it} from 'vitest'
import type {Sandbox} from '../../helpers/sandbox.js'
import {runCli} from '../../helpers/cli.js'
import type {FaultServer} from '../../fault-server/index.js'
import {octoVia, withFaultedSandbox} from './helpers.js'

// --timeout bounds the whole exchange, headers to last byte, and the
// waits between retries; a response body is capped in size and refused while it streams in.
// Each run is killed after 20 s, so a command that hangs fails the test (exit 137-ish, not 1).

const KILL_AFTER_MS = 20_000
let sandbox: Sandbox
let faults: FaultServer
withFaultedSandbox((s, f) => {
  sandbox = s
  faults = f
})

describe('--timeout bounds the whole exchange', () => {
  it('a body dripping at 1 byte/s ends at --timeout 3 with a clear line, exit 1', async () => {
    faults.add({mode: 'slow', method: 'GET', path: '/api/Spaces-1/workerpools/all', bytesPerSecond: 1})
    const result = await octoVia(faults, sandbox, ['pool', 'list', '--timeout', '3'], {}, KILL_AFTER_MS)
    expect(result.exitCode, result.stderr).toBe(1)
    expect(result.stderr).toMatch(/Timed out after 3s waiting for http:\/\/127\.0\.0\.1:\d+ \(GET \/api\/Spaces-1\/workerpools\/all\)/)
  })

  it('a server that never answers ends at --timeout, exit 1', async () => {
    faults.add({mode: 'hang', method: 'GET', path: '/api/spaces/all'})
    const result = await octoVia(faults, sandbox, ['worker', 'list', '--timeout', '1', '--json'], {}, KILL_AFTER_MS)
    expect(result.exitCode, result.stderr).toBe(1)
    // The client words the remedy as its setting; the CLI names the flag that sets it.
    expect(JSON.parse(result.stdout).Error).toMatchObject({Code: 'timeout', Hint: 'Raise --timeout, or check the network path to the server.'})
  })

  it('login takes --timeout as every command does: a server that never answers ends at 1s, exit 1', async () => {
    faults.add({mode: 'hang', method: 'GET', path: '/api'})
    const result = await runCli(['login', '--server', faults.url, '--api-key-stdin', '--insecure-storage', '--timeout', '1'], {input: sandbox.apiKey, timeoutMs: KILL_AFTER_MS})
    expect(result.exitCode, result.stderr).toBe(1)
    expect(result.stderr).toMatch(/Timed out after 1s waiting for http:\/\/127\.0\.0\.1:\d+ \(GET \/api\)/)
  })

  it('a Retry-After longer than the time left is not waited for (no 3 x 30 s): one request, the 503 and why', async () => {
    faults.add({mode: 'body', method: 'GET', path: '/api/Spaces-1/workerpools/all', status: 503, headers: {'Retry-After': '30'}, body: {ErrorMessage: 'Octopus Server is busy.'}})
    const result = await octoVia(faults, sandbox, ['pool', 'list', '--timeout', '5'], {}, KILL_AFTER_MS)
    expect(result.exitCode, result.stderr).toBe(1)
    expect(result.stderr).toContain('HTTP 503 from GET /api/Spaces-1/workerpools/all: Octopus Server is busy.')
    expect(result.stderr).toMatch(/asked to wait 30s before retrying, more than is left of the 5s --timeout/)
    expect(faults.requests.filter((r) => r.path === '/api/Spaces-1/workerpools/all')).toHaveLength(1)
  })

  it('a short Retry-After within the time left is still honoured: the retry succeeds', async () => {
    faults.add({mode: 'body', method: 'GET', path: '/api/Spaces-1/workerpools/all', status: 503, headers: {'Retry-After': '1'}, body: {ErrorMessage: 'busy'}, times: 1})
    const result = await octoVia(faults, sandbox, ['pool', 'list', '--json', '--timeout', '10'], {}, KILL_AFTER_MS)
    expect(result.exitCode, result.stderr).toBe(0)
    expect(faults.requests.filter((r) => r.path === '/api/Spaces-1/workerpools/all')).toHaveLength(2)
  })
})

describe('the response size cap', () => {
  it.each([
    ['streamed without a length', false, /passed the 1 MiB limit on a response's size/],
    ['with a Content-Length over the cap', true, /is 2\.0 MB, over the 1 MiB limit on a response's size/],
  ])('a body %s is refused with a clear line, exit 1 (OCTOWORKERS_MAX_RESPONSE_MB=1)', async (_label, declareLength, message) => {
    faults.add({mode: 'huge', method: 'GET', path: '/api/Spaces-1/workers/all', bytes: 2_000_000, declareLength})
    const result = await octoVia(faults, sandbox, ['worker', 'list'], {OCTOWORKERS_MAX_RESPONSE_MB: '1'}, KILL_AFTER_MS)
    expect(result.exitCode, result.stderr).toBe(1)
    expect(result.stderr).toMatch(/The response to GET \/api\/Spaces-1\/workers\/all /)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).toContain('OCTOWORKERS_MAX_RESPONSE_MB')
    expect(result.stderr).not.toMatch(/Unexpected error|heap|stack/i)
  })

  it('a body under the cap is read as usual', async () => {
    const result = await octoVia(faults, sandbox, ['worker', 'list', '--json'], {OCTOWORKERS_MAX_RESPONSE_MB: '1'}, KILL_AFTER_MS)
    expect(result.exitCode, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout).length).toBeGreaterThan(0)
  })

  it.each(['0', 'lots', '1.5', '99999'])('OCTOWORKERS_MAX_RESPONSE_MB=%s is exit 2 naming the range, before any request', async (value) => {
    const result = await octoVia(faults, sandbox, ['pool', 'list'], {OCTOWORKERS_MAX_RESPONSE_MB: value}, KILL_AFTER_MS)
    expect(result.exitCode, result.stderr).toBe(2)
    expect(result.stderr).toContain('OCTOWORKERS_MAX_RESPONSE_MB must be a whole number of mebibytes from 1 to 4096')
    expect(faults.requests).toEqual([])
  })
})
