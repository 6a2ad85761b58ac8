/**
 * A small scripted Octopus Server that serves the foreign documents of one version
 * (test/fixtures/octopus/foreign/<version>/) and filters the way a real server of that version
 * does: it honours only the query parameters its own `Workers` / `Tasks` template lists (names
 * compared case-insensitively, as ASP.NET and Nancy bind them) and ignores every other one.
 * `mode: 'ignores-filters'` plays a server (or proxy) that honours none, so every answer is wider
 * than asked. Each request is recorded, and writes change the served documents.
 */
import {readFileSync} from 'node:fs'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {OctopusClient} from '../../../src/octopus/client.js'
import {templateVariables} from '../../../src/octopus/uri-template.js'

export const FOREIGN_VERSIONS = ['2019.7', '2023.1', '2026.1'] as const
export type ForeignVersion = (typeof FOREIGN_VERSIONS)[number]

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/octopus/foreign')

// Fixture documents are loose JSON on purpose: the point is what real servers send, not our types.
export type Doc = Record<string, any>

export function foreignDocument(version: ForeignVersion, name: string): any {
  return JSON.parse(readFileSync(path.join(fixtures, version, `${name}.json`), 'utf8'))
}

export interface RecordedRequest {
  method: string
  url: string
  body: string
}

export interface ForeignServer {
  url: string
  version: ForeignVersion
  requests: RecordedRequest[]
  workers: Doc[]
  pools: Doc[]
  tasks: Doc[]
  /** Answers to send instead, by exact path (a server or proxy that answers wrongly). */
  overrides: Map<string, unknown>
  client(): Promise<OctopusClient>
  close(): Promise<void>
}

export interface ForeignServerOptions {
  mode?: 'like-the-version' | 'ignores-filters'
  tasks?: Doc[]
}

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, {'Content-Type': 'application/json'})
  res.end(JSON.stringify(body))
}

/** The parameters a template of this version knows, lower-cased, so the server can ignore the rest. */
function knownParams(template: string): Set<string> {
  return new Set(templateVariables(template).map((n) => n.toLowerCase()))
}

function queryOf(url: URL, known: Set<string> | undefined): Map<string, string[]> {
  const query = new Map<string, string[]>()
  for (const [key, value] of url.searchParams) {
    if (known && !known.has(key.toLowerCase())) continue
    query.set(key.toLowerCase(), value.split(',').filter(Boolean))
  }
  return query
}

function page(items: Doc[], query: Map<string, string[]>, self: string) {
  const skip = Number(query.get('skip')?.[0] ?? 0)
  const take = Number(query.get('take')?.[0] ?? 30)
  const slice = items.slice(skip, skip + take)
  const links: Record<string, string> = {Self: self}
  if (skip + take < items.length) links['Page.Next'] = `${self.split('?')[0]}?skip=${skip + take}&take=${take}`
  return {ItemType: 'Worker', IsStale: false, TotalResults: items.length, ItemsPerPage: take, Items: slice, Links: links}
}

const lowerIn = (values: string[] | undefined, value: unknown) => !values || values.map((v) => v.toLowerCase()).includes(String(value ?? '').toLowerCase())

function filterWorkers(workers: Doc[], q: Map<string, string[]>): Doc[] {
  return workers.filter((w) =>
    (!q.has('name') || String(w.Name).toLowerCase() === q.get('name')![0]?.toLowerCase()) &&
    (!q.has('partialname') || String(w.Name).toLowerCase().includes(q.get('partialname')![0]?.toLowerCase() ?? '')) &&
    (!q.has('isdisabled') || String(Boolean(w.IsDisabled)) === q.get('isdisabled')![0]) &&
    lowerIn(q.get('healthstatuses'), w.HealthStatus ?? 'Unknown') &&
    lowerIn(q.get('commstyles'), w.Endpoint?.CommunicationStyle ?? 'None') &&
    (!q.has('workerpoolids') || (w.WorkerPoolIds ?? []).some((id: string) => lowerIn(q.get('workerpoolids'), id))) &&
    lowerIn(q.get('ids'), w.Id))
}

function filterTasks(tasks: Doc[], q: Map<string, string[]>): Doc[] {
  const from = q.get('fromcompleteddate')?.[0]
  const to = q.get('tocompleteddate')?.[0]
  return tasks.filter((t) =>
    lowerIn(q.get('states'), t.State) && lowerIn(q.get('name'), t.Name) && lowerIn(q.get('ids'), t.Id) && lowerIn(q.get('spaces'), t.SpaceId) &&
    (!from || (t.CompletedTime && Date.parse(t.CompletedTime) >= Date.parse(from))) &&
    (!to || (t.CompletedTime && Date.parse(t.CompletedTime) <= Date.parse(to))))
}

