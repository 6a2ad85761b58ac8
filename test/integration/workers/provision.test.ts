import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse as parseYaml} from 'yaml'
import {binPath, parseJson, repoRoot, runCli, tempConfigHome, type CliResult} from '../../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {tempDir} from '../../helpers/temp.js'
import {THUMB, expectRejected, workersOf} from './helpers.js'

const FACTS = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/provision/variables.json'), 'utf8')) as Record<string, Record<string, string[]>>
const POOL = 'Production Database Omaha Worker Pool'

let sb: Sandbox
beforeAll(async () => {
  sb = await startTestSandbox({seed: 'demo'})
})
afterAll(async () => sb?.close())

/** A provision run whose credential is the sandbox's key, given (as CI would) in OCTOPUS_API_KEY: it must never be printed. */
function provision(args: string[], options: {cwd?: string} = {}): Promise<CliResult> {
  return runCli(['worker', 'provision', ...args], {env: {OCTOPUS_URL: sb.url, OCTOPUS_API_KEY: sb.apiKey}, cwd: options.cwd})
}

function expectNoKey(result: CliResult): void {
  expect(result.stdout).not.toContain(sb.apiKey)
  expect(result.stderr).not.toContain(sb.apiKey)
}

function bashSyntax(script: string): void {
  const check = spawnSync('bash', ['-n'], {input: script, encoding: 'utf8'})
  expect(check.status, check.stderr).toBe(0)
}

/**
 * Runs a script with stand-ins for docker, kubectl and helm that record their arguments, the
 * environment variables they were given and their stdin: what the real programs would receive.
 */
function runWithStandIns(script: string, env: Record<string, string>): {calls: Array<{program: string; args: string[]; stdin: string; env: Record<string, string>}>} {
  const dir = tempDir('octoworkers-provision-bin')
  const log = path.join(dir, 'calls.jsonl')
  const recorder = `#!/usr/bin/env node
const fs = require('node:fs')
const path = require('node:path')
let stdin = ''
try { if (!process.stdin.isTTY) stdin = fs.readFileSync(0, 'utf8') } catch {}
const pick = ['ServerApiKey', 'CustomPublicHostName']
const env = Object.fromEntries(pick.filter((k) => k in process.env).map((k) => [k, process.env[k]]))
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({program: path.basename(process.argv[1]), args: process.argv.slice(2), stdin, env}) + '\\n')
if (process.argv.includes('--dry-run=client')) process.stdout.write('kind: Namespace\\n')
`
  mkdirSync(dir, {recursive: true})
  for (const program of ['docker', 'kubectl', 'helm', 'hostname']) {
    writeFileSync(path.join(dir, program), program === 'hostname' ? '#!/bin/sh\necho builder.example.com\n' : recorder)
    chmodSync(path.join(dir, program), 0o755)
  }
  const run = spawnSync('bash', ['-e', '-c', script], {encoding: 'utf8', env: {PATH: `${dir}:${process.env.PATH}`, ...env}})
  expect(run.status, run.stderr).toBe(0)
  const calls = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line))
  return {calls}
}

