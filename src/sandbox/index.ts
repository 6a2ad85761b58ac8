/**
 * The octoworkers sandbox: an Octopus-compatible server (Node `http` + SQLite) for the worker part
 * of the Octopus REST API. It is a peer of a real Octopus Server and shares no code with the CLI's
 * client. Start it with `startSandbox()` (tests) or `octoworkers sandbox start`.
 *
 * VERSIONS (`octopusVersion`: 2019.7, 2021.2, 2023.1, 2026.1; profiles.ts holds them as data with
 * their sources): each publishes that version's root-document link templates (e.g. 2019.7's
 * `workerpoolIds`, 2023.1's WorkerPools/Spaces without `name`), drops query parameters its
 * templates do not list before a route sees them (names matched case-insensitively, or exactly
 * with `queryNames: 'exact'`), and serves that version's shapes (paging links, `Status`, `Slug`,
 * `OperatingSystemVersion`, `SkipInitialHealthCheck`, Kubernetes agent workers from 2024).
 *
 * ROUTES (space-scoped ones answer as `/api/Spaces-N/...` always, `/api/spaces/Spaces-N/...` on
 * 2026.1 only, and legacy `/api/...` for the default space; every route but `/api` needs a key:
 * `X-Octopus-ApiKey`, `Authorization: Bearer <key>` or `?apikey=`; the read-only key gets 403 on
 * anything but GET):
 *   GET  /api, /api/{spaceId}, /api/users/me, /api/spaces (+/all, /{id})
 *   GET|PUT /api/featuresconfiguration (global; PUT is a full replace)
 *   GET  /api/octopusservernodes (+/all, /{id})
 *   workerpools: GET list{?ids,name,partialName,skip,take}, GET /all{?ids}, POST, GET|PUT|DELETE /{id},
 *     GET /{id}/workers, GET /summary, GET /dynamicworkertypes, GET /supportedtypes, PUT /sortorder
 *   workers: GET list{?the version's Workers template}, GET /all{?ids,thumbprint}, POST (TentaclePassive,
 *     TentacleActive, Ssh; KubernetesTentacle from 2026.1), GET|PUT|DELETE /{id}, GET /{id}/connection,
 *     GET /operatingsystem/names/all, /operatingsystem/shells/all
 *   machinepolicies (list, /all, /{id}, /{id}/workers), accounts (list, /all, /{id}, POST; SshKeyPair and
 *     UsernamePassword; secrets never returned), proxies (list, /all, /{id}, POST), machines (deployment
 *     targets: list{?thumbprint}, /all, /{id}, POST)
 *   tasks (global /api/tasks and /api/Spaces-N/tasks): GET list{?states,name,spaces,ids,skip,take,
 *     fromCompletedDate,toCompletedDate,...}, POST (Name "Health" with Arguments WorkerpoolId, MachineIds,
 *     RestrictedTo; "Upgrade" likewise), GET /{id}, /{id}/raw (text), /{id}/details{?verbose,tail}, POST /{id}/cancel
 *   workertaskleases{?skip,take} (2026.1 only; no root link): active leases, shaped `{"WorkerTaskLeases": {...collection}}`
 *   read-only, for `pool usage` (routes/usage.ts): environments, lifecycles, projects, channels, runbooks, libraryvariablesets,
 *     feeds (list, /all, /{id}); deploymentprocesses and runbookProcesses (paged, /{id}); variables/all, /{id};
 *     no runbooks or runbookProcesses on 2019.7 (runbooks arrived in 2019.11: no links, 404);
 *     projects/{id}/deploymentprocesses (2026.1 only), projects/{id}/{gitRef}/deploymentprocesses (version-controlled projects)
 *
 * RULES: names unique per space (case-insensitive); exactly one default pool per space (PUT
 * IsDefault:true moves it; clearing it on the default is 400; the default cannot be deleted);
 * deleting a pool removes it from its workers, but is refused (400) if a worker would be left in no
 * pool; a worker needs >= 1 existing static pool of its space; thumbprints are 40 hex; polling URIs
 * are poll://<id>/; SSH needs Host, Port 1-65535, Fingerprint and an SshKeyPair/UsernamePassword
 * account; deleting a leased worker is 400 naming the task and lease; body > 1 MB is 413; malformed
 * JSON or wrong types are 400 `{ErrorMessage, Errors[]}`; unknown IDs are 404.
 *
 * HEALTH (decided by the endpoint's host; for polling Tentacles by the subscription ID in poll://<id>/):
 *   host *.unreachable.test, or poll id starting "unreachable" -> Unavailable
 *   a listening Tentacle URL in plain http:// -> Unavailable (servers reach Tentacles over TLS only)
 *   host *.unhealthy.test,   or poll id starting "unhealthy"   -> Unhealthy
 *   host *.warnings.test,    or poll id starting "warnings"    -> HasWarnings
 *   anything else -> Healthy. A host/poll id containing "outdated" reports Tentacle 6.3.417
 *   (UpgradeSuggested) and an old Calamari until an Upgrade / UpdateCalamari task has run on it (the
 *   new version then stays), others 8.3.2886. New workers are Unknown until a health check. A health
 *   task fails if any checked machine is Unavailable or Unhealthy; its log has one line per machine.
 *   host *.upgrade-fails.test, or poll id starting "upgradefails": every Upgrade / UpdateCalamari of it fails.
 *
 * MAINTENANCE: Upgrade and UpdateCalamari take an exclusive lease on each worker (disabled or not)
 *   once its other leases are released, one worker at a time; deployments skip exclusively leased
 *   workers. A step whose pool has no leasable worker retries for leaseRetryMs (2026.1; 2021.2 fails
 *   at once), then fails "The step failed: There are no healthy workers in the pool <pool>.".
 *
 * LEASES: a Deploy step leases, from its pool, the enabled Healthy/HasWarnings worker with the
 * fewest active leases (ties: lowest Workers-N number), many leases per worker; Tentacle upgrades
 * lease exclusively; the built-in worker runs a step only for the default pool when that pool has
 * no workers at all and IsBuiltInWorkerEnabled; a dynamic pool's one worker is leased exclusively.
 * Log line: `Leased worker <name> from pool <pool> (lease WorkerTaskLeases-N)` only; a release writes
 * none (no real server is known to). Cancelled, failed and interrupted tasks release their leases;
 * a restart fails tasks that were running. Fault mode `POST /api/sandbox/faults {Kind: "LeaseRelease",
 * Times}` makes releases fail as in OctopusDeploy/Issues#9868: the log gets `Unable to release worker
 * Workers-N from lease WorkerTaskLeases-M.  Continuing anyway.  …` and the lease stays held until restart.
 *
 * OIDC (oidc.ts; 2026.1 only, as OIDC arrived in 2023.4.8077 / 2024.1.1889; no credential needed):
 *   GET /.well-known/openid-configuration {issuer, token_endpoint, jwks_uri}, GET /api/.well-known/jwks,
 *   POST /api/token/v1 (RFC 8693, JSON or form; refusals 400 {error: invalid_request, error_description}).
 *   The service account trusts the issuer given as `oidc` (`sandbox start --oidc-issuer`); the access
 *   token it issues is a bearer token until it expires (401 "The access token has expired." after).
 *
 * SANDBOX-ONLY ENDPOINTS (API key required; 404 on a real Octopus):
 *   POST /api/sandbox/simulations {SpaceId?, Tasks, Concurrency, WorkerPoolIds?, MinDurationMs, MaxDurationMs, StepsPerTask?, FullIsolation?} -> 201
 *     (FullIsolation: every step needs its worker to itself, as with OctopusBypassDeploymentMutex False; a
 *     step whose worker runs another task's script waits, writing Tentacle's `Waiting for the script in task
 *     [ServerTasks-N](~/app#/tasks/ServerTasks-N) to finish as this script requires …` line, category Wait)
 *   GET  /api/sandbox/simulations/{id} -> {Id, State, TasksCompleted, TasksFailed, LeasesPerWorker, MaxLeaseSpread, GrantsToLeastLeased, FailedTaskIds, ...}
 *   GET  /api/sandbox/leases/history{?since,taskId} -> every lease ever granted (grant/release time and sequence)
 *   POST /api/sandbox/faults {Method, PathPattern, Status, AfterMatches, Times} or {Kind: "LeaseRelease", Times}; GET/DELETE /api/sandbox/faults
 *   POST /api/sandbox/seed-completed-tasks {Count, SpaceId?, StepsPerTask?, MutexWaitEvery?} -> completed Deploy tasks with lease logs
 *     (MutexWaitEvery: N: the first step of every N-th task logs a 5 s mutex wait on the task before it)
 *   GET  /api/sandbox/info -> {OctopusVersion, DataFile, Seed}
 *
 * DEMO ESTATE (`seed: 'demo'`), nodes octopus-node-a and octopus-node-b, built-in worker enabled:
 *  Spaces-1 "Default" (default space), policy MachinePolicies-1 "Default Machine Policy":
 *   WorkerPools-1 "Default Worker Pool" (default; has workers):
 *     Workers-1 default-linux-worker-01 (Healthy), Workers-2 WIN-7F3K2P9 (badly named, Healthy, outdated Tentacle 6.3.417)
 *   WorkerPools-2 "Production Database Omaha Worker Pool":
 *     Workers-3 p-db-omaha-worker-01 (Healthy), Workers-4 p-db-omaha-worker-02 (Healthy),
 *     Workers-5 p-db-omaha-worker-03 (Healthy but disabled), Workers-11 tmp-box (also here)
 *   WorkerPools-3 "Azure Central US Production Worker Pool":
 *     Workers-6 p-web-azcus-worker-01 (Healthy; ALSO deployment target Machines-1 "web-prod-01", same thumbprint and URI),
 *     Workers-7 p-web-azcus-worker-02 (Unhealthy), Workers-8 p-web-azcus-worker-03 (Unavailable)
 *   WorkerPools-4 "Staging Linux Worker Pool" (a single worker):
 *     Workers-9 s-linux-omaha-worker-01 (SSH, account Accounts-1 "Staging SSH key" SshKeyPair; Healthy)
 *   WorkerPools-5 "test pool" (badly named):
 *     Workers-10 worker1 (badly named, polling poll://outdated7kq2m9x4/, Healthy, outdated Tentacle),
 *     Workers-11 tmp-box (badly named, HasWarnings, in two pools, SAME thumbprint as p-db-omaha-worker-01),
 *     Workers-12 new-worker-unchecked (health Unknown, never checked)
 *   WorkerPools-6 "Hosted Ubuntu" (dynamic, UbuntuDefault)
 *   WorkerPools-7 "Empty Windows Worker Pool" (static, no workers)
 *   Accounts-2 "Build user" (UsernamePassword), Proxies-1 "Corporate proxy"
 *  Spaces-2 "Platform Team", policy MachinePolicies-2:
 *   WorkerPools-8 "Default Worker Pool" (default, empty),
 *   WorkerPools-9 "Platform Kubernetes London Worker Pool": Workers-13 p-k8s-london-worker-01, Workers-14 p-k8s-london-worker-02 (Healthy)
 *  Added to Spaces-1 after the above (so their IDs stay): Environments-1 "Production" (Machines-1's environment),
 *   WorkerPools-10 "Kubernetes Agent Worker Pool": Workers-17 k8s-agent-worker-01 (KubernetesTentacle, polling
 *     poll://outdatedk8sagent01/, Healthy, agent 2.2.1 UpgradeSuggested; only when seeded as 2026.1),
 *   WorkerPools-11 "Imported Worker Pool": Workers-15 imported-worker-none (CommunicationStyle None, Unknown),
 *     Workers-16 imported-worker-no-endpoint (Endpoint null, worker-level Uri set, Unknown)
 *  Projects (seed/projects.ts seedUsageDemo): Spaces-1 environments Development, Staging, Production (Environments-1),
 *   feeds "Docker Hub", library set "Worker Pools" (Shared.DatabasePool = WorkerPools-2) and a script module;
 *   "Customer Portal" (pool variable Project.WorkerPool: Development/Staging -> WorkerPools-4, Production -> WorkerPools-3;
 *     a container step; manual, email and IIS target steps), "Billing Database" (library pool variable, direct
 *     WorkerPools-2 with a container, a disabled step, runbook "Refresh test data" whose pool variable has no Production
 *     value; a release snapshot of its process), "Internal Tools" (default pool; WorkerPools-6; WorkerPools-7 in Staging;
 *     runbook "Rotate logs"), "Platform Config" (version-controlled, process in git at refs/heads/main, WorkerPools-4).
 *   Spaces-2: "Cluster Bootstrap" (default pool WorkerPools-8, empty: the built-in worker; WorkerPools-9 in a container).
 *   Each space's projects use its "Default Lifecycle" (no phases: every environment).
 *   Nothing uses WorkerPools-5 "test pool" (only the release snapshot does).
 * `seed: 'empty'`: Spaces-1 "Default", WorkerPools-1 "Default Worker Pool" (default, empty),
 *   MachinePolicies-1 "Default Machine Policy", one server node, built-in worker enabled.
 * `seed: 'scale:N'`: N workers (scale-worker-00001...) over ceil(N/50) pools in 5 spaces; every 20th unhealthy, every 50th disabled;
 *   N/10 projects (seed/projects.ts seedUsageScale), all database-stored.
 */