export async function startForeignServer(version: ForeignVersion, options: ForeignServerOptions = {}): Promise<ForeignServer> {
  const root = foreignDocument(version, 'root')
  const spaceHome = foreignDocument(version, 'space-home')
  const spaces = foreignDocument(version, 'spaces')
  const state = {workers: foreignDocument(version, 'workers') as Doc[], pools: foreignDocument(version, 'workerpools') as Doc[], tasks: options.tasks ?? []}
  const requests: RecordedRequest[] = []
  const overrides = new Map<string, unknown>()
  const honours = (template: string) => (options.mode === 'ignores-filters' ? new Set(['skip', 'take']) : knownParams(template))

  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      requests.push({method: req.method!, url: req.url!, body})
      const url = new URL(req.url!, 'http://stub')
      if (overrides.has(url.pathname)) return json(res, 200, overrides.get(url.pathname))
      const p = url.pathname.toLowerCase()
      const workerId = /^\/api\/spaces-1\/workers\/(workers-\d+)$/.exec(p)?.[1]
      const poolId = /^\/api\/spaces-1\/workerpools\/(workerpools-\d+)$/.exec(p)?.[1]
      if (req.method === 'GET' && p === '/api') return json(res, 200, root)
      if (req.method === 'GET' && p === '/api/spaces-1') return json(res, 200, spaceHome)
      if (req.method === 'GET' && p === '/api/spaces/all') return json(res, 200, spaces)
      if (req.method === 'GET' && p === '/api/spaces-1/workerpools/all') return json(res, 200, state.pools)
      if (req.method === 'GET' && p === '/api/spaces-1/workers/all') return json(res, 200, state.workers)
      if (req.method === 'GET' && p === '/api/spaces-1/workers') {
        const q = queryOf(url, honours(root.Links.Workers))
        return json(res, 200, page(filterWorkers(state.workers, q), q, req.url!))
      }
      if (req.method === 'GET' && p === '/api/tasks') {
        const q = queryOf(url, honours(root.Links.Tasks))
        return json(res, 200, {...page(filterTasks(state.tasks, q), q, req.url!), ItemType: 'Task'})
      }
      if (workerId) {
        const index = state.workers.findIndex((w) => w.Id.toLowerCase() === workerId)
        if (index < 0) return json(res, 404, {ErrorMessage: `The resource '${workerId}' was not found.`})
        if (req.method === 'GET') return json(res, 200, state.workers[index])
        if (req.method === 'PUT') {
          state.workers[index] = JSON.parse(body)
          return json(res, 200, state.workers[index])
        }
        if (req.method === 'DELETE') {
          state.workers.splice(index, 1)
          return json(res, 200, {})
        }
      }
      if (req.method === 'POST' && p === '/api/spaces-1/workers') {
        const created = {...JSON.parse(body), Id: `Workers-${100 + state.workers.length}`}
        state.workers.push(created)
        return json(res, 201, created)
      }
      if (req.method === 'POST' && (p === '/api/spaces-1/tasks' || p === '/api/tasks')) {
        const task = {...JSON.parse(body), Id: `ServerTasks-${1000 + state.tasks.length}`, State: 'Queued', IsCompleted: false, SpaceId: 'Spaces-1'}
        state.tasks.push(task)
        return json(res, 201, task)
      }
      if (poolId && req.method === 'GET') {
        const pool = state.pools.find((x) => x.Id.toLowerCase() === poolId)
        return pool ? json(res, 200, pool) : json(res, 404, {ErrorMessage: 'not found'})
      }
      if (req.method === 'GET' && p === '/api/spaces-1/workerpools/summary') {
        return json(res, 200, {WorkerPoolSummaries: [], MachineIdsForTentacleUpgrade: [], MachineIdsForCalamariUpgrade: [], TentacleUpgradesRequired: false})
      }
      if (req.method === 'GET' && p === '/api/spaces-1/accounts/all') return json(res, 200, [{Id: 'Accounts-1', Name: 'deploy-key', AccountType: 'SshKeyPair', SpaceId: 'Spaces-1'}])
      if (req.method === 'GET' && p === '/api/spaces-1/proxies/all') return json(res, 200, [])
      if (req.method === 'GET' && p === '/api/spaces-1/machines/all') return json(res, 200, [])
      if (req.method === 'GET' && p === '/api/octopusservernodes/all') return json(res, 200, [{Id: 'OctopusServerNodes-1', Name: 'node-1'}])
      if (req.method === 'GET' && p === '/api/featuresconfiguration') return json(res, 200, {IsBuiltInWorkerEnabled: false})
      if (req.method === 'GET' && p === '/api/spaces-1/machinepolicies/all') return json(res, 200, [{Id: 'MachinePolicies-1', Name: 'Default Machine Policy', IsDefault: true}])
      json(res, 404, {ErrorMessage: `The stub has no route for ${req.method} ${url.pathname}.`})
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    version,
    requests,
    overrides,
    get workers() {
      return state.workers
    },
    get pools() {
      return state.pools
    },
    get tasks() {
      return state.tasks
    },
    client: () => OctopusClient.connect({server: url, apiKey: 'API-FOREIGNTEST0000000000000000', maxRetries: 0}),
    // The in-process CLI's keep-alive sockets outlive its run: close them too, or close() waits
    // for each to time out on its own.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** The space context of the stub's only space, as a command would get it. */
export async function connectForeign(server: ForeignServer) {
  const client = await server.client()
  return client.resolveSpace()
}
