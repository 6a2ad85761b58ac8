import {randomUUID} from 'node:crypto'
import type {ModelContext} from '../context.js'
import {stamp} from '../docs.js'
import {endpointIdentity, reportedTentacleVersion, thumbprintedAgent, unknownVersion, versionDetails, type EndpointDoc} from '../endpoints.js'
import {decideHealth, machineStatus, statusSummary, type HealthStatus} from '../health.js'
import {checkedEndpoint} from '../model/tasks/health-check.js'
import {slugify} from '../validate.js'
import {buildPool, type WorkerPoolType} from '../model/pools.js'
import {workerLinks, type WorkerDoc} from '../model/workers.js'
import {buildAccount, buildMachine, buildMachinePolicy, buildProxy} from '../model/infra.js'
import type {SpaceDoc} from '../model/spaces.js'
import {seedUsageDemo, seedUsageScale} from './projects.js'

export type SeedName = 'empty' | 'demo' | `scale:${number}`

export function parseSeed(seed: string): {kind: 'empty' | 'demo'} | {kind: 'scale'; workers: number} {
  if (seed === 'empty' || seed === 'demo') return {kind: seed}
  const m = /^scale:(\d+)$/.exec(seed)
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 100_000) return {kind: 'scale', workers: Number(m[1])}
  throw new Error(`unknown seed '${seed}': use empty, demo or scale:N (N workers, 1 to 100000)`)
}

/** Whether the data file already holds an estate (then it is never reseeded). */
export function isSeeded(ctx: ModelContext): boolean {
  return ctx.store.getMeta('seed') !== undefined
}

export function seedDatabase(ctx: ModelContext, seed: string): void {
  const parsed = parseSeed(seed)
  ctx.store.transaction(() => {
    ctx.store.setMeta('installation-id', randomUUID())
    ctx.store.setMeta('seed', seed)
    if (parsed.kind === 'scale') seedScale(ctx, parsed.workers)
    else {
      addServerNode(ctx, 'octopus-node-a')
      if (parsed.kind === 'demo') seedDemo(ctx)
      else addSpace(ctx, 'Default', true)
    }
  })
}

function addServerNode(ctx: ModelContext, name: string): void {
  const num = ctx.store.nextNumber('OctopusServerNodes')
  const id = `OctopusServerNodes-${name}`
  ctx.store.putDoc('ServerNode', {
    Id: id, Name: name, MaxConcurrentTasks: 5, IsInMaintenanceMode: false, IsOffline: false, Rank: num === 1 ? 'Leader' : 'Follower',
    LastSeen: ctx.now(), ...stamp(ctx), Links: {Self: `/api/octopusservernodes/${id}`, Details: `/api/octopusservernodes/${id}/details`},
  } as {Id: string; Name: string}, num)
}

interface SpaceSetup {
  spaceId: string
  defaultPoolId: string
  policyId: string
}

/** A space with its "Default Machine Policy" and an empty "Default Worker Pool". */
function addSpace(ctx: ModelContext, name: string, isDefault: boolean): SpaceSetup {
  const {id: spaceId, num} = ctx.store.nextId('Space')
  const space: SpaceDoc = {
    Id: spaceId, Name: name, Slug: slugify(name), Description: isDefault ? 'The default space' : null, IsDefault: isDefault, TaskQueueStopped: false,
    SpaceManagersTeams: [`teams-spacemanagers-${spaceId}`], SpaceManagersTeamMembers: [], ...stamp(ctx),
    Links: {Self: `/api/spaces/${spaceId}`, SpaceHome: `/api/${spaceId}`},
  }
  ctx.store.putDoc('Space', space, num)
  const policy = ctx.store.nextId('MachinePolicy')
  ctx.store.putDoc('MachinePolicy', buildMachinePolicy(ctx, spaceId, policy.id, 'Default Machine Policy', true), policy.num)
  const defaultPoolId = addPool(ctx, spaceId, 'Default Worker Pool', {isDefault: true, sortOrder: 0})
  return {spaceId, defaultPoolId, policyId: policy.id}
}

function addPool(ctx: ModelContext, spaceId: string, name: string, options: {isDefault?: boolean; sortOrder: number; type?: WorkerPoolType; workerType?: string; description?: string}): string {
  const {id, num} = ctx.store.nextId('WorkerPool')
  ctx.store.putDoc('WorkerPool', buildPool(ctx, spaceId, id, {
    Name: name, Description: options.description ?? null, IsDefault: options.isDefault ?? false, SortOrder: options.sortOrder,
    WorkerPoolType: options.type ?? 'StaticWorkerPool', WorkerType: options.workerType,
  }), num)
  return id
}