import {createServer, type Server} from 'node:http'
import {randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, realpathSync} from 'node:fs'
import path from 'node:path'
import {openDatabase, Store} from './store.js'
import type {ModelContext, OctopusVersion} from './context.js'
import {createSandboxContext} from './server-context.js'
import {profileOf, SUPPORTED_VERSIONS, type QueryNameMatching} from './profiles.js'
import {Router, type Exchange} from './router.js'
import {FaultInjector} from './faults.js'
import {isSeeded, parseSeed, seedDatabase, type SeedName} from './seed/index.js'
import {allRoutes} from './routes/index.js'
import {lockDataFile, type DataFileLock} from './lock.js'
import {SandboxOidc, type OidcTrust} from './oidc.js'

export type {OidcTrust}

export {DataFileInUseError} from './lock.js'

export type {Exchange, OctopusVersion, QueryNameMatching, SeedName}
export {SUPPORTED_VERSIONS}

export interface SandboxOptions {
  /** Default 127.0.0.1. */
  host?: string
  /** 0 = a random free port (default). */
  port?: number
  /**
   * Listen first on the port this data file last served on (on the same host), when it is free,
   * so that the URL saved in a profile keeps working after a restart; `port` when it is taken or
   * there is none.
   */
  reuseLastPort?: boolean
  /** SQLite file path, or ':memory:' (default). */
  dataFile?: string
  /** Estate to create when the data file is new (default 'empty'); an existing estate is never reseeded. */
  seed?: SeedName
  /** Default '2026.1'. One of SUPPORTED_VERSIONS (profiles.ts says what each reproduces). */
  octopusVersion?: OctopusVersion
  /**
   * How query parameter names are matched against the version's templates: 'case-insensitive'
   * (default, as Octopus's web frameworks do) or 'exact' (stricter; see profiles.ts).
   */
  queryNames?: QueryNameMatching
  /** Default: the key stored in the data file, else a new random one. */
  apiKey?: string
  readOnlyApiKey?: string
  /** healthCheckMs: each health check and upgrade (default 200); leaseRetryMs: a step's wait for a worker (default 30 s). */
  taskTiming?: {healthCheckMs?: number; leaseRetryMs?: number}
  /**
   * The OIDC identity of the sandbox's service account: the issuer it trusts, its keys and the
   * subject pattern. Only the versions with OIDC (2026.1 of those emulated) serve it.
   */
  oidc?: OidcTrust
  /** Lifetime of the access tokens the OIDC exchange issues (default 3600 s). */
  oidcAccessTokenLifetimeSeconds?: number
  /** Called after every Octopus (non-sandbox) request, for contract tests of request and response bodies. */
  onExchange?: (exchange: Exchange) => void
}

