import {isDeepStrictEqual} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {runCli, tempConfigHome, type CliResult} from '../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../helpers/sandbox.js'
import type {Exchange} from '../../src/sandbox/index.js'
import {hasRoute, undeclaredRequestProperties, validateRequest, validateResponse} from './swagger.js'

/**
 * The client side of the contract: the REAL CLI is driven through every command that talks to the
 * server (the sandbox's default 2026.1 profile), and every request body it sent and every response
 * it got is validated against the Octopus 2021.2 swagger with the 2026.1 additions applied
 * (test/fixtures/octopus/api-2026.1-additions.json). A route the swagger lacks fails the test
 * unless it is a known exception.
 */

/**
 * Routes the CLI uses that the 2021.2 swagger does not describe, so nothing here can validate them.
 * `workertaskleases` was added after 2021.2 (current API reference; the exact version is unconfirmed)
 * and is probed, with a fall-back to task logs on 404. Add a route here only after checking that a
 * real Octopus serves it; sandbox-only `/api/sandbox/...` routes are never reported by onExchange.
 */
const ROUTES_NOT_IN_SWAGGER = new Set([
  'GET /{baseSpaceId}/workertaskleases',
  // A version-controlled project's process at a git ref (current API reference "Get the deployment
  // process for a version-controlled project"; the project's DeploymentProcess link on such servers).
  'GET /{baseSpaceId}/projects/{id}/{gitRef}/deploymentprocesses',
])

/**
 * Request fields the CLI itself sets that the 2021.2 swagger's request schemas do not declare. The
 * swagger allows undeclared fields, so without this list a misspelt field would pass validation and
 * be ignored by a real server. (Fields a full PUT merely sends back unchanged are not the CLI's.)
 */
const AUTHORED_FIELDS_NOT_IN_SWAGGER: Array<{routes: string[]; fields: string[]; reason: string}> = [
  {
    routes: ['POST /{baseSpaceId}/workers', 'PUT /{baseSpaceId}/workers/{id}'],
    fields: ['Endpoint.Uri', 'Endpoint.Thumbprint', 'Endpoint.ProxyId', 'Endpoint.Host', 'Endpoint.Port', 'Endpoint.Fingerprint', 'Endpoint.AccountId', 'Endpoint.DotNetCorePlatform'],
    reason: 'the swagger has only the base EndpointResource; these are the listening/polling Tentacle and SSH endpoint fields',
  },
  {
    routes: ['POST /{baseSpaceId}/workerpools', 'PUT /{baseSpaceId}/workerpools/{id}'],
    fields: ['WorkerType'],
    reason: 'a dynamic pool\'s worker image; the swagger has only the base WorkerPoolResource',
  },
]

/** Resources (objects with an Id) in a response: the body itself, an array's items, or a page's Items. */
function resourcesIn(body: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(body)) return body.filter((item) => resourceId(item) !== undefined)
  if (!body || typeof body !== 'object') return []
  const items = (body as {Items?: unknown}).Items
  return [...(resourceId(body) === undefined ? [] : [body as Record<string, unknown>]), ...(Array.isArray(items) ? resourcesIn(items) : [])]
}

function resourceId(value: unknown): string | undefined {
  const id = value && typeof value === 'object' && !Array.isArray(value) ? (value as {Id?: unknown}).Id : undefined
  return typeof id === 'string' ? id : undefined
}

/** The value at a dotted property path such as `Endpoint.Host` (paths from undeclaredRequestProperties). */
function valueAt(value: unknown, dotted: string): unknown {
  let at = value
  for (const key of dotted.split('.')) at = at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined
  return at
}

/** Routes that send a body; each must have been exercised, or a command silently stopped sending it. */
const BODY_ROUTES_EXPECTED = [
  'POST /{baseSpaceId}/workerpools',
  'PUT /{baseSpaceId}/workerpools/{id}',
  'PUT /{baseSpaceId}/workerpools/sortorder',
  'POST /{baseSpaceId}/workers',
  'PUT /{baseSpaceId}/workers/{id}',
  'POST /{baseSpaceId}/tasks',
  'PUT /featuresconfiguration',
]

