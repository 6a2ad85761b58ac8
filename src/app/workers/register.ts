/**
 * `worker register listening|polling|ssh`: the shared logic behind three thin commands.
 *
 * 1. `draftFromInput` validates what was typed (exit 2) before any request.
 * 2. `missingFields` says what is still needed; interactive runs prompt for exactly that.
 * 3. `resolveRegistration` turns names into resources (exit 4 / exit 2) against one snapshot.
 * 4. `decideRegistration` picks create / update in place (--force) / nothing (--if-not-exists).
 * 5. `equivalentCommand` echoes the non-interactive command (the thumbprint in full: it is a public
 *    certificate hash, and the echo must be reusable as it stands).
 * 6. `registrationWarnings` says what is legal but probably a mistake (exit 0, stderr).
 */
import {CliError, ExitCode, usageError} from '../../text/errors.js'
import {findByNameOrId} from '../../octopus/names.js'
import {shellQuote} from '../../text/shell.js'
import type {SpaceContext} from '../../octopus/client.js'
import {createWorker, listAccounts, listMachinePolicies, listProxies, listWorkerPools, listWorkers, updateWorker, type AccountResource} from '../../octopus/repositories.js'
import type {EndpointResource, MachinePolicyResource, WorkerPoolResource, WorkerResource} from '../../octopus/types.js'
import {buildEndpoint, endpointMatches, type EndpointSpec} from './endpoint.js'
import {endpointThumbprint, workerCells, workerTypeText} from '../../domain/workers/endpoint-facts.js'
import {poolNames, withPoolNames, type WorkerWithPoolNames} from './list.js'
import type {DraftField, RegisterDraft, RegisterMode, RegisterSnapshot, RegisterType} from './register-draft.js'
import {resolveSshAccount, resolveStaticPools} from './resolve.js'
import {
  DEFAULT_SSH_PORT,
  parsePollingUri,
  validateListeningUrl,
  validatePlatform,
  validatePort,
  validateSshFingerprint,
  validateSshHost,
  validateSubscriptionId,
  validateThumbprint,
  validateWorkerName,
} from './validate.js'

export interface RegisterInput {
  name?: string
  pool?: string[]
  url?: string
  thumbprint?: string
  subscriptionId?: string
  uri?: string
  host?: string
  port?: string | number
  fingerprint?: string
  account?: string
  platform?: string
  proxy?: string
  machinePolicy?: string
  disabled?: boolean
  ifNotExists?: boolean
  force?: boolean
}

/** Validates every value given (exit 2) without any request. */
export function draftFromInput(type: RegisterType, input: RegisterInput): RegisterDraft {
  if (input.ifNotExists && input.force) throw usageError('--if-not-exists and --force cannot be used together.')
  if (input.subscriptionId !== undefined && input.uri !== undefined) throw usageError('Give --subscription-id or --uri, not both.')
  const nonEmpty = (values: string[] | undefined, flag: string) =>
    (values ?? []).map((v) => {
      if (v.trim() === '') throw usageError(`${flag} must not be empty.`)
      return v.trim()
    })
  return {
    type,
    name: input.name === undefined ? undefined : validateWorkerName(input.name),
    pools: nonEmpty(input.pool, '--pool'),
    url: input.url === undefined ? undefined : validateListeningUrl(input.url),
    thumbprint: input.thumbprint === undefined ? undefined : validateThumbprint(input.thumbprint),
    subscriptionId: input.uri !== undefined ? parsePollingUri(input.uri) : input.subscriptionId === undefined ? undefined : validateSubscriptionId(input.subscriptionId),
    host: input.host === undefined ? undefined : validateSshHost(input.host),
    port: input.port === undefined ? DEFAULT_SSH_PORT : validatePort(input.port),
    fingerprint: input.fingerprint === undefined ? undefined : validateSshFingerprint(input.fingerprint),
    account: input.account === undefined ? undefined : nonEmpty([input.account], '--account')[0],
    platform: input.platform === undefined ? undefined : validatePlatform(input.platform),
    proxy: input.proxy === undefined ? undefined : nonEmpty([input.proxy], '--proxy')[0],
    machinePolicy: input.machinePolicy === undefined ? undefined : nonEmpty([input.machinePolicy], '--machine-policy')[0],
    disabled: Boolean(input.disabled),
    mode: input.force ? 'force' : input.ifNotExists ? 'if-not-exists' : 'create',
  }
}

