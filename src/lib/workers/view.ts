/**
 * `worker view`: one worker with every reference turned into a name (pools, machine policy,
 * account, proxy), its health, Tentacle version and its page in the web portal.
 */
import type {WorkerPoolResource, WorkerResource} from '../octopus/types.js'
import {terminalSafe} from '../render/safe.js'
import {describeTentacleVersion, endpointAddress, endpointThumbprint, tentacleVersion, workerTypeLabel} from './endpoint.js'

interface Named {
  Id: string
  Name: string
}

export interface WorkerViewContext {
  pools: WorkerPoolResource[]
  machinePolicies: Named[]
  accounts?: Named[]
  proxies?: Named[]
  webUrl: string
}

export type WorkerView = WorkerResource & {
  WorkerPoolNames: string[]
  MachinePolicyName: string | null
  AccountName?: string | null
  ProxyName?: string | null
  TentacleVersion: string | null
  TentacleUpgradeSuggested: boolean
  TentacleUpgradeRequired: boolean
  WebUrl: string
}

const nameOf = (items: Named[] | undefined, id: string | null | undefined) => (id ? (items?.find((i) => i.Id === id)?.Name ?? id) : null)

/** The worker plus derived, clearly named fields (the --json document). */
export function workerView(worker: WorkerResource, ctx: WorkerViewContext): WorkerView {
  const version = tentacleVersion(worker.Endpoint)
  const view: WorkerView = {
    ...worker,
    WorkerPoolNames: (worker.WorkerPoolIds ?? []).map((id) => nameOf(ctx.pools, id)!),
    MachinePolicyName: nameOf(ctx.machinePolicies, worker.MachinePolicyId),
    TentacleVersion: version?.version ?? null,
    TentacleUpgradeSuggested: version?.upgradeSuggested ?? false,
    TentacleUpgradeRequired: version?.upgradeRequired ?? false,
    WebUrl: ctx.webUrl,
  }
  if (worker.Endpoint?.AccountId) view.AccountName = nameOf(ctx.accounts, worker.Endpoint.AccountId)
  if (worker.Endpoint?.ProxyId) view.ProxyName = nameOf(ctx.proxies, worker.Endpoint.ProxyId)
  return view
}

/** Label/value lines for the human view. */
export function workerViewLines(view: WorkerView): Array<[string, string]> {
  const endpoint = view.Endpoint
  const lines: Array<[string, string]> = [
    ['Name', view.Name],
    ['ID', view.Id],
    ['Type', workerTypeLabel(endpoint)],
    ['Endpoint', endpointAddress(endpoint)],
  ]
  const thumbprint = endpointThumbprint(endpoint)
  if (thumbprint) lines.push(['Thumbprint', thumbprint])
  if (endpoint?.CommunicationStyle === 'Ssh') {
    lines.push(['Host key fingerprint', endpoint.Fingerprint ?? ''])
    lines.push(['Account', view.AccountName ?? ''])
    lines.push(['Platform', endpoint.DotNetCorePlatform || 'mono (none set)'])
  }
  if (view.ProxyName) lines.push(['Proxy', view.ProxyName])
  lines.push(
    ['Pools', view.WorkerPoolNames.join(', ')],
    ['Machine policy', view.MachinePolicyName ?? ''],
    ['Disabled', view.IsDisabled ? 'yes' : 'no'],
    ['Health', view.HealthStatus ?? 'Unknown'],
    ['Health summary', view.StatusSummary ?? ''],
    ['Tentacle version', endpoint?.CommunicationStyle === 'Ssh' ? 'n/a (SSH)' : describeTentacleVersion(tentacleVersion(endpoint))],
  )
  lines.push(['Web portal', view.WebUrl])
  return lines
}

export function formatLines(lines: Array<[string, string]>): string {
  const width = Math.max(...lines.map(([label]) => label.length))
  // Values are the server's (names, summaries): a newline in one must not make a line of its own.
  return lines.map(([label, value]) => `${(label + ':').padEnd(width + 2)}${terminalSafe(value)}`).join('\n') + '\n'
}
