import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {mkdir, readdir, readFile, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson, runCli, tempConfigHome} from '../../helpers/cli.js'

// Bad input that needs no Octopus Server: each one is a clear error, the documented exit code,
// and nothing written under XDG_CONFIG_HOME.

const KEY = 'API-NEVERSHOWN0123456789'

/** A web server that is not Octopus: an HTML page everywhere, or a 404 at /api. */
async function startHttpServer(handler: 'html' | 'not-found'): Promise<{url: string; server: Server}> {
  const server = createServer((_req, res) => {
    if (handler === 'html') {
      res.writeHead(200, {'content-type': 'text/html'}).end('<!doctype html><html><body>Welcome to nginx!</body></html>')
    } else {
      res.writeHead(404, {'content-type': 'text/plain'}).end('Not Found')
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server}
}

async function filesUnder(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, {recursive: true})).map(String)
  } catch {
    return []
  }
}

function expectOneClearError(result: {stdout: string; stderr: string}, pattern: RegExp, opts: {debug?: boolean} = {}): void {
  expect(result.stderr).toMatch(/^Error: /m)
  expect(result.stderr).toMatch(pattern)
  // A stack trace only with --debug.
  if (!opts.debug) expect(result.stderr).not.toMatch(/\n\s+at /)
  expect(result.stdout).toBe('')
}