const REQUIRED: Record<RegisterType, DraftField[]> = {
  listening: ['name', 'pools', 'url', 'thumbprint'],
  polling: ['name', 'pools', 'subscriptionId', 'thumbprint'],
  ssh: ['name', 'pools', 'host', 'fingerprint', 'account'],
}

/** How each field is given on the command line, for "missing" messages and the echoed command. */
export const FIELD_FLAG: Record<DraftField, string> = {
  name: '<name>',
  pools: '--pool',
  url: '--url',
  thumbprint: '--thumbprint',
  subscriptionId: '--subscription-id',
  host: '--host',
  fingerprint: '--fingerprint',
  account: '--account',
}

export function missingFields(draft: RegisterDraft): DraftField[] {
  return REQUIRED[draft.type].filter((field) => (field === 'pools' ? draft.pools.length === 0 : draft[field] === undefined))
}

/** Without a terminal, anything missing is exit 2 (naming all of it) before any request. */
export function requireComplete(draft: RegisterDraft): void {
  const missing = missingFields(draft)
  if (missing.length > 0) {
    throw usageError(`Missing ${missing.map((f) => FIELD_FLAG[f]).join(', ')} (prompts are off: --no-prompt, CI, or no terminal).`, {
      hint: `See \`octoworkers worker register ${draft.type} --help\`.`,
    })
  }
}

export interface ResolvedRegistration {
  name: string
  pools: WorkerPoolResource[]
  spec: EndpointSpec
  machinePolicy?: MachinePolicyResource
  account?: AccountResource
  proxy?: {Id: string; Name: string}
  disabled: boolean
  mode: RegisterMode
  existing?: WorkerResource
}

/** Resolves every name in a complete draft; unknown -> exit 4, dynamic pool / wrong account type -> exit 2. */
export function resolveRegistration(draft: RegisterDraft, snapshot: RegisterSnapshot): ResolvedRegistration {
  requireComplete(draft)
  const pools = resolveStaticPools(snapshot.pools, draft.pools)
  const machinePolicy = draft.machinePolicy ? findByNameOrId(snapshot.machinePolicies ?? [], draft.machinePolicy, 'machine policy') : undefined
  const proxy = draft.proxy ? findByNameOrId(snapshot.proxies ?? [], draft.proxy, 'proxy') : undefined
  const account = draft.type === 'ssh' ? resolveSshAccount(snapshot.accounts ?? [], draft.account!) : undefined
  const name = draft.name!
  const existing = snapshot.sameName.find((w) => w.Name.toLowerCase() === name.toLowerCase())
  let spec: EndpointSpec
  switch (draft.type) {
    case 'listening':
      spec = {type: 'listening', url: draft.url!, thumbprint: draft.thumbprint!, proxyId: proxy?.Id}
      break
    case 'polling':
      spec = {type: 'polling', subscriptionId: draft.subscriptionId!, thumbprint: draft.thumbprint!}
      break
    case 'ssh':
      spec = {type: 'ssh', host: draft.host!, port: draft.port, fingerprint: draft.fingerprint!, accountId: account!.Id, platform: draft.platform, proxyId: proxy?.Id}
      break
  }
  return {name, pools, spec, machinePolicy, account, proxy, disabled: draft.disabled, mode: draft.mode, existing}
}

export type RegistrationDecision =
  | {action: 'create'; body: Record<string, unknown>}
  | {action: 'update'; worker: WorkerResource}
  | {action: 'unchanged'; worker: WorkerResource}

/**
 * Create when the name is free. When a worker of that name exists: --force updates it in place
 * (as `Tentacle register-worker --force`), --if-not-exists leaves it when its endpoint is the one
 * asked for and fails when it differs; without either it is an error.
 */
