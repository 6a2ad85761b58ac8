/**
 * A data file is served again on the port it was last served on, when that port is free, so the
 * URL a profile saved keeps working after `sandbox start` is run again; and when a saved profile's
 * loopback server refuses the connection, the error says a sandbox may have moved and how to log
 * in again.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {createServer, type Server} from 'node:net'
import {createInterface} from 'node:readline'
import {afterEach, describe, expect, it} from 'vitest'
import {binPath, parseJson, runCli, tempConfigHome} from '../helpers/cli.js'
import {tempDataFile} from '../helpers/sandbox.js'

interface Started {
  child: ChildProcess
  Url: string
  ApiKey: string
  exited: Promise<number | null>
}

const children: ChildProcess[] = []
const servers: Server[] = []
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve))
})

/** `sandbox start --json` as a process of its own; resolves with its first line (URL and key). */
function startCli(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [binPath, 'sandbox', 'start', '--json', ...args], {stdio: ['ignore', 'pipe', 'pipe'], env: {PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1'}})
  children.push(child)
  let output = ''
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d))
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    createInterface({input: child.stdout!}).on('line', (line) => {
      output += line + '\n'
      if (/^\{".*\}$/.test(line)) resolve({child, ...JSON.parse(line), exited})
    })
    void exited.then((code) => reject(new Error(`sandbox start exited ${code}: ${output}`)))
  })
}

async function stop(started: Started): Promise<void> {
  started.child.kill('SIGTERM')
  expect(await started.exited).toBe(0)
}

const portOf = (url: string) => Number(new URL(url).port)

/** Holds a loopback port, as another program would. */
async function occupy(port: number): Promise<void> {
  const server = createServer()
  servers.push(server)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
}

describe('sandbox start on an existing data file', () => {
  it('serves on the port it last served on when that port is free, also with --port 0', async () => {
    const dataFile = tempDataFile()
    const first = await startCli(['--port', '0', '--data', dataFile])
    await stop(first)
    const again = await startCli(['--port', '0', '--data', dataFile])
    expect(again.Url).toBe(first.Url)
    await stop(again)
    // Without --port too (the default port is only the first choice of a new file).
    const third = await startCli(['--data', dataFile])
    expect(third.Url).toBe(first.Url)
    await stop(third)
  })

  it('takes another port when the last one is taken, and a port named with --port wins', async () => {
    const dataFile = tempDataFile()
    const first = await startCli(['--port', '0', '--data', dataFile])
    await stop(first)
    await occupy(portOf(first.Url))
    const moved = await startCli(['--port', '0', '--data', dataFile])
    expect(moved.Url).not.toBe(first.Url)
    await stop(moved)

    // Its last port is now the new one; an explicit --port is used as given.
    const named = await startCli(['--port', '0', '--data', ':memory:'])
    const free = portOf(named.Url)
    await stop(named)
    const explicit = await startCli(['--port', String(free), '--data', dataFile])
    expect(portOf(explicit.Url)).toBe(free)
    await stop(explicit)
  })

  it('a new data file (or memory) with --port 0 gets a random free port, as before', async () => {
    const a = await startCli(['--port', '0', '--data', tempDataFile()])
    const b = await startCli(['--port', '0', '--data', ':memory:'])
    expect(a.Url).not.toBe(b.Url)
  })
})

describe('a loopback server that refuses the connection', () => {
  it('a saved profile: exit 1, the hint says a sandbox may have moved and how to log in again', async () => {
    const sandbox = await startCli(['--port', '0', '--data', ':memory:'])
    const configHome = tempConfigHome()
    const login = await runCli(['login', '--server', sandbox.Url, '--api-key-stdin', '--insecure-storage', '--profile', 'local'], {input: sandbox.ApiKey, configHome})
    expect(login.exitCode, login.stderr).toBe(0)
    await stop(sandbox)

    const result = await runCli(['pool', 'list', '--profile', 'local'], {configHome})
    expect(result.exitCode).toBe(1)
    const lines = result.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('Warning:'))
    expect(lines).toEqual([
      `Error: Connection refused by ${sandbox.Url}.`,
      'Hint: If this was an octoworkers sandbox, it is stopped or serving on another port: start it (`octoworkers sandbox start`) and log in to the URL it prints again: `octoworkers login --server URL --profile local`.',
    ])
    const json = await runCli(['pool', 'list', '--profile', 'local', '--json'], {configHome})
    expect(json.exitCode).toBe(1)
    expect(parseJson(json).Error).toMatchObject({Code: 'network', Hint: expect.stringContaining('octoworkers sandbox start')})
  })

  it('OCTOPUS_URL: the hint says to point it at the URL the sandbox prints', async () => {
    const sandbox = await startCli(['--port', '0', '--data', ':memory:'])
    await stop(sandbox)
    const result = await runCli(['whoami'], {env: {OCTOPUS_URL: sandbox.Url, OCTOPUS_API_KEY: sandbox.ApiKey}})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('Hint: If this was an octoworkers sandbox, it is stopped or serving on another port: start it (`octoworkers sandbox start`) and set OCTOPUS_URL (or --server) to the URL it prints.')
  })

  it('a server elsewhere keeps the plain hint', async () => {
    // A host that does not resolve (.invalid, RFC 2606): not a refused loopback port, so no sandbox hint.
    const result = await runCli(['whoami', '--timeout', '2s'], {env: {OCTOPUS_URL: 'http://octoworkers-no-such-host.invalid:8065', OCTOPUS_API_KEY: 'API-NOSERVER0000'}})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).not.toContain('sandbox')
  })
})