describe('bad input without a server', () => {
  const servers: Server[] = []
  let htmlUrl: string
  let notFoundUrl: string

  beforeAll(async () => {
    const html = await startHttpServer('html')
    const notFound = await startHttpServer('not-found')
    servers.push(html.server, notFound.server)
    htmlUrl = html.url
    notFoundUrl = notFound.url
  })
  afterAll(() => {
    for (const s of servers) s.close()
  })

  it('login --server not-a-url: exit 2, nothing saved', async () => {
    const configHome = tempConfigHome()
    const result = await runCli(['login', '--server', 'not-a-url', '--api-key-stdin', '--insecure-storage'], {input: KEY, configHome})
    expect(result.exitCode).toBe(2)
    expectOneClearError(result, /'not-a-url' is not a valid server URL/)
    expect(await filesUnder(configHome)).toEqual([])
  })

  it('whoami --server not-a-url: exit 2, with a JSON error under --json', async () => {
    const result = await runCli(['whoami', '--server', 'not-a-url', '--json'], {env: {OCTOPUS_API_KEY: KEY}})
    expect(result.exitCode).toBe(2)
    expect(parseJson(result).Error).toMatchObject({Code: 'usage', ExitCode: 2, Message: expect.stringContaining('not-a-url')})
  })

  it.each(['html', 'not-found'] as const)('login to a server that is not Octopus (%s at /api): exit 2, nothing saved', async (kind) => {
    const configHome = tempConfigHome()
    const url = kind === 'html' ? htmlUrl : notFoundUrl
    const result = await runCli(['login', '--server', url, '--api-key-stdin', '--insecure-storage'], {input: KEY, configHome})
    expect(result.exitCode).toBe(2)
    expectOneClearError(result, /does not look like an Octopus Server/)
    expect(await filesUnder(configHome)).toEqual([])
  })

  it('whoami against a server that is not Octopus: exit 2', async () => {
    const result = await runCli(['whoami'], {env: {OCTOPUS_URL: htmlUrl, OCTOPUS_API_KEY: KEY}})
    expect(result.exitCode).toBe(2)
    expectOneClearError(result, /does not look like an Octopus Server/)
  })

  it('login --api-key-stdin with empty stdin: exit 2, nothing saved, no request made', async () => {
    const configHome = tempConfigHome()
    const result = await runCli(['login', '--server', htmlUrl, '--api-key-stdin', '--insecure-storage', '--debug'], {input: '  \n', configHome})
    expect(result.exitCode).toBe(2)
    expectOneClearError(result, /No API key on stdin/, {debug: true})
    expect(result.stderr).not.toContain('[debug] GET')
    expect(await filesUnder(configHome)).toEqual([])
  })

  it('login without a TTY and without --api-key-stdin refuses (exit 2): the key is never a flag', async () => {
    const result = await runCli(['login', '--server', htmlUrl])
    expect(result.exitCode).toBe(2)
    expectOneClearError(result, /--api-key-stdin/)
  })

  it.each([
    ['--api-key KEY', ['--api-key', KEY]],
    ['--api-key=KEY', [`--api-key=${KEY}`]],
    ['--api-key with no value', ['--api-key']],
  ])('login %s (the Octopus CLI\'s flag): exit 2, one line with the way to use --api-key-stdin, the key not echoed, nothing saved', async (_name, flag) => {
    const configHome = tempConfigHome()
    const result = await runCli(['login', '--server', htmlUrl, ...flag], {configHome})
    expect(result.exitCode).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'Error: login takes the API key on stdin, never as a flag (a flag shows in `ps` and shell history): `printenv OCTOPUS_API_KEY | octoworkers login --server URL --api-key-stdin`.',
    ])
    expect(await filesUnder(configHome)).toEqual([])
    const json = await runCli(['login', ...flag, '--json'], {configHome})
    expect(json.exitCode).toBe(2)
    expect(json.stdout).not.toContain(KEY)
    expect(parseJson(json).Error).toMatchObject({Code: 'api-key-flag', ExitCode: 2, Message: expect.stringContaining('--api-key-stdin')})
  })

  it('login --api-key after `--` is not taken for the flag', async () => {
    const result = await runCli(['login', '--server', htmlUrl, '--api-key-stdin', '--insecure-storage', '--', '--api-key'], {input: KEY})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toMatch(/^Error: Unexpected argument: --api-key\.$/m)
  })

  it('login with no server anywhere and no terminal: exit 2 naming --server and OCTOPUS_URL', async () => {
    const configHome = tempConfigHome()
    const result = await runCli(['login', '--api-key-stdin', '--insecure-storage'], {input: KEY, configHome})
    expect(result.exitCode).toBe(2)
    expectOneClearError(result, /login needs --server URL \(or OCTOPUS_URL\) when it cannot prompt/)
    expect(await filesUnder(configHome)).toEqual([])
  })

  it('login with OCTOPUS_URL that is not a URL: exit 2 before reading the key, nothing saved', async () => {
    const configHome = tempConfigHome()
    const result = await runCli(['login', '--api-key-stdin', '--insecure-storage'], {input: '', configHome, env: {OCTOPUS_URL: 'not-a-url'}})
    expect(result.exitCode).toBe(2)
    expectOneClearError(result, /'not-a-url' is not a valid server URL/)
    expect(await filesUnder(configHome)).toEqual([])
  })

  it('--timeout -1: exit 2 before any request', async () => {
    for (const args of [['whoami', '--timeout', '-1'], ['whoami', '--timeout=-1', '--debug']]) {
      const result = await runCli(args, {env: {OCTOPUS_URL: htmlUrl, OCTOPUS_API_KEY: KEY}})
      expect(result.exitCode).toBe(2)
      expectOneClearError(result, /--timeout '-1' is not a duration/, {debug: args.includes('--debug')})
      expect(result.stderr).not.toContain('[debug] GET')
    }
    const login = await runCli(['login', '--server', htmlUrl, '--api-key-stdin', '--insecure-storage', '--timeout', '-1'], {input: KEY})
    expect(login.exitCode).toBe(2)
  })

  it('--ca-cert pointing to a missing file: exit 2', async () => {
    const missing = path.join(tempConfigHome(), 'no-such-ca.pem')
    const whoami = await runCli(['whoami', '--ca-cert', missing], {env: {OCTOPUS_URL: htmlUrl, OCTOPUS_API_KEY: KEY}})
    expect(whoami.exitCode).toBe(2)
    expectOneClearError(whoami, new RegExp(`--ca-cert: cannot read '${missing}'`))
    const configHome = tempConfigHome()
    const login = await runCli(['login', '--server', htmlUrl, '--api-key-stdin', '--insecure-storage', '--ca-cert', missing], {input: KEY, configHome})
    expect(login.exitCode).toBe(2)
    expect(await filesUnder(configHome)).toEqual([])
  })

  it('whoami with nothing configured: exit 3, "not logged in" with the ways in', async () => {
    const result = await runCli(['whoami'])
    expect(result.exitCode).toBe(3)
    expectOneClearError(result, /Not logged in/)
    expect(result.stderr).toMatch(/Hint: .*octoworkers login.*OCTOPUS_URL/)
  })

  it('an unknown --profile: exit 4, listing the profiles', async () => {
    const configHome = tempConfigHome()
    await mkdir(path.join(configHome, 'octoworkers'))
    await writeFile(path.join(configHome, 'octoworkers', 'config.yaml'), `profiles:\n  prod:\n    server: ${htmlUrl}\n  staging:\n    server: ${htmlUrl}\n`)
    const result = await runCli(['whoami', '--profile', 'qa'], {configHome})
    expect(result.exitCode).toBe(4)
    expectOneClearError(result, /Profile 'qa' not found. Profiles: prod, staging/)
  })

  describe('a corrupt config.yaml', () => {
    const corrupt = `profiles:\n  default:\n    server: ${'https://octopus.example.com'}\n    space: [Default\n`

    async function corruptConfigHome(): Promise<{configHome: string; file: string}> {
      const configHome = tempConfigHome()
      await mkdir(path.join(configHome, 'octoworkers'), {mode: 0o700})
      const file = path.join(configHome, 'octoworkers', 'config.yaml')
      await writeFile(file, corrupt, {mode: 0o600})
      return {configHome, file}
    }

    it('whoami: exit 2, naming the file and line', async () => {
      const {configHome, file} = await corruptConfigHome()
      const result = await runCli(['whoami'], {configHome})
      expect(result.exitCode).toBe(2)
      expectOneClearError(result, new RegExp(`${file}:4:`))
      const json = parseJson(await runCli(['whoami', '--json'], {configHome}))
      expect(json.Error).toMatchObject({ExitCode: 2, Code: 'config-invalid', File: file, Line: 4})
    })

    it.each([
      ['login', ['login', '--server', 'https://octopus.example.com', '--api-key-stdin', '--insecure-storage']],
      ['logout', ['logout']],
    ])('%s: exit 2, and the file is left exactly as it was', async (_name, args) => {
      const {configHome, file} = await corruptConfigHome()
      const before = await stat(file)
      const result = await runCli(args, {configHome, input: KEY})
      expect(result.exitCode).toBe(2)
      expectOneClearError(result, new RegExp(`${file}:4:`))
      expect(await readFile(file, 'utf8')).toBe(corrupt)
      const after = await stat(file)
      expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs])
      expect(await filesUnder(path.join(configHome, 'octoworkers'))).toEqual(['config.yaml'])
    })
  })

  describe('no keychain (no D-Bus session)', () => {
    it.each([
      ['unset', undefined],
      ['invalid', 'unix:path=/nonexistent/octoworkers-bus'],
    ])('login with DBUS_SESSION_BUS_ADDRESS %s: exit 3, naming env vars and --insecure-storage; nothing saved', async (_what, address) => {
      const configHome = tempConfigHome()
      const result = await runCli(['login', '--server', htmlUrl, '--api-key-stdin'], {input: KEY, configHome, env: {DBUS_SESSION_BUS_ADDRESS: address}})
      expect(result.exitCode).toBe(3)
      expectOneClearError(result, /The OS keychain is locked or not available/)
      expect(result.stderr).toMatch(/Hint: .*OCTOPUS_URL and OCTOPUS_API_KEY.*login --insecure-storage/)
      expect(await filesUnder(configHome)).toEqual([])
    })

    it('whoami for a keychain profile: exit 3 "keychain unavailable", not "not logged in"', async () => {
      const configHome = tempConfigHome()
      await mkdir(path.join(configHome, 'octoworkers'))
      await writeFile(path.join(configHome, 'octoworkers', 'config.yaml'), `profiles:\n  default:\n    server: ${htmlUrl}\n    keyStore: keychain\n`)
      const result = await runCli(['whoami', '--json'], {configHome, env: {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/octoworkers-bus'}})
      expect(result.exitCode).toBe(3)
      expect(parseJson(result).Error).toMatchObject({Code: 'keychain-unavailable', ExitCode: 3})
    })
  })
})