export function decideRegistration(plan: ResolvedRegistration): RegistrationDecision {
  const endpoint = buildEndpoint(plan.spec)
  const existing = plan.existing
  if (!existing) {
    return {
      action: 'create',
      body: {
        Name: plan.name,
        WorkerPoolIds: plan.pools.map((p) => p.Id),
        ...(plan.machinePolicy ? {MachinePolicyId: plan.machinePolicy.Id} : {}),
        IsDisabled: plan.disabled,
        Endpoint: endpoint,
      },
    }
  }
  if (plan.mode === 'force') return {action: 'update', worker: updatedInPlace(existing, plan, endpoint)}
  if (plan.mode === 'if-not-exists') {
    if (endpointMatches(existing.Endpoint, plan.spec)) return {action: 'unchanged', worker: existing}
    throw new CliError(`Worker '${existing.Name}' (${existing.Id}) already exists with a different endpoint (${describeEndpoint(existing)}); nothing was changed.`, ExitCode.Failure, {
      hint: 'Use --force to update it in place, or pick another name.',
      code: 'conflict',
    })
  }
  throw new CliError(`A worker named '${existing.Name}' already exists (${existing.Id}); nothing was changed.`, ExitCode.Failure, {
    hint: 'Use --if-not-exists to accept an existing worker with the same endpoint, or --force to update it in place.',
    code: 'conflict',
  })
}

function updatedInPlace(existing: WorkerResource, plan: ResolvedRegistration, endpoint: EndpointResource): WorkerResource {
  // Keep the endpoint's server-side identity (its Id) and any fields the new one does not set.
  const mergedEndpoint: EndpointResource = {...existing.Endpoint, ...endpoint}
  if (existing.Endpoint?.CommunicationStyle !== endpoint.CommunicationStyle) {
    for (const key of Object.keys(mergedEndpoint)) if (!(key in endpoint) && key !== 'Id') delete mergedEndpoint[key]
  }
  return {
    ...existing,
    Name: plan.name,
    WorkerPoolIds: plan.pools.map((p) => p.Id),
    MachinePolicyId: plan.machinePolicy?.Id ?? existing.MachinePolicyId,
    IsDisabled: plan.disabled || existing.IsDisabled,
    Endpoint: mergedEndpoint,
    Thumbprint: endpoint.Thumbprint ?? null,
    Uri: endpoint.Uri ?? null,
  }
}

/** The non-interactive command that does what an interactive run just did. */
export function equivalentCommand(plan: ResolvedRegistration, opts: {bin?: string; space?: string} = {}): string {
  const parts: string[] = [opts.bin ?? 'octoworkers', 'worker', 'register', plan.spec.type, shellQuote(plan.name)]
  const flag = (name: string, value: string) => parts.push(name, shellQuote(value))
  if (opts.space) flag('--space', opts.space)
  for (const pool of plan.pools) flag('--pool', pool.Name)
  switch (plan.spec.type) {
    case 'listening':
      flag('--url', plan.spec.url)
      flag('--thumbprint', plan.spec.thumbprint)
      break
    case 'polling':
      flag('--subscription-id', plan.spec.subscriptionId)
      flag('--thumbprint', plan.spec.thumbprint)
      break
    case 'ssh':
      flag('--host', plan.spec.host)
      if (plan.spec.port !== DEFAULT_SSH_PORT) flag('--port', String(plan.spec.port))
      flag('--fingerprint', plan.spec.fingerprint)
      flag('--account', plan.account!.Name)
      if (plan.spec.platform) flag('--platform', plan.spec.platform)
      break
  }
  if (plan.proxy) flag('--proxy', plan.proxy.Name)
  if (plan.machinePolicy) flag('--machine-policy', plan.machinePolicy.Name)
  if (plan.disabled) parts.push('--disabled')
  if (plan.mode === 'if-not-exists') parts.push('--if-not-exists')
  if (plan.mode === 'force') parts.push('--force')
  return parts.join(' ')
}

export type RegistrationAction = 'created' | 'updated' | 'unchanged'

export interface RegistrationResult {
  action: RegistrationAction
  worker: WorkerWithPoolNames
  plan: ResolvedRegistration
  /** Set after an interactive run: the command that does the same without prompts. */
  equivalentCommand?: string
}

/** Other workers of the space that may be the same Tentacle: those with the registration's thumbprint. */
export interface WarningFacts {
  sameThumbprint: WorkerResource[]
}

/**
 * What is allowed but probably a mistake (src/views/workers.ts words each): `plain-http-url`, a
 * listening Tentacle's URL in plain http:// (Octopus reaches listening Tentacles over TLS);
 * `same-tentacle`, another worker with the same address (a listening URL, or a polling
 * subscription) and thumbprint: one machine under two names, its leases counted twice.
 */
