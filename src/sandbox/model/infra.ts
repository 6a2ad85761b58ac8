import {validationError} from '../http.js'
import type {ModelContext} from '../context.js'
import {assertUniqueName, spacePath, stamp} from '../docs.js'
import {readEndpoint} from '../endpoints.js'
import {machineStatus, statusSummary} from '../health.js'
import {Fields} from '../validate.js'
import {defaultMachinePolicyId} from './workers.js'

/** Machine policies, accounts, proxies and deployment targets: enough for workers to refer to. */

export function buildMachinePolicy(ctx: ModelContext, spaceId: string, id: string, name: string, isDefault: boolean) {
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
export function buildAccount(ctx: ModelContext, spaceId: string, id: string, fields: {Name: string; Description: string | null; AccountType: AccountType; Username: string; hasSecret: boolean}) {
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

export function createAccount(ctx: ModelContext, spaceId: string, body: unknown) {
  const f = Fields.of(body)
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
    assertUniqueName(ctx, 'Account', spaceId, name, undefined, 'account name')
    const {id, num} = ctx.store.nextId('Account')
    const doc = buildAccount(ctx, spaceId, id, {Name: name, Description: description, AccountType: type as AccountType, Username: username, hasSecret: true})
    ctx.store.putDoc('Account', doc, num)
    return doc
  })
}

export function buildProxy(ctx: ModelContext, spaceId: string, id: string, fields: {Name: string; Host: string; Port: number; Username: string | null}) {
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

export function createProxy(ctx: ModelContext, spaceId: string, body: unknown) {
  const f = Fields.of(body)
  const name = f.requiredString('Name', 'proxy name')
  const host = f.requiredString('Host', 'proxy host')
  const port = f.optionalInteger('Port', 80, 1, 65535)
  const username = f.optionalString('Username')
  f.check()
  return ctx.store.transaction(() => {
    assertUniqueName(ctx, 'Proxy', spaceId, name, undefined, 'proxy name')
    const {id, num} = ctx.store.nextId('Proxy')
    const doc = buildProxy(ctx, spaceId, id, {Name: name, Host: host, Port: port, Username: username})
    ctx.store.putDoc('Proxy', doc, num)
    return doc
  })
}

/** A deployment target; the sandbox keeps only what the "also a deployment target" check needs. */
export function createMachine(ctx: ModelContext, spaceId: string, body: unknown) {
  const f = Fields.of(body)
  const name = f.requiredString('Name', 'deployment target name')
  const environmentIds = f.stringArray('EnvironmentIds')
  const roles = f.stringArray('Roles')
  const isDisabled = f.optionalBoolean('IsDisabled', false)
  const errors = [...f.errors]
  const endpoint = readEndpoint(ctx, spaceId, f.object('Endpoint'), errors)
  if (errors.length || !endpoint) throw validationError(...errors)
  return ctx.store.transaction(() => {
    assertUniqueName(ctx, 'Machine', spaceId, name, undefined, 'deployment target name')
    const {id, num} = ctx.store.nextId('Machine')
    const doc = buildMachine(ctx, spaceId, id, {Name: name, EnvironmentIds: environmentIds, Roles: roles, IsDisabled: isDisabled, Endpoint: endpoint, policyId: defaultMachinePolicyId(ctx, spaceId) ?? 'MachinePolicies-1'})
    ctx.store.putDoc('Machine', doc, num)
    return doc
  })
}

export function buildMachine(ctx: ModelContext, spaceId: string, id: string, fields: {Name: string; EnvironmentIds: string[]; Roles: string[]; IsDisabled: boolean; Endpoint: any; policyId: string; health?: string}) {
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
