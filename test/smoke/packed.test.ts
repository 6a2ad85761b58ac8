// The smoke tier (`npm run test:smoke`, not part of `npm test`): the tarball `npm pack` makes,
// installed with `npm install -g` into a prefix of its own, run as a user runs it. It checks what
// only the packed artifact can show: every command is there and answers --help, real commands
// work against a sandbox, nothing is loaded from node_modules that a command does not need, and
// stack traces under --debug name the TypeScript sources.
import {spawn} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import {createRequire} from 'node:module'
import type {AddressInfo} from 'node:net'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {packAndInstall, type InstalledCli} from '../../scripts/pack-install.js'
import {RUNTIME_DEPENDENCIES, commandFiles} from '../../scripts/build-bundle.js'
import {startTestSandbox, type Sandbox} from '../helpers/sandbox.js'
import {tempDir} from '../helpers/temp.js'

interface Run {
  stdout: string
  stderr: string
  exitCode: number
}

let cli: InstalledCli
let sandbox: Sandbox
const home = tempDir('octoworkers-smoke-home')

/** Runs the installed command with a clean environment (nothing from the developer's shell). */
function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base: Record<string, string> = {PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: path.join(home, 'config'), XDG_CACHE_HOME: path.join(home, 'cache'), NO_COLOR: '1', CI: '1'}
  return new Promise((resolve, reject) => {
    const child = spawn(cli.bin, args, {env: {...base, ...env}, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({stdout, stderr, exitCode: code ?? 1}))
  })
}

const onSandbox = () => ({OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey})

beforeAll(async () => {
  ;[cli, sandbox] = await Promise.all([packAndInstall(tempDir('octoworkers-smoke-package')), startTestSandbox({seed: 'demo'})])
})
afterAll(async () => {
  await sandbox?.close()
})