export type RegistrationWarning =
  | {kind: 'plain-http-url'; url: string}
  | {kind: 'same-tentacle'; worker: WorkerResource; address: 'url' | 'polling-address'}

export function registrationWarnings(plan: ResolvedRegistration, facts: WarningFacts): RegistrationWarning[] {
  const warnings: RegistrationWarning[] = []
  const spec = plan.spec
  if (spec.type === 'ssh') return warnings
  if (spec.type === 'listening' && /^http:\/\//i.test(spec.url)) {
    warnings.push({kind: 'plain-http-url', url: spec.url})
  }
  const others = facts.sameThumbprint.filter((w) =>
    w.Id !== plan.existing?.Id && w.Name.toLowerCase() !== plan.name.toLowerCase() &&
    (endpointThumbprint(w.Endpoint) ?? w.Thumbprint ?? '').toUpperCase() === spec.thumbprint &&
    endpointMatches(w.Endpoint, spec))
  for (const other of others) {
    warnings.push({kind: 'same-tentacle', worker: other, address: spec.type === 'listening' ? 'url' : 'polling-address'})
  }
  return warnings
}

/** Asks for the fields the command line left out (src/cli/prompts/worker-register.ts asks on a terminal). */
export type AskForMissing = (draft: RegisterDraft, missing: DraftField[], snapshot: Pick<RegisterSnapshot, 'pools' | 'accounts'>) => Promise<RegisterDraft>

export interface RegisterDeps {
  interactive: boolean
  connect: () => Promise<SpaceContext>
  askForMissing: AskForMissing
  bin?: string
  /** The user named the space (--space or OCTOPUS_SPACE), so the echoed command names it too. */
  spaceChosen?: boolean
  /** Told each warning of `registrationWarnings` once the worker is written (stderr, exit 0). */
  onWarning?: (warning: RegistrationWarning) => void
}

/**
 * The whole registration: validate completeness (exit 2, no request) unless prompts are possible;
 * read what names refer to once; prompt for what is missing; resolve; decide; then one write.
 */
export async function registerWorker(initial: RegisterDraft, deps: RegisterDeps): Promise<RegistrationResult> {
  if (!deps.interactive) requireComplete(initial)
  const space = await deps.connect()
  const needsAccounts = initial.type === 'ssh'
  const [pools, machinePolicies, accounts, proxies] = await Promise.all([
    listWorkerPools(space),
    initial.machinePolicy ? listMachinePolicies(space) : undefined,
    needsAccounts ? listAccounts(space) : undefined,
    initial.proxy ? listProxies(space) : undefined,
  ])
  const missing = missingFields(initial)
  const prompted = missing.length > 0
  const draft = prompted ? await deps.askForMissing(initial, missing, {pools, accounts}) : initial
  const [sameName, sameThumbprint] = await Promise.all([
    listWorkers(space, {name: draft.name}),
    draft.type !== 'ssh' && draft.thumbprint ? listWorkers(space, {thumbprint: draft.thumbprint}) : [],
  ])
  const plan = resolveRegistration(draft, {pools, sameName, machinePolicies, accounts, proxies})
  const decision = decideRegistration(plan)
  let worker: WorkerResource
  let action: RegistrationAction
  switch (decision.action) {
    case 'create':
      worker = await createWorker(space, decision.body)
      action = 'created'
      break
    case 'update':
      worker = await updateWorker(space, decision.worker)
      action = 'updated'
      break
    case 'unchanged':
      worker = decision.worker
      action = 'unchanged'
      break
  }
  if (action !== 'unchanged') for (const warning of registrationWarnings(plan, {sameThumbprint})) deps.onWarning?.(warning)
  return {action, worker: withPoolNames(worker, poolNames(pools)), plan, equivalentCommand: prompted ? equivalentCommand(plan, {bin: deps.bin, space: deps.spaceChosen ? space.space.Name : undefined}) : undefined}
}

/** `SSH ssh://h:22/`, `Kubernetes poll://x/`, `no endpoint`: type and address as every command shows them. */
function describeEndpoint(worker: WorkerResource): string {
  const cells = workerCells(worker)
  return cells.Endpoint ? `${workerTypeText(cells.Type)} ${cells.Endpoint}` : workerTypeText(cells.Type)
}