interface WorkerSeed {
  name: string
  pools: string[]
  /** Null for a worker stored without an endpoint (as some real documents are). */
  endpoint: (Partial<EndpointDoc> & {CommunicationStyle: string}) | null
  /** Worker-level Uri and Thumbprint when there is no endpoint to take them from. */
  uri?: string
  thumbprint?: string
  disabled?: boolean
  /** 'checked' applies the health rules as if a health check had run; 'Unknown' = never checked. */
  health?: 'checked' | 'Unknown'
  os?: string
}

/** Builds a worker document the way the API would store it after a health check. */
export function seedWorkerDoc(ctx: ModelContext, setup: SpaceSetup, id: string, seed: WorkerSeed): WorkerDoc {
  let endpoint = seed.endpoint === null ? null : {Id: null, LastModifiedOn: null, LastModifiedBy: null, Links: {}, ...seed.endpoint} as EndpointDoc
  let health: HealthStatus = 'Unknown'
  if (seed.health !== 'Unknown') {
    const outcome = decideHealth(endpoint)
    health = outcome.health
    endpoint = checkedEndpoint(endpoint, outcome)
  } else if (endpoint && (endpoint.CommunicationStyle === 'TentaclePassive' || endpoint.CommunicationStyle === 'TentacleActive')) endpoint.TentacleVersionDetails = unknownVersion()
  const linux = seed.os !== 'Windows'
  const checked = health !== 'Unknown' && health !== 'Unavailable'
  const identity = endpoint ? endpointIdentity(endpoint) : {Uri: seed.uri ?? null, Thumbprint: seed.thumbprint ?? null}
  return {
    Id: id, Name: seed.name, Slug: slugify(seed.name), SpaceId: setup.spaceId, WorkerPoolIds: seed.pools, MachinePolicyId: setup.policyId,
    IsDisabled: seed.disabled ?? false, HealthStatus: health, Status: machineStatus(health, seed.disabled ?? false, reportedTentacleVersion(endpoint)),
    StatusSummary: statusSummary(health), HasLatestCalamari: checked, IsInProcess: false, Thumbprint: identity.Thumbprint, Uri: identity.Uri,
    Endpoint: endpoint,
    OperatingSystem: checked ? (linux ? 'Linux' : 'Microsoft Windows Server 2022') : 'Unknown',
    // The text real servers put here is UNCONFIRMED; these are plausible values.
    OperatingSystemVersion: checked ? (linux ? 'Ubuntu 22.04.5 LTS' : '10.0.20348') : null,
    SkipInitialHealthCheck: false,
    ShellName: checked ? (linux ? 'Bash' : 'PowerShell') : 'Unknown',
    ShellVersion: checked ? (linux ? '5.1.16' : '5.1.20348.2849') : 'Unknown',
    Architecture: checked ? 'x64' : 'Unknown',
    ...stamp(ctx), Links: workerLinks(setup.spaceId, id),
  }
}

function addWorker(ctx: ModelContext, setup: SpaceSetup, seed: WorkerSeed): string {
  const {id, num} = ctx.store.nextId('Worker')
  const doc = seedWorkerDoc(ctx, setup, id, seed)
  ctx.store.putDoc('Worker', doc, num)
  ctx.store.setPoolMembers(id, doc.WorkerPoolIds)
  return id
}