const THUMBPRINT = 'C0FFEE00112233445566778899AABBCCDDEEFF01'
const POLLING_THUMBPRINT = 'C0FFEE00112233445566778899AABBCCDDEEFF02'
const SSH_FINGERPRINT = 'SHA256:Zk1c0ntr4ctT3stF1ng3rpr1ntAAAAAAAAAAAAAAAAA'

interface Step {
  args: string[]
  exitCode: number
  /** Run without OCTOPUS_URL/OCTOPUS_API_KEY, in this config dir, with this stdin. */
  login?: {configHome: string; input: string}
}

interface TaggedExchange extends Exchange {
  command: string
}

describe('the CLI\'s requests and the responses it gets match the Octopus 2021.2 swagger', () => {
  let sandbox: Sandbox
  const exchanges: TaggedExchange[] = []
  let currentCommand = '(setup)'

  beforeAll(async () => {
    sandbox = await startTestSandbox({seed: 'demo', onExchange: (e) => exchanges.push({...e, command: currentCommand})})
    // Completed deployments with lease log lines for `leases report`, and one long-running one so
    // `leases list` (both sources) has an active lease to read.
    const seeded = await api(sandbox, 'POST', '/api/sandbox/seed-completed-tasks', {Count: 3})
    expect(seeded.status, seeded.text).toBeLessThan(300)
    const sim = await api(sandbox, 'POST', '/api/sandbox/simulations', {Tasks: 1, Concurrency: 1, WorkerPoolIds: ['WorkerPools-2'], MinDurationMs: 600_000, MaxDurationMs: 600_000})
    expect(sim.status, sim.text).toBe(201)
  })
  afterAll(async () => sandbox?.close())

  it('runs every server command with the expected exit code', async () => {
    const loginHome = tempConfigHome()
    const steps: Step[] = [
      {args: ['whoami'], exitCode: 0},
      {args: ['login', '--server', sandbox.url, '--api-key-stdin', '--insecure-storage'], exitCode: 0, login: {configHome: loginHome, input: `${sandbox.apiKey}\n`}},
            {args: ['pool', 'list', '--json'], exitCode: 0},
      {args: ['pool', 'view', 'Production Database Omaha Worker Pool', '--json'], exitCode: 0},
      {args: ['pool', 'usage', '--all-spaces', '--json'], exitCode: 0},
      {args: ['pool', 'usage', 'Staging Linux Worker Pool', '--environment', 'Production', '--format', 'csv'], exitCode: 0},
      {args: ['pool', 'delete', 'Empty Windows Worker Pool', '-y'], exitCode: 5},
      {args: ['pool', 'create', 'Contract Static Pool', '--description', 'made by the contract test', '--sort-order', '2'], exitCode: 0},
      {args: ['pool', 'create', 'Contract Dynamic Pool', '--type', 'dynamic', '--worker-type', 'UbuntuDefault', '--json'], exitCode: 0},
      {args: ['pool', 'update', 'Contract Static Pool', '--name', 'Contract Static Pool 2', '--description', 'changed'], exitCode: 0},
      {args: ['pool', 'update', 'Contract Dynamic Pool', '--worker-type', 'WindowsDefault', '--description', ''], exitCode: 0},
      {args: ['pool', 'set-default', 'Contract Static Pool 2'], exitCode: 0},
      {args: ['pool', 'set-default', 'Default Worker Pool', '--json'], exitCode: 0},
      {args: ['pool', 'reorder', 'Contract Static Pool 2', 'Default Worker Pool'], exitCode: 0},
      {args: ['worker', 'register', 'listening', 'contract-listening-01', '--pool', 'Contract Static Pool 2', '--url', 'https://contract-listening-01.example:10933/',
        '--thumbprint', THUMBPRINT, '--proxy', 'Corporate proxy', '--machine-policy', 'Default Machine Policy'], exitCode: 0},
      {args: ['worker', 'register', 'listening', 'contract-listening-01', '--pool', 'Contract Static Pool 2', '--pool', 'Empty Windows Worker Pool',
        '--url', 'https://contract-listening-01.example:10933/', '--thumbprint', THUMBPRINT, '--force', '--json'], exitCode: 0},
      {args: ['worker', 'register', 'polling', 'contract-polling-01', '--pool', 'Contract Static Pool 2', '--subscription-id', 'contractpoll01',
        '--thumbprint', POLLING_THUMBPRINT, '--disabled'], exitCode: 0},
      {args: ['worker', 'register', 'ssh', 'contract-ssh-01', '--pool', 'Contract Static Pool 2', '--host', 'contract-ssh-01.example', '--port', '2222',
        '--fingerprint', SSH_FINGERPRINT, '--account', 'Staging SSH key', '--platform', 'linux-x64', '--json'], exitCode: 0},
      {args: ['worker', 'update', 'contract-listening-01', '--remove-pool', 'Empty Windows Worker Pool', '--add-pool', 'test pool', '--name', 'contract-listening-02', '--force', '-y'], exitCode: 0},
      {args: ['worker', 'update', 'contract-ssh-01', '--add-pool', 'Empty Windows Worker Pool', '--machine-policy', 'MachinePolicies-1', '--json'], exitCode: 0},
      {args: ['worker', 'enable', 'contract-polling-01'], exitCode: 0},
      {args: ['worker', 'disable', 'contract-polling-01', 'contract-ssh-01', '--force', '-y', '--json'], exitCode: 0},
      {args: ['worker', 'enable', '--pool', 'Contract Static Pool 2'], exitCode: 0},
      {args: ['worker', 'list', '--pool', 'Contract Static Pool 2', '--health', 'Unknown', '--type', 'ssh', '--enabled', '--name-like', 'contract', '--json'], exitCode: 0},
      {args: ['worker', 'view', 'contract-ssh-01', '--json'], exitCode: 0},
      {args: ['worker', 'health', '--pool', 'Contract Static Pool 2', '--wait', '--wait-timeout', '30'], exitCode: 0},
      {args: ['worker', 'health', 'contract-ssh-01', '--json'], exitCode: 0},
      {args: ['builtin-worker', 'disable', '-y', '--force'], exitCode: 0},
      {args: ['builtin-worker', 'enable', '--json'], exitCode: 0},
      {args: ['check', '--all-spaces', '--fail-on', 'never'], exitCode: 0},
      {args: ['leases', 'list'], exitCode: 0},
      {args: ['leases', 'list', '--source', 'logs', '--json'], exitCode: 0},
      {args: ['leases', 'report', '--since', '1h'], exitCode: 0},
      {args: ['worker', 'delete', 'contract-listening-02', 'contract-polling-01', 'contract-ssh-01', '--force', '-y'], exitCode: 0},
      {args: ['pool', 'delete', 'Contract Static Pool 2', 'Contract Dynamic Pool', '-y'], exitCode: 0},
    ]

    const env = {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey}
    for (const step of steps) {
      currentCommand = step.args.join(' ')
      const before = exchanges.length
      const result: CliResult = step.login
        ? await runCli([...step.args, '--no-prompt'], {configHome: step.login.configHome, input: step.login.input})
        : await runCli([...step.args, '--no-prompt'], {env})
      expect(result.exitCode, `${currentCommand}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(step.exitCode)
      expect(exchanges.length, `${currentCommand} made no request`).toBeGreaterThan(before)
    }
    // About 35 CLI processes one after another: on a shared, busy machine that takes minutes.
  }, 300_000)

  it('every request body the CLI sent validates against the swagger', () => {
    const problems = exchanges
      .filter((e) => e.requestBody !== undefined && hasRoute(e.method, e.route))
      .flatMap((e) => validateRequest(e.method, e.route, e.requestBody, '2026.1').map((p) => `[${e.command}] ${p}`))
    expect(problems).toEqual([])
  })

  it('the CLI authors no request field the swagger does not declare, except the listed ones', () => {
    const lastSentByServer = new Map<string, unknown>()
    const authored = new Map<string, Set<string>>()
    for (const e of exchanges) {
      const key = `${e.method} ${e.route}`
      const echoedFrom = resourceId(e.requestBody) === undefined ? undefined : lastSentByServer.get(resourceId(e.requestBody)!)
      for (const field of undeclaredRequestProperties(e.method, e.route, e.requestBody)) {
        // A full PUT sends back what the server returned; only fields the CLI set itself are its own.
        if (echoedFrom !== undefined && isDeepStrictEqual(valueAt(echoedFrom, field), valueAt(e.requestBody, field))) continue
        if (AUTHORED_FIELDS_NOT_IN_SWAGGER.some((a) => a.routes.includes(key) && a.fields.includes(field))) continue
        authored.set(`${key} ${field}`, (authored.get(`${key} ${field}`) ?? new Set()).add(e.command))
      }
      for (const resource of resourcesIn(e.responseBody)) lastSentByServer.set(resourceId(resource)!, resource)
    }
    expect([...authored].map(([field, commands]) => `${field} (sent by: ${[...commands].join(' | ')})`)).toEqual([])
  })

  it('every response the CLI got validates against the swagger', () => {
    const problems = exchanges
      .filter((e) => hasRoute(e.method, e.route))
      .flatMap((e) => validateResponse(e.method, e.route, e.status, e.responseBody, '2026.1').map((p) => `[${e.command}] ${p}`))
    expect(problems).toEqual([])
  })

  it('every route the CLI used is in the swagger or a listed exception; every body-sending route was exercised', () => {
    const used = new Map<string, {count: number; statuses: Set<number>; commands: Set<string>}>()
    for (const e of exchanges) {
      const key = `${e.method} ${e.route}`
      const entry = used.get(key) ?? {count: 0, statuses: new Set(), commands: new Set()}
      entry.count++
      entry.statuses.add(e.status)
      entry.commands.add(e.command.split(' --')[0]!)
      used.set(key, entry)
    }
    const lines = [...used.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, v]) => {
      const [method, route] = key.split(' ') as [string, string]
      const mark = hasRoute(method, route) ? 'validated' : ROUTES_NOT_IN_SWAGGER.has(key) ? 'EXCEPTION (not in swagger)' : 'NOT IN SWAGGER'
      return `${key.padEnd(52)} ${String(v.count).padStart(4)}x  status ${[...v.statuses].sort().join(',').padEnd(8)} ${mark}`
    })
    // On request only: a passing run prints nothing but the reporter.
    if (process.env.CONTRACT_REPORT) console.log(`Routes the CLI used (${used.size}, ${exchanges.length} requests):\n${lines.join('\n')}`)

    const unlisted = [...used.keys()].filter((key) => {
      const [method, route] = key.split(' ') as [string, string]
      return !hasRoute(method, route) && !ROUTES_NOT_IN_SWAGGER.has(key)
    })
    expect(unlisted, 'routes the swagger lacks: validate them another way, or list them with a reason').toEqual([])
    // An exception must really be missing from the swagger, or it hides a route that could be validated.
    expect([...ROUTES_NOT_IN_SWAGGER].filter((key) => hasRoute(...(key.split(' ') as [string, string])))).toEqual([])
    expect(BODY_ROUTES_EXPECTED.filter((key) => !used.has(key))).toEqual([])
    expect(exchanges.filter((e) => e.status >= 500).map((e) => `[${e.command}] ${e.method} ${e.route} ${e.status}`)).toEqual([])
  })

  it('the checks above can fail: a wrong request body and a wrong response are reported', () => {
    expect(validateRequest('POST', '/{baseSpaceId}/workers', {Name: 'x', WorkerPoolIds: 'WorkerPools-1', Endpoint: {Port: 'twenty-two'}})).not.toEqual([])
    expect(validateResponse('GET', '/{baseSpaceId}/workerpools/{id}', 200, {Id: 1, IsDefault: 'yes'})).not.toEqual([])
    expect(validateRequest('PUT', '/{baseSpaceId}/workerpools/sortorder', [{Id: 'WorkerPools-1'}])).not.toEqual([])
    expect(undeclaredRequestProperties('POST', '/{baseSpaceId}/workerpools', {Name: 'x', Descripton: 'typo', Endpoint: {}})).toEqual(['Descripton', 'Endpoint'])
    expect(undeclaredRequestProperties('POST', '/{baseSpaceId}/workers', {Name: 'x', Endpoint: {CommunicationStyle: 'Ssh', Hots: 'h'}})).toEqual(['Endpoint.Hots'])
    expect(hasRoute('GET', '/{baseSpaceId}/workertaskleases')).toBe(false)
  })
})