describe('the installed package', () => {
  it('ships the bundle, its source maps and the oclif manifest, not the compiled tree', () => {
    const pkg = path.join(cli.prefix, 'lib/node_modules/octoworkers')
    const manifestText = readFileSync(path.join(pkg, 'oclif.manifest.json'), 'utf8')
    // Compact ASCII (scripts/compact-manifest.js): every run reads and parses it.
    expect(manifestText).not.toMatch(/[^\x20-\x7e]/)
    const manifest = JSON.parse(manifestText)
    expect(Object.keys(manifest.commands).sort()).toEqual([...commandFiles().map(([id]) => id), 'autocomplete', 'autocomplete:create', 'autocomplete:script', 'help'].sort())
    const map = JSON.parse(readFileSync(path.join(pkg, 'dist/bundle/cli.cjs.map'), 'utf8'))
    expect(map.sources.map((s: string) => s.replaceAll('\\', '/'))).toContainEqual(expect.stringMatching(/(^|\/)src\/commands\/whoami\.ts$/))
    expect(() => readFileSync(path.join(pkg, 'dist/commands/whoami.js'))).toThrow()
  })

  it('--version prints name/version', async () => {
    const version = JSON.parse(readFileSync(path.join(cli.prefix, 'lib/node_modules/octoworkers/package.json'), 'utf8')).version
    const r = await run(['--version'])
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toMatch(new RegExp(`^octoworkers/${version.replaceAll('.', '\\.')} `))
  })

  it('every command answers --help (exit 0, with its usage)', async () => {
    const ids = [...commandFiles().map(([id]) => id), 'autocomplete']
    const results = await Promise.all(ids.map(async (id) => ({id, r: await run([...id.split(':'), '--help'])})))
    for (const {id, r} of results) {
      expect(r.exitCode, `${id}: ${r.stderr}`).toBe(0)
      expect(r.stdout, id).toContain(`$ octoworkers ${id.replaceAll(':', ' ')}`)
    }
    // The help command (from @oclif/plugin-help, bundled) lists the topics and commands.
    const help = await run(['help'])
    expect(help.exitCode, help.stderr).toBe(0)
    expect(help.stdout).toMatch(/TOPICS[\s\S]*worker[\s\S]*COMMANDS[\s\S]*whoami/)
  })

  it('runs real commands against a sandbox', async () => {
    const whoami = await run(['whoami', '--json'], onSandbox())
    expect(whoami.exitCode, whoami.stderr).toBe(0)
    expect(JSON.parse(whoami.stdout)).toMatchObject({Server: sandbox.url, User: {Username: 'sandbox-admin'}, CredentialSource: 'env'})

    const workers = await run(['worker', 'list', '--json'], onSandbox())
    expect(workers.exitCode, workers.stderr).toBe(0)
    expect(JSON.parse(workers.stdout).length).toBeGreaterThan(0)

    const pools = await run(['pool', 'list'], onSandbox())
    expect(pools.exitCode, pools.stderr).toBe(0)
    expect(pools.stdout).toMatch(/Default Worker Pool/)

    const check = await run(['check', '--json', '--fail-on', 'never'], onSandbox())
    expect(check.exitCode, check.stderr).toBe(0)
    expect(JSON.parse(check.stdout)).toHaveProperty('Findings')

    // A config file with a naming convention: yaml and re2js, which the bundle loads from
    // dist/bundle/vendor, not from its own file.
    const config = path.join(tempDir('octoworkers-smoke-config'), '.octoworkers.yaml')
    writeFileSync(config, "conventions:\n  worker:\n    template: '{env}-{role}-worker-{nn}'\n    tokens:\n      env: [p, s]\n      role: [db, web]\n      nn: '\\d{2}'\n")
    const named = await run(['check', '--json', '--fail-on', 'never', '--config', config], onSandbox())
    expect(named.exitCode, named.stderr).toBe(0)
    expect(JSON.parse(named.stdout).Findings.some((f: {RuleId: string}) => f.RuleId === 'naming/worker')).toBe(true)

    const report = await run(['leases', 'report', '--since', '1d', '--json'], onSandbox())
    expect(report.exitCode, report.stderr).toBe(0)
    expect(JSON.parse(report.stdout)).toHaveProperty('TasksScanned')

    const unknown = await run(['pool', 'lst'], onSandbox())
    expect(unknown.exitCode).toBe(2)
    expect(unknown.stderr).toMatch(/Unknown command: pool lst\. Did you mean: .*pool list/)
  })

  it('the second run of a command uses the compile cache the first one wrote', async () => {
    const cacheHome = tempDir('octoworkers-smoke-cache')
    const env = {...onSandbox(), XDG_CACHE_HOME: cacheHome, OCTOWORKERS_DEBUG_COMPILE_CACHE: '1'}
    const first = await run(['whoami', '--json'], env)
    expect(first.exitCode, first.stderr).toBe(0)
    expect(first.stderr).toMatch(/^compile cache: written \(.*whoami-\w+-cli-v[\d.]+-\w+\.v8cache\)$/m)
    const second = await run(['whoami', '--json'], env)
    expect(second.stderr).toMatch(/^compile cache: used /m)
    expect(JSON.parse(second.stdout)).toEqual(JSON.parse(first.stdout))
  })

  it('whoami loads nothing from node_modules: oclif, axios and the rest are in the bundle, SQLite is not touched', async () => {
    const probe = path.join(tempDir('octoworkers-smoke-probe'), 'probe.cjs')
    const out = `${probe}.json`
    writeFileSync(probe, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(Object.keys(require.cache))))\n`)
    const r = await run(['whoami', '--json'], {...onSandbox(), NODE_OPTIONS: `--require=${probe}`})
    expect(r.exitCode, r.stderr).toBe(0)
    const loaded: string[] = JSON.parse(readFileSync(out, 'utf8'))
    // The package itself is installed under node_modules: what counts is what it loads from there.
    // (bin/run.js, CommonJS, is in require's cache beside the bundle).
    const own = path.join(cli.prefix, 'lib/node_modules/octoworkers') + path.sep
    expect(loaded.filter((file) => file.includes(`${path.sep}node_modules${path.sep}`) && !file.startsWith(own))).toEqual([])
    expect(loaded).toContain(path.join(own, 'dist', 'bundle', 'cli.cjs'))
    expect(loaded).toContain(path.join(own, 'bin', 'run.js'))
  })

  it('the dependencies the bundle leaves in node_modules resolve from the installed bundle, as it resolves them', () => {
    const fromBundle = createRequire(path.join(cli.prefix, 'lib/node_modules/octoworkers/dist/bundle/cli.cjs'))
    for (const [owner, name] of RUNTIME_DEPENDENCIES) {
      expect(() => createRequire(fromBundle.resolve(`${owner}/package.json`)).resolve(name), `${owner} -> ${name}`).not.toThrow()
    }
  })

  it('under --debug an error\'s stack trace names the TypeScript sources', async () => {
    // A server whose root document is fine and whose space list is not a list.
    const fake = http.createServer((req, res) => {
      res.setHeader('Content-Type', 'application/json')
      if (req.url === '/api') res.end(JSON.stringify({Application: 'Octopus Deploy', Version: '2026.1.0', ApiVersion: '3.0.0', Links: {}}))
      else res.end(JSON.stringify('not a list of spaces'))
    })
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve))
    try {
      const server = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`
      const r = await run(['whoami', '--debug'], {OCTOPUS_URL: server, OCTOPUS_API_KEY: 'API-SMOKETEST0000000000000000'})
      expect(r.exitCode).toBe(1)
      expect(r.stderr).toMatch(/^Error: Unexpected answer from .* not a JSON array of spaces/m)
      expect(r.stderr).toMatch(/src\/octopus\/[a-z-]+\.ts:\d+:\d+/)
      const plain = await run(['whoami'], {OCTOPUS_URL: server, OCTOPUS_API_KEY: 'API-SMOKETEST0000000000000000'})
      expect(plain.stderr).not.toMatch(/\n\s+at /)
    } finally {
      fake.close()
    }
  })
})
