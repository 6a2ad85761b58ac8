import {queryList, queryValue, validationError} from '../http.js'
import type {SandboxContext} from '../context.js'
import {arrayJson, collectionJson, paging} from '../collections.js'
import {assertUniqueName, loadDoc, loadJson, matchesCommonFilters, spacePath, stamp} from '../docs.js'
import {readEndpoint} from '../endpoints.js'
import {machineStatus, statusSummary} from '../health.js'
import {Fields} from '../validate.js'
import type {DocKind} from '../store.js'
import type {Request, Route} from '../router.js'
import {queryTemplate, type QueryKey} from '../profiles.js'
import {defaultMachinePolicyId} from './workers.js'

/** Machine policies, accounts, proxies and deployment targets: enough for workers to refer to. */

export function buildMachinePolicy(ctx: SandboxContext, spaceId: string, id: string, name: string, isDefault: boolean) {
  return {
    Id: id,
    Name: name,
    Description: isDefault ? 'The default machine policy' : null,
    IsDefault: isDefault,
    SpaceId: spaceId,
    MachineHealthCheckPolicy: {
      HealthCheckInterval: '1.00:00:00',
      HealthCheckCron: null,
      HealthCheckCronTimezone: 'UTC',
      HealthCheckType: 'RunScript',
      PowerShellHealthCheckPolicy: {RunType: 'Inline', ScriptBody: ''},
      BashHealthCheckPolicy: {RunType: 'Inline', ScriptBody: ''},
    },
    MachineConnectivityPolicy: {MachineConnectivityBehavior: 'ExpectedToBeOnline'},
    MachineCleanupPolicy: {DeleteMachinesBehavior: 'DoNotDelete', DeleteMachinesElapsedTimeSpan: '1.00:00:00'},
    MachineUpdatePolicy: {CalamariUpdateBehavior: 'UpdateOnDeployment', TentacleUpdateBehavior: 'NeverUpdate', TentacleUpdateAccountId: null},
    ConnectionRetrySleepInterval: '00:00:01',
    ConnectionRetryCountLimit: 5,
    ConnectionRetryTimeLimit: '00:05:00',
    ConnectionConnectTimeout: '00:01:00',
    PollingRequestQueueTimeout: '00:02:00',
    PollingRequestMaximumMessageProcessingTimeout: '00:10:00',
    ...stamp(ctx),
    Links: {Self: spacePath(spaceId, `machinepolicies/${id}`), Workers: spacePath(spaceId, `machinepolicies/${id}/workers{?skip,take}`)},
  }
}

export type AccountType = 'SshKeyPair' | 'UsernamePassword'

/** Accounts never return secrets: sensitive values come back as `{HasValue}` only. */
export function buildAccount(ctx: SandboxContext, spaceId: string, id: string, fields: {Name: string; Description: string | null; AccountType: AccountType; Username: string; hasSecret: boolean}) {
  const secret = {HasValue: fields.hasSecret, NewValue: null, Hint: null}
  return {
    Id: id,
    Name: fields.Name,
    Description: fields.Description,
    SpaceId: spaceId,
    AccountType: fields.AccountType,
    Username: fields.Username,
    ...(fields.AccountType === 'SshKeyPair' ? {PrivateKeyFile: secret, PrivateKeyPassphrase: {HasValue: false, NewValue: null, Hint: null}} : {Password: secret}),
    EnvironmentIds: [],
    TenantIds: [],
    TenantTags: [],
    TenantedDeploymentParticipation: 'Untenanted',
    ...stamp(ctx),
    Links: {Self: spacePath(spaceId, `accounts/${id}`), Usages: spacePath(spaceId, `accounts/${id}/usages`)},
  }
}