export interface Sandbox {
  url: string
  apiKey: string
  readOnlyApiKey: string
  dataFile: string
  octopusVersion: OctopusVersion
  /** The service account an OIDC ID token is exchanged for (the `aud` it must carry), when `oidc` was given. */
  oidcServiceAccountId?: string
  /** False when the data file already held an estate, so `seed` was not applied. */
  seeded: boolean
  /** The seed the data file was created with. */
  seed: string
  /** Direct database access for assertions in tests (better-sqlite3). */
  store: Store
  /** The sandbox's own model, for tests that arrange what the API cannot write (projects, processes, variables). */
  model: ModelContext
  close(): Promise<void>
}

/** Where a data file was last served: `{Host, Port}`, so a restart can serve the same URL. */
const LAST_LISTEN_KEY = 'last-listen'

function lastListen(store: Store, host: string): number | undefined {
  try {
    const saved = JSON.parse(store.getMeta(LAST_LISTEN_KEY) ?? 'null') as {Host?: unknown; Port?: unknown} | null
    return saved && saved.Host === host && Number.isInteger(saved.Port) && (saved.Port as number) > 0 && (saved.Port as number) <= 65535 ? (saved.Port as number) : undefined
  } catch {
    return undefined
  }
}

function generateKey(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
  return 'API-' + [...randomBytes(26)].map((b) => alphabet[b % alphabet.length]).join('')
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const version = options.octopusVersion ?? '2026.1'
  if (!SUPPORTED_VERSIONS.includes(version)) throw new Error(`unsupported Octopus version '${version}': use one of ${SUPPORTED_VERSIONS.join(', ')}`)
  if (options.queryNames !== undefined && options.queryNames !== 'case-insensitive' && options.queryNames !== 'exact') throw new Error(`unknown queryNames '${String(options.queryNames)}': use case-insensitive or exact`)
  const seed = options.seed ?? 'empty'
  parseSeed(seed)
  if (options.oidc && !profileOf(version).oidc) throw new Error(`Octopus ${version} has no OpenID Connect login (it arrived in 2023.4.8077 and 2024.1.1889): emulate 2026.1 to trust an OIDC issuer`)
  const dataFile = options.dataFile ?? ':memory:'
  let lock: DataFileLock | undefined
  if (dataFile !== ':memory:') {
    mkdirSync(path.dirname(path.resolve(dataFile)), {recursive: true})
    // One sandbox per data file (lock.ts), whatever path names it.
    lock = lockDataFile(existsSync(dataFile) ? realpathSync(dataFile) : path.resolve(dataFile))
  }
  try {
    return await serve(options, {version, seed, dataFile, lock})
  } catch (error) {
    lock?.release()
    throw error
  }
}