/** A stable fake thumbprint per name: 40 upper-case hex characters. */
export function thumbprintFor(name: string): string {
  let h = 2166136261
  let out = ''
  for (let round = 0; out.length < 40; round++) {
    for (const ch of `${name}#${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0
    out += h.toString(16).toUpperCase().padStart(8, '0')
  }
  return out.slice(0, 40)
}

const listening = (host: string, thumbprint?: string) => ({CommunicationStyle: 'TentaclePassive' as const, Uri: `https://${host}:10933/`, Thumbprint: thumbprint ?? thumbprintFor(host), ProxyId: null})

/** The demo estate; index.ts documents it for tests and `check` rules. */
function seedDemo(ctx: ModelContext): void {
  addServerNode(ctx, 'octopus-node-b')
  const main = addSpace(ctx, 'Default', true)
  const s = main.spaceId
  const omahaDb = addPool(ctx, s, 'Production Database Omaha Worker Pool', {sortOrder: 1, description: 'Database deployments to Production from the Omaha data centre'})
  const azure = addPool(ctx, s, 'Azure Central US Production Worker Pool', {sortOrder: 2, description: 'Web deployments to Production in Azure Central US'})
  const staging = addPool(ctx, s, 'Staging Linux Worker Pool', {sortOrder: 3, description: 'Staging deployments over SSH'})
  const testPool = addPool(ctx, s, 'test pool', {sortOrder: 4})
  const hosted = addPool(ctx, s, 'Hosted Ubuntu', {sortOrder: 5, type: 'DynamicWorkerPool', workerType: 'UbuntuDefault'})
  const emptyWindows = addPool(ctx, s, 'Empty Windows Worker Pool', {sortOrder: 6, description: 'Provisioned but no workers registered yet'})

  const sshKey = ctx.store.nextId('Account')
  ctx.store.putDoc('Account', buildAccount(ctx, s, sshKey.id, {Name: 'Staging SSH key', Description: 'Key pair for the staging Linux workers', AccountType: 'SshKeyPair', Username: 'octopus', hasSecret: true}), sshKey.num)
  const userPass = ctx.store.nextId('Account')
  ctx.store.putDoc('Account', buildAccount(ctx, s, userPass.id, {Name: 'Build user', Description: null, AccountType: 'UsernamePassword', Username: 'builder', hasSecret: true}), userPass.num)
  const proxy = ctx.store.nextId('Proxy')
  ctx.store.putDoc('Proxy', buildProxy(ctx, s, proxy.id, {Name: 'Corporate proxy', Host: 'proxy.corp.example', Port: 3128, Username: null}), proxy.num)

  const sharedThumbprint = thumbprintFor('p-db-omaha-worker-01.corp.example')
  addWorker(ctx, main, {name: 'default-linux-worker-01', pools: [main.defaultPoolId], endpoint: listening('default-linux-worker-01.corp.example'), health: 'checked'})
  addWorker(ctx, main, {name: 'WIN-7F3K2P9', pools: [main.defaultPoolId], endpoint: listening('win-7f3k2p9.outdated.corp.example'), health: 'checked', os: 'Windows'})
  addWorker(ctx, main, {name: 'p-db-omaha-worker-01', pools: [omahaDb], endpoint: listening('p-db-omaha-worker-01.corp.example', sharedThumbprint), health: 'checked', os: 'Windows'})
  addWorker(ctx, main, {name: 'p-db-omaha-worker-02', pools: [omahaDb], endpoint: listening('p-db-omaha-worker-02.corp.example'), health: 'checked', os: 'Windows'})
  addWorker(ctx, main, {name: 'p-db-omaha-worker-03', pools: [omahaDb], endpoint: listening('p-db-omaha-worker-03.corp.example'), health: 'checked', os: 'Windows', disabled: true})
  const webWorkerHost = 'p-web-azcus-worker-01.corp.example'
  addWorker(ctx, main, {name: 'p-web-azcus-worker-01', pools: [azure], endpoint: listening(webWorkerHost), health: 'checked'})
  addWorker(ctx, main, {name: 'p-web-azcus-worker-02', pools: [azure], endpoint: listening('p-web-azcus-worker-02.unhealthy.test'), health: 'checked'})
  addWorker(ctx, main, {name: 'p-web-azcus-worker-03', pools: [azure], endpoint: listening('p-web-azcus-worker-03.unreachable.test'), health: 'checked'})
  addWorker(ctx, main, {name: 's-linux-omaha-worker-01', pools: [staging], health: 'checked', endpoint: {
    CommunicationStyle: 'Ssh', Host: 's-linux-omaha-worker-01.corp.example', Port: 22, Fingerprint: 'SHA256:4dXq0k5cV2bJt9yWm8rL1nP3sZ6hF7gE2aC0uD9xY1o', AccountId: sshKey.id,
    Uri: 'ssh://s-linux-omaha-worker-01.corp.example:22/', ProxyId: null, DotNetCorePlatform: 'linux-x64',
  }})
  addWorker(ctx, main, {name: 'worker1', pools: [testPool], endpoint: {CommunicationStyle: 'TentacleActive', Uri: 'poll://outdated7kq2m9x4/', Thumbprint: thumbprintFor('worker1')}, health: 'checked', os: 'Windows'})
  addWorker(ctx, main, {name: 'tmp-box', pools: [testPool, omahaDb], endpoint: listening('tmp-box.warnings.test', sharedThumbprint), health: 'checked'})
  addWorker(ctx, main, {name: 'new-worker-unchecked', pools: [testPool], endpoint: listening('new-worker-unchecked.corp.example'), health: 'Unknown'})

  // Environments-1 "Production" (web-prod-01's environment) is seeded with the projects (projects.ts).
  const target = ctx.store.nextId('Machine')
  const webEndpoint = {...listening(webWorkerHost), TentacleVersionDetails: versionDetails('8.3.2886'), CertificateSignatureAlgorithm: null, Id: null, LastModifiedOn: null, LastModifiedBy: null, Links: {}}
  ctx.store.putDoc('Machine', buildMachine(ctx, s, target.id, {Name: 'web-prod-01', EnvironmentIds: ['Environments-1'], Roles: ['web-server'], IsDisabled: false, Endpoint: webEndpoint, policyId: main.policyId, health: 'Healthy'}), target.num)

  const platform = addSpace(ctx, 'Platform Team', false)
  const k8s = addPool(ctx, platform.spaceId, 'Platform Kubernetes London Worker Pool', {sortOrder: 1})
  addWorker(ctx, platform, {name: 'p-k8s-london-worker-01', pools: [k8s], endpoint: listening('p-k8s-london-worker-01.corp.example'), health: 'checked'})
  addWorker(ctx, platform, {name: 'p-k8s-london-worker-02', pools: [k8s], endpoint: listening('p-k8s-london-worker-02.corp.example'), health: 'checked'})

  // Workers as real servers also report them. Added after everything above so existing IDs stay put.
  const agents = addPool(ctx, s, 'Kubernetes Agent Worker Pool', {sortOrder: 7, description: 'Kubernetes agents installed with the Helm chart'})
  const imported = addPool(ctx, s, 'Imported Worker Pool', {sortOrder: 8, description: 'Workers with endpoints this server cannot reach'})
  addWorker(ctx, main, {name: 'imported-worker-none', pools: [imported], endpoint: {CommunicationStyle: 'None'}, health: 'Unknown'})
  addWorker(ctx, main, {name: 'imported-worker-no-endpoint', pools: [imported], endpoint: null, health: 'Unknown',
    uri: 'https://imported-worker-no-endpoint.corp.example:10933/', thumbprint: thumbprintFor('imported-worker-no-endpoint')})
  // Kubernetes agent workers exist from 2024 on, so only versions that have them seed one.
  if (ctx.profile.kubernetesWorkers) {
    addWorker(ctx, main, {name: 'k8s-agent-worker-01', pools: [agents], health: 'checked', endpoint: thumbprintedAgent('poll://outdatedk8sagent01/', thumbprintFor('k8s-agent-worker-01'), 'k8s-agent-worker-01')})
  }
  seedUsageDemo(ctx, {spaceId: s, defaultPoolId: main.defaultPoolId, pools: {omahaDb, azure, staging, test: testPool, hosted, emptyWindows}},
    {spaceId: platform.spaceId, defaultPoolId: platform.defaultPoolId, pools: {k8s}})
}

/**
 * `scale:N`: N workers over ceil(N/50) pools spread across 5 spaces (the first pool of each space is
 * its default pool). Every 20th worker is unhealthy, every 50th disabled. One transaction with
 * prepared statements, so 10,000 workers take a few seconds.
 */
function seedScale(ctx: ModelContext, workers: number): void {
  addServerNode(ctx, 'octopus-node-a')
  addServerNode(ctx, 'octopus-node-b')
  const spaces = Array.from({length: 5}, (_, i) => addSpace(ctx, i === 0 ? 'Default' : `Scale Space ${i + 1}`, i === 0))
  const poolCount = Math.max(spaces.length, Math.ceil(workers / 50))
  const pools: Array<{poolId: string; setup: SpaceSetup}> = spaces.map((setup) => ({poolId: setup.defaultPoolId, setup}))
  for (let i = spaces.length; i < poolCount; i++) {
    const setup = spaces[i % spaces.length]
    pools.push({poolId: addPool(ctx, setup.spaceId, `Scale Worker Pool ${String(i + 1).padStart(4, '0')}`, {sortOrder: i}), setup})
  }
  for (let n = 0; n < workers; n++) {
    const {poolId, setup} = pools[Math.floor(n / 50) % pools.length]
    const name = `scale-worker-${String(n + 1).padStart(5, '0')}`
    const host = n % 20 === 19 ? `${name}.unhealthy.test` : `${name}.scale.example`
    addWorker(ctx, setup, {name, pools: [poolId], endpoint: listening(host), health: 'checked', disabled: n % 50 === 49})
  }
  // N/10 projects, whose steps use the space's pools (projects.ts).
  seedUsageScale(ctx, spaces.map((setup) => ({spaceId: setup.spaceId, defaultPoolId: setup.defaultPoolId,
    pools: Object.fromEntries(pools.filter((p) => p.setup === setup && p.poolId !== setup.defaultPoolId).map((p) => [p.poolId, p.poolId]))})), Math.floor(workers / 10))
}