function createAccount(ctx: SandboxContext, req: Request) {
  const f = Fields.of(req.body())
  const name = f.requiredString('Name', 'account name')
  const type = f.requiredString('AccountType', 'AccountType (SshKeyPair or UsernamePassword)')
  const username = f.requiredString('Username', 'username')
  const description = f.optionalString('Description')
  if (type && type !== 'SshKeyPair' && type !== 'UsernamePassword') f.errors.push(`AccountType '${type}' is not supported by this sandbox: use SshKeyPair or UsernamePassword.`)
  const secretField = type === 'SshKeyPair' ? 'PrivateKeyFile' : 'Password'
  const secret = f.object(secretField)
  const newValue = secret?.optionalString('NewValue')
  if (!newValue) f.errors.push(`Please specify the ${secretField} ({"NewValue": "..."}).`)
  f.check()
  return ctx.store.transaction(() => {
    assertUniqueName(ctx, 'Account', req.spaceId, name, undefined, 'account name')
    const {id, num} = ctx.store.nextId('Account')
    const doc = buildAccount(ctx, req.spaceId, id, {Name: name, Description: description, AccountType: type as AccountType, Username: username, hasSecret: true})
    ctx.store.putDoc('Account', doc, num)
    return doc
  })
}

export function buildProxy(ctx: SandboxContext, spaceId: string, id: string, fields: {Name: string; Host: string; Port: number; Username: string | null}) {
  return {
    Id: id,
    Name: fields.Name,
    Host: fields.Host,
    Port: fields.Port,
    ProxyType: 'HTTP',
    Username: fields.Username,
    Password: {HasValue: false, NewValue: null, Hint: null},
    SpaceId: spaceId,
    ...stamp(ctx),
    Links: {Self: spacePath(spaceId, `proxies/${id}`)},
  }
}

function createProxy(ctx: SandboxContext, req: Request) {
  const f = Fields.of(req.body())
  const name = f.requiredString('Name', 'proxy name')
  const host = f.requiredString('Host', 'proxy host')
  const port = f.optionalInteger('Port', 80, 1, 65535)
  const username = f.optionalString('Username')
  f.check()
  return ctx.store.transaction(() => {
    assertUniqueName(ctx, 'Proxy', req.spaceId, name, undefined, 'proxy name')
    const {id, num} = ctx.store.nextId('Proxy')
    const doc = buildProxy(ctx, req.spaceId, id, {Name: name, Host: host, Port: port, Username: username})
    ctx.store.putDoc('Proxy', doc, num)
    return doc
  })
}

/** A deployment target; the sandbox keeps only what the "also a deployment target" check needs. */
function createMachine(ctx: SandboxContext, req: Request) {
  const f = Fields.of(req.body())
  const name = f.requiredString('Name', 'deployment target name')
  const environmentIds = f.stringArray('EnvironmentIds')
  const roles = f.stringArray('Roles')
  const isDisabled = f.optionalBoolean('IsDisabled', false)
  const errors = [...f.errors]
  const endpoint = readEndpoint(ctx, req.spaceId, f.object('Endpoint'), errors)
  if (errors.length || !endpoint) throw validationError(...errors)
  return ctx.store.transaction(() => {
    assertUniqueName(ctx, 'Machine', req.spaceId, name, undefined, 'deployment target name')
    const {id, num} = ctx.store.nextId('Machine')
    const doc = buildMachine(ctx, req.spaceId, id, {Name: name, EnvironmentIds: environmentIds, Roles: roles, IsDisabled: isDisabled, Endpoint: endpoint, policyId: defaultMachinePolicyId(ctx, req.spaceId) ?? 'MachinePolicies-1'})
    ctx.store.putDoc('Machine', doc, num)
    return doc
  })
}

export function buildMachine(ctx: SandboxContext, spaceId: string, id: string, fields: {Name: string; EnvironmentIds: string[]; Roles: string[]; IsDisabled: boolean; Endpoint: any; policyId: string; health?: string}) {
  const health = (fields.health ?? 'Unknown') as 'Unknown'
  return {
    Id: id,
    Name: fields.Name,
    SpaceId: spaceId,
    EnvironmentIds: fields.EnvironmentIds,
    Roles: fields.Roles,
    TenantedDeploymentParticipation: 'Untenanted',
    TenantIds: [],
    TenantTags: [],
    MachinePolicyId: fields.policyId,
    IsDisabled: fields.IsDisabled,
    HealthStatus: health,
    Status: machineStatus(health, fields.IsDisabled, fields.Endpoint.TentacleVersionDetails?.Version),
    StatusSummary: statusSummary(health),
    HasLatestCalamari: false,
    IsInProcess: false,
    Thumbprint: fields.Endpoint.Thumbprint,
    Uri: fields.Endpoint.Uri,
    Endpoint: fields.Endpoint,
    OperatingSystem: 'Unknown',
    ShellName: 'Unknown',
    ShellVersion: 'Unknown',
    Architecture: 'Unknown',
    ...stamp(ctx),
    Links: {Self: spacePath(spaceId, `machines/${id}`), Connection: spacePath(spaceId, `machines/${id}/connection`)},
  }
}

