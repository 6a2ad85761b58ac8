/**
 * Reading and switching the built-in worker. The flag lives in the server-wide features document;
 * it is changed by GET-modify-PUT of the whole document, so no other feature flag changes
 * (README §4.1: the PUT is assumed to be a full replace).
 */
import {shellQuote} from '../text/shell.js'
import {authError, unsafeError} from '../text/errors.js'
import type {OctopusClient, SpaceContext} from '../octopus/client.js'
import {OctopusApiError} from '../octopus/errors.js'
import {getFeatures, putFeatures} from '../octopus/repositories.js'
import type {FeaturesConfigurationResource} from '../octopus/types.js'
import {builtinUsage, spacesAtRiskIfDisabled, type BuiltinSpaceUsage} from '../domain/estate/builtin.js'
import {readSnapshot} from './estate/read.js'
import {plural} from '../text/wording.js'

export const FEATURES_PERMISSION_HINT = 'Changing it needs the AdministerSystem permission (web portal: Configuration ➜ Features, "Run steps on the Octopus Server").'

export interface BuiltinStatus {
  IsBuiltInWorkerEnabled: boolean
  Spaces: BuiltinSpaceUsage[]
}

export async function readFeatures(client: OctopusClient): Promise<FeaturesConfigurationResource> {
  try {
    return await getFeatures({client})
  } catch (error) {
    throw permissionError(error, 'read the features configuration', 'Reading it needs the AdministerSystem permission (or a user in Octopus Administrators).')
  }
}

/** Only pools and workers: the built-in worker's rules need nothing else. */
function readPoolsAndWorkers(client: OctopusClient, spaces: SpaceContext[]) {
  return readSnapshot(client, spaces, {summary: false, deploymentTargets: false, features: false, serverNodes: false})
}

/** Per space: is the built-in worker in use, and would switching it off strand steps on the default pool. */
export async function readSpacesUsage(client: OctopusClient, spaces: SpaceContext[], enabled: boolean): Promise<BuiltinSpaceUsage[]> {
  return (await readPoolsAndWorkers(client, spaces)).spaces.map((s) => builtinUsage(s, enabled))
}

export async function spacesAtRisk(client: OctopusClient, spaces: SpaceContext[]): Promise<BuiltinSpaceUsage[]> {
  return spacesAtRiskIfDisabled((await readPoolsAndWorkers(client, spaces)).spaces)
}

/** `builtin-worker status`: the flag, and per space whether it is in use and safe to switch off. */
export async function readBuiltinStatus(client: OctopusClient, spaces: SpaceContext[]): Promise<BuiltinStatus> {
  const enabled = (await readFeatures(client)).IsBuiltInWorkerEnabled === true
  return {IsBuiltInWorkerEnabled: enabled, Spaces: await readSpacesUsage(client, spaces, enabled)}
}

export interface BuiltinSwitchResult {
  IsBuiltInWorkerEnabled: boolean
  Changed: boolean
}

export interface BuiltinDisableResult extends BuiltinSwitchResult {
  /** Spaces whose steps on the default pool would find no worker (only with --force is this non-empty). */
  SpacesAtRisk: BuiltinSpaceUsage[]
}

/** `builtin-worker enable`: switches it on unless it already is. */
export async function enableBuiltinWorker(client: OctopusClient): Promise<BuiltinSwitchResult> {
  if ((await readFeatures(client)).IsBuiltInWorkerEnabled === true) return {IsBuiltInWorkerEnabled: true, Changed: false}
  await setBuiltinWorkerEnabled(client, true)
  return {IsBuiltInWorkerEnabled: true, Changed: true}
}

/**
 * `builtin-worker disable`: refuses (exit 5, nothing changed) when a space's default pool has no
 * available worker, unless `force`; then `confirm` (which may prompt, or throw to stop) before the
 * change. `spaces` is every space: the flag is server-wide.
 */
export async function disableBuiltinWorker(client: OctopusClient, opts: {
  spaces: () => Promise<SpaceContext[]>
  force: boolean
  confirm: (atRisk: BuiltinSpaceUsage[], lines: string[]) => Promise<void>
}): Promise<BuiltinDisableResult> {
  if ((await readFeatures(client)).IsBuiltInWorkerEnabled !== true) return {IsBuiltInWorkerEnabled: false, Changed: false, SpacesAtRisk: []}
  const atRisk = await spacesAtRisk(client, await opts.spaces())
  const lines = atRisk.map(describeAtRisk)
  if (atRisk.length > 0 && !opts.force) {
    throw unsafeError(`Refusing to disable the built-in worker: ${plural(atRisk.length, 'space')} would have no worker for steps on the default pool. ${lines.join(' ')} Nothing was changed.`, {
      hint: atRiskHint(atRisk),
      details: {SpacesAtRisk: atRisk},
    })
  }
  await opts.confirm(atRisk, lines)
  await setBuiltinWorkerEnabled(client, false)
  return {IsBuiltInWorkerEnabled: false, Changed: true, SpacesAtRisk: atRisk}
}

/**
 * The ways out, worded for the first space at risk: each command names the space, since the
 * built-in worker is server-wide but pools are per space.
 */
function atRiskHint(atRisk: BuiltinSpaceUsage[]): string {
  const first = atRisk[0]
  const space = shellQuote(first?.SpaceName ?? 'SPACE')
  const pool = first?.DefaultPoolName ? shellQuote(first.DefaultPoolName) : 'POOL'
  const others = atRisk.length > 1 ? ' (and the same in each space listed)' : ''
  return `Register a healthy worker in the default pool (\`octoworkers worker register listening|polling|ssh ... --space ${space} --pool ${pool}\`), or make a pool with available workers the default (\`octoworkers pool set-default POOL --space ${space}\`)${others}; or pass --force.`
}

/** One line per space at risk, for the refusal and the confirmation prompt. */
export function describeAtRisk(usage: BuiltinSpaceUsage): string {
  if (!usage.DefaultPoolName) return `Space '${usage.SpaceName}' has no default pool.`
  const workers = usage.DefaultPoolWorkers === 0 ? 'no workers (steps run on the built-in worker today)' : `${plural(usage.DefaultPoolWorkers, 'worker')}, none available (enabled, and Healthy or HasWarnings)`
  return `Space '${usage.SpaceName}': default pool '${usage.DefaultPoolName}' has ${workers}.`
}

/**
 * Sets IsBuiltInWorkerEnabled with a fresh GET then a PUT of the whole document. Returns the
 * document the server stored.
 */
export async function setBuiltinWorkerEnabled(client: OctopusClient, enabled: boolean): Promise<FeaturesConfigurationResource> {
  const current = await readFeatures(client)
  try {
    return await putFeatures({client}, {...current, IsBuiltInWorkerEnabled: enabled})
  } catch (error) {
    throw permissionError(error, `${enabled ? 'enable' : 'disable'} the built-in worker`, FEATURES_PERMISSION_HINT)
  }
}

function permissionError(error: unknown, action: string, hint: string): unknown {
  if (error instanceof OctopusApiError && error.status === 403) {
    return authError(`The server refused to let this API key ${action} (HTTP 403): the key's user lacks the AdministerSystem permission.`, {hint, code: 'forbidden', details: {status: 403, permission: 'AdministerSystem'}})
  }
  return error
}