async function serve(options: SandboxOptions, opened: {version: OctopusVersion; seed: string; dataFile: string; lock: DataFileLock | undefined}): Promise<Sandbox> {
  const {version, seed, dataFile, lock} = opened
  const db = await openDatabase(dataFile)
  const store = new Store(db)
  const ctx = createSandboxContext({store, version, queryNames: options.queryNames ?? 'case-insensitive', healthCheckMs: options.taskTiming?.healthCheckMs ?? 200, leaseRetryMs: options.taskTiming?.leaseRetryMs ?? 30_000})
  const {tasks} = ctx

  const seeded = !isSeeded(ctx)
  if (seeded) seedDatabase(ctx, seed)
  const apiKey = options.apiKey ?? store.getMeta('api-key') ?? generateKey()
  const readOnlyApiKey = options.readOnlyApiKey ?? store.getMeta('read-only-api-key') ?? generateKey()
  if (apiKey === readOnlyApiKey) throw new Error('the API key and the read-only API key must differ')
  store.setMeta('api-key', apiKey)
  store.setMeta('read-only-api-key', readOnlyApiKey)
  tasks.recoverAfterRestart()
  ctx.simulations.recoverAfterRestart()

  const faults = new FaultInjector()
  let oidc: SandboxOidc
  try {
    oidc = await SandboxOidc.open(store, {trust: options.oidc, accessTokenLifetimeSeconds: options.oidcAccessTokenLifetimeSeconds})
  } catch (error) {
    tasks.stop()
    db.close()
    throw error
  }
  const router = new Router({ctx, routes: allRoutes(faults, dataFile, oidc), apiKey, readOnlyApiKey, faults, oidc, onExchange: options.onExchange})
  const server: Server = createServer((req, res) => {
    router.handle(req, res).catch(() => res.destroy())
  })
  server.keepAliveTimeout = 5_000
  const host = options.host ?? '127.0.0.1'
  const listen = (port: number) => new Promise<void>((resolve, reject) => {
    const failed = (error: Error) => reject(error)
    server.once('error', failed)
    server.listen(port, host, () => {
      server.removeListener('error', failed)
      resolve()
    })
  })
  try {
    const last = options.reuseLastPort ? lastListen(store, host) : undefined
    let listening = false
    if (last !== undefined && last !== options.port) {
      // Taken (by anything): the port asked for instead, as if there were no last one.
      listening = await listen(last).then(() => true, (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EADDRINUSE' && error.code !== 'EACCES') throw error
        return false
      })
    }
    if (!listening) await listen(options.port ?? 0)
  } catch (error) {
    tasks.stop()
    db.close()
    throw error
  }
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  if (dataFile !== ':memory:') store.setMeta(LAST_LISTEN_KEY, JSON.stringify({Host: host, Port: port}))
  const urlHost = host.includes(':') ? `[${host}]` : host
  const url = `http://${urlHost}:${port}`
  lock?.setUrl(url)

  let closed = false
  return {
    url,
    apiKey,
    readOnlyApiKey,
    oidcServiceAccountId: options.oidc ? oidc.serviceAccountId : undefined,
    dataFile,
    octopusVersion: version,
    seeded,
    seed: store.getMeta('seed') ?? seed,
    store,
    model: ctx,
    async close() {
      if (closed) return
      closed = true
      tasks.stop()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      db.close()
      lock?.release()
    },
  }
}