function filtered(req: Request, kind: DocKind, extra?: (doc: any) => boolean): string[] {
  const ids = queryList(req.query, 'ids')
  const name = queryValue(req.query, 'name')
  const partialName = queryValue(req.query, 'partialName')
  return req.ctx.store.listDocs(kind, req.spaceId)
    .filter((r) => {
      const doc = JSON.parse(r.json)
      return matchesCommonFilters(doc, ids, name, partialName) && (!extra || extra(doc))
    })
    .map((r) => r.json)
}

/** list, /all and {id} for a space-scoped kind. */
function readRoutes(segment: string, kind: DocKind, itemType: string, query: QueryKey, allQuery: QueryKey, extra?: (req: Request) => ((doc: any) => boolean) | undefined): Route[] {
  return [
    {method: 'GET', path: segment, scope: 'space', query, handler: (req) => ({jsonText: collectionJson(req.ctx, itemType, filtered(req, kind, extra?.(req)), paging(req.query), spacePath(req.spaceId, segment), spacePath(req.spaceId, `${segment}${queryTemplate(req.ctx.profile, query)}`), req.query)})},
    {method: 'GET', path: `${segment}/all`, scope: 'space', query: allQuery, handler: (req) => ({jsonText: arrayJson(filtered(req, kind, extra?.(req)))})},
    {method: 'GET', path: `${segment}/{id}`, scope: 'space', handler: (req) => ({jsonText: loadJson(req.ctx, kind, req.params.id, req.spaceId)})},
  ]
}

const machineFilter = (req: Request) => {
  const thumbprint = queryValue(req.query, 'thumbprint')?.toUpperCase()
  return thumbprint ? (doc: {Thumbprint: string | null}) => (doc.Thumbprint ?? '').toUpperCase() === thumbprint : undefined
}

const accountFilter = (req: Request) => {
  const types = queryList(req.query, 'accountType')
  return types ? (doc: {AccountType: string}) => types.includes(doc.AccountType) : undefined
}

export const infraRoutes: Route[] = [
  ...readRoutes('machinepolicies', 'MachinePolicy', 'MachinePolicy', 'MachinePolicies', 'IdsOnly'),
  {method: 'GET', path: 'machinepolicies/{id}/workers', scope: 'space', handler: (req) => {
    const policy = loadDoc<{Id: string}>(req.ctx, 'MachinePolicy', req.params.id, req.spaceId)
    const workers = req.ctx.store.listJson('Worker', req.spaceId, true).filter((t) => (JSON.parse(t) as {MachinePolicyId: string}).MachinePolicyId === policy.Id)
    return {jsonText: collectionJson(req.ctx, 'Worker', workers, paging(req.query), spacePath(req.spaceId, `machinepolicies/${policy.Id}/workers`), spacePath(req.spaceId, `machinepolicies/${policy.Id}/workers{?skip,take}`), req.query)}
  }},
  ...readRoutes('accounts', 'Account', 'Account', 'Accounts', 'IdsOnly', accountFilter),
  {method: 'POST', path: 'accounts', scope: 'space', handler: (req) => ({status: 201, json: createAccount(req.ctx, req)})},
  ...readRoutes('proxies', 'Proxy', 'Proxy', 'Proxies', 'IdsOnly'),
  {method: 'POST', path: 'proxies', scope: 'space', handler: (req) => ({status: 201, json: createProxy(req.ctx, req)})},
  ...readRoutes('machines', 'Machine', 'Machine', 'Machines', 'MachinesAll', machineFilter),
  {method: 'POST', path: 'machines', scope: 'space', handler: (req) => ({status: 201, json: createMachine(req.ctx, req)})},
]