describe('worker provision: the printed commands', () => {
  for (const mode of ['listening', 'polling'] as const) {
    it(`docker (${mode}): a shell command that names every worker variable, passes the key through docker's environment, never its arguments`, async () => {
      const result = await provision(['docker', 'p-db-omaha-worker-09', '--pool', POOL, ...(mode === 'polling' ? ['--polling'] : [])])
      expect(result.exitCode, result.stderr).toBe(0)
      expectNoKey(result)
      bashSyntax(result.stdout)
      for (const variable of [...FACTS.docker.always, ...FACTS.docker[mode]]) expect(result.stdout).toMatch(new RegExp(`--env '?${variable}[=\\s']`))
      const {calls} = runWithStandIns(result.stdout, {OCTOPUS_API_KEY: 'API-KNOWNVALUE0000000000000000'})
      const docker = calls.find((c) => c.program === 'docker')!
      expect(docker.args.join(' ')).not.toContain('API-KNOWNVALUE')
      expect(docker.env.ServerApiKey).toBe('API-KNOWNVALUE0000000000000000')
      expect(docker.args).toContain(`TargetWorkerPool=${POOL}`)
      expect(docker.args.at(-1)).toBe('octopusdeploy/tentacle')
      if (mode === 'listening') expect(docker.env.CustomPublicHostName).toBe('builder.example.com')
      else expect(docker.args).toContain(`ServerCommsAddress=https://127.0.0.1:10943/`)
    })

    it(`linux (${mode}): the Tentacle sequence parses and names every option the quick start uses`, async () => {
      const result = await provision(['linux', 'p-db-omaha-worker-09', '--pool', POOL, ...(mode === 'polling' ? ['--polling'] : [])])
      expect(result.exitCode, result.stderr).toBe(0)
      expectNoKey(result)
      bashSyntax(result.stdout)
      for (const option of [...FACTS.linux.always, ...FACTS.linux[mode]]) expect(result.stdout).toContain(option)
      expect(result.stdout).toContain('--apiKey "$OCTOPUS_API_KEY"')
      const order = ['create-instance', 'new-certificate', 'configure', 'register-worker', 'service --install --start'].map((step) => result.stdout.indexOf(step))
      expect(order).toEqual([...order].sort((a, b) => a - b))
    })
  }

  it('kubernetes: the Helm values are YAML naming every worker value, the key goes into a secret from stdin, and --json gives the same values', async () => {
    const result = await provision(['kubernetes', 'p-db-omaha-worker-09', '--pool', POOL, '--pool', 'test pool'])
    expect(result.exitCode, result.stderr).toBe(0)
    expectNoKey(result)
    bashSyntax(result.stdout)
    const {calls} = runWithStandIns(result.stdout, {OCTOPUS_API_KEY: 'API-KNOWNVALUE0000000000000000'})
    for (const call of calls) expect(call.args.join(' ')).not.toContain('API-KNOWNVALUE')
    const secret = calls.find((c) => c.program === 'kubectl' && c.args.includes('secret'))!
    expect(secret.stdin).toBe('API-KNOWNVALUE0000000000000000')
    const helm = calls.find((c) => c.program === 'helm')!
    const values = parseYaml(helm.stdin)
    const flat = (o: any, prefix = ''): string[] => Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) ? flat(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
    for (const key of FACTS.kubernetes.always) expect(flat(values)).toContain(key)
    expect(values.agent).toMatchObject({acceptEula: 'Y', name: 'p-db-omaha-worker-09', serverUrl: sb.url, space: 'Default', worker: {enabled: true, initial: {workerPools: [POOL, 'test pool']}}})
    expect(helm.args).toEqual(expect.arrayContaining(['upgrade', '--install', 'oci://registry-1.docker.io/octopusdeploy/kubernetes-agent', '--values', '-']))
    const json = parseJson(await provision(['kubernetes', 'p-db-omaha-worker-09', '--pool', POOL, '--pool', 'test pool', '--json']))
    expect(json.Kubernetes.Values).toEqual(values)
    expect(json.Kubernetes.Secret).toEqual({Name: values.agent.serverApiKeySecretName, Key: 'api-key'})
  })

  it('--json (docker): image, env and args as data; the key only as where it is read from', async () => {
    const result = await provision(['docker', 'p-db-omaha-worker-09', '--pool', 'WorkerPools-5', '--polling', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expectNoKey(result)
    const doc = parseJson(result)
    expect(doc).toMatchObject({Kind: 'docker', Name: 'p-db-omaha-worker-09', Polling: true, ReadsEnvironment: ['OCTOPUS_API_KEY'], WorkerPools: [{Id: 'WorkerPools-5', Name: 'test pool'}], Docker: {Image: 'octopusdeploy/tentacle'}})
    expect(doc.Docker.Env).toContainEqual({Name: 'ServerApiKey', FromEnvironment: 'OCTOPUS_API_KEY'})
    expect(doc.Script.join('\n')).toContain('docker run')
  })
})

describe('worker provision: bad input changes nothing', () => {
  it('an unknown pool is exit 4 with candidates', async () => {
    await expectRejected(sb, ['worker', 'provision', 'docker', 'p-db-omaha-worker-09', '--pool', 'Production Database Omaha Worker Pol'], 4,
      "Worker pool 'Production Database Omaha Worker Pol' not found. Did you mean: 'Production Database Omaha Worker Pool'")
  })

  it('an unknown kind is exit 2', async () => {
    await expectRejected(sb, ['worker', 'provision', 'windows', 'p-db-omaha-worker-09', '--pool', POOL], 2, /windows/)
  })

  it('a dynamic pool is exit 2', async () => {
    await expectRejected(sb, ['worker', 'provision', 'docker', 'p-db-omaha-worker-09', '--pool', 'Hosted Ubuntu'], 2, "'Hosted Ubuntu' is a dynamic pool")
  })

  it('a name already registered is exit 5; --force prints the commands and says what they replace', async () => {
    await expectRejected(sb, ['worker', 'provision', 'linux', 'p-db-omaha-worker-03', '--pool', POOL], 5, "A worker named 'p-db-omaha-worker-03' is already registered")
    const forced = await provision(['linux', 'p-db-omaha-worker-03', '--pool', POOL, '--force'])
    expect(forced.exitCode, forced.stderr).toBe(0)
    expect(forced.stderr).toContain('replaces it (--force)')
  })

  it('a name that breaks the naming convention is exit 2 naming the problem; --force passes', async () => {
    const cwd = tempDir('octoworkers-provision-cwd')
    writeFileSync(path.join(cwd, '.octoworkers.yaml'), [
      'conventions:',
      '  worker:',
      '    template: "{env}-{role}-{location}-worker-{nn}"',
      '    tokens:',
      '      env: [d, t, s, p]',
      "      role: '[a-z]+'",
      "      location: '[a-z]+'",
      "      nn: '\\d{2}'",
      '',
    ].join('\n'))
    const before = await workersOf(sb)
    const bad = await provision(['docker', 'build-box', '--pool', POOL], {cwd})
    expect(bad.exitCode, bad.stderr).toBe(2)
    expect(bad.stderr).toContain("Worker name 'build-box' breaks the naming convention")
    expect(bad.stdout).toBe('')
    expect(await workersOf(sb)).toEqual(before)
    const good = await provision(['docker', 'p-db-omaha-worker-09', '--pool', POOL], {cwd})
    expect(good.exitCode, good.stderr).toBe(0)
    const forced = await provision(['docker', 'build-box', '--pool', POOL, '--force', '--json'], {cwd})
    expect(forced.exitCode, forced.stderr).toBe(0)
    expect(parseJson(forced).NamingConvention).toMatchObject({Status: 'overridden'})
  })
})

/** A `provision --wait` as a process of its own; resolves once its stderr says it is waiting for the worker to register. */
function waitingProvision(name: string, extra: string[] = []): {waiting: Promise<void>; done: Promise<{code: number | null; stdout: string; stderr: string}>} {
  const child = spawn(process.execPath, [binPath, 'worker', 'provision', 'docker', name, '--pool', POOL, '--pool', 'test pool', '--polling', '--wait', ...extra], {
    env: {PATH: process.env.PATH!, OCTOPUS_URL: sb.url, OCTOPUS_API_KEY: sb.apiKey, XDG_CONFIG_HOME: tempConfigHome(), NO_COLOR: '1'},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  let signalWaiting: () => void
  const waiting = new Promise<void>((resolve) => (signalWaiting = resolve))
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => {
    stderr += chunk
    if (stderr.includes('not registered yet')) signalWaiting()
  })
  const done = new Promise<{code: number | null; stdout: string; stderr: string}>((resolve) => child.on('close', (code) => {
    signalWaiting()
    resolve({code, stdout, stderr})
  }))
  return {waiting, done}
}

/** What a Tentacle's `register-worker` sends: a polling worker in the pools, by name resolved to IDs. */
async function registerAsTentacle(name: string, subscription: string): Promise<void> {
  const created = await api(sb, 'POST', '/api/Spaces-1/workers', {
    Name: name, WorkerPoolIds: ['WorkerPools-2', 'WorkerPools-5'], IsDisabled: false,
    Endpoint: {CommunicationStyle: 'TentacleActive', Uri: `poll://${subscription}/`, Thumbprint: THUMB},
  })
  expect(created.status, created.text).toBe(201)
}

describe('worker provision --wait', () => {
  it('two waiting runs each see their worker registered through the API, health-check it, and end when it is available', async () => {
    const first = waitingProvision('p-db-omaha-worker-11', ['--wait-timeout', '30s'])
    const second = waitingProvision('p-db-omaha-worker-12', ['--wait-timeout', '30s'])
    await Promise.all([first.waiting, second.waiting])
    await Promise.all([registerAsTentacle('p-db-omaha-worker-11', 'sub11'), registerAsTentacle('p-db-omaha-worker-12', 'sub12')])
    const [a, b] = await Promise.all([first.done, second.done])
    for (const [run, name] of [[a, 'p-db-omaha-worker-11'], [b, 'p-db-omaha-worker-12']] as const) {
      expect(run.code, run.stderr).toBe(0)
      expect(run.stdout).toContain('docker run')
      expect(run.stdout + run.stderr).not.toContain(sb.apiKey)
      expect(run.stderr).toMatch(new RegExp(`Worker '${name}' \\(Workers-\\d+\\) is registered in '${POOL}', 'test pool' and Healthy\\.`))
    }
    const workers = await workersOf(sb)
    expect(workers.filter((w) => w.Name.startsWith('p-db-omaha-worker-1'))).toHaveLength(2)
  })

  it('a worker that registers but is not available: exit 1 after --wait-timeout, naming what is missing', async () => {
    const run = waitingProvision('p-db-omaha-worker-13', ['--wait-timeout', '3s', '--json'])
    await run.waiting
    await registerAsTentacle('p-db-omaha-worker-13', 'unreachable13')
    const result = await run.done
    expect(result.code, result.stderr).toBe(1)
    const doc = JSON.parse(result.stdout)
    expect(doc.Wait).toMatchObject({Ready: false, Worker: {Name: 'p-db-omaha-worker-13', HealthStatus: 'Unavailable'}})
    expect(doc.Wait.Missing[0]).toMatch(/^health Unavailable/)
    expect(doc.Wait.HealthTaskIds).toHaveLength(1)
  })
})
