/**
 * `worker view`: one worker with every reference turned into a name (pools, machine policy,
 * account, proxy), its health, Tentacle version and its page in the web portal.
 */
import type {SpaceContext} from '../../octopus/client.js'
import {findByNameOrId} from '../../octopus/names.js'
import {listAccounts, listMachinePolicies, listProxies, listWorkerPools, listWorkers} from '../../octopus/repositories.js'
import type {WorkerPoolResource, WorkerResource} from '../../octopus/types.js'
import {endpointThumbprint} from './endpoint.js'
import {communicationStyle, describeUpgradeAdvice, disabledLabel, healthLabel, kubernetesAgent, upgradeAdvice, workerCells} from '../../domain/workers/endpoint-facts.js'
import {terminalSafe} from '../../ui/safe.js'

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
  /** Kubernetes agents only: `KubernetesAgentDetails.UpgradeStatus` in its canonical spelling. */
  KubernetesAgentUpgradeStatus?: string | null
  WebUrl: string
}

const nameOf = (items: Named[] | undefined, id: string | null | undefined) => (id ? (items?.find((i) => i.Id === id)?.Name ?? id) : null)

/** The worker plus derived, clearly named fields (the --json document). */
export function workerView(worker: WorkerResource, ctx: WorkerViewContext): WorkerView {
  const version = upgradeAdvice(worker.Endpoint)
  const view: WorkerView = {
    ...worker,
    WorkerPoolNames: (worker.WorkerPoolIds ?? []).map((id) => nameOf(ctx.pools, id)!),
    MachinePolicyName: nameOf(ctx.machinePolicies, worker.MachinePolicyId),
    TentacleVersion: version?.version ?? null,
    TentacleUpgradeSuggested: version?.upgradeSuggested ?? false,
    TentacleUpgradeRequired: version?.upgradeRequired ?? false,
    WebUrl: ctx.webUrl,
  }
  const agent = kubernetesAgent(worker.Endpoint)
  if (agent) view.KubernetesAgentUpgradeStatus = agent.upgradeStatus ?? null
  if (worker.Endpoint?.AccountId) view.AccountName = nameOf(ctx.accounts, worker.Endpoint.AccountId)
  if (worker.Endpoint?.ProxyId) view.ProxyName = nameOf(ctx.proxies, worker.Endpoint.ProxyId)
  return view
}

/**
 * `worker view`: the worker named (exit 4 with close matches when none), every reference as a name.
 * Accounts and proxies are read only when the worker has one.
 */
export async function viewWorker(space: SpaceContext, nameOrId: string): Promise<WorkerView> {
  const [workers, pools, machinePolicies] = await Promise.all([listWorkers(space), listWorkerPools(space), listMachinePolicies(space)])
  const worker = findByNameOrId(workers, nameOrId, 'worker')
  const endpoint = worker.Endpoint
  const [accounts, proxies] = await Promise.all([
    endpoint?.AccountId ? listAccounts(space) : undefined,
    endpoint?.ProxyId ? listProxies(space) : undefined,
  ])
  return workerView(worker, {pools, machinePolicies, accounts, proxies, webUrl: space.webUrl(`infrastructure/workers/${worker.Id}/settings`)})
}

/** Label/value lines for the human view. */
export function workerViewLines(view: WorkerView): Array<[string, string]> {
  const endpoint = view.Endpoint
  const cells = workerCells(view)
  const style = communicationStyle(endpoint).toLowerCase()
  const lines: Array<[string, string]> = [
    ['Name', view.Name],
    ['ID', view.Id],
    ['Type', cells.Type],
    ['Endpoint', cells.Endpoint || (endpoint ? '(none)' : '(the server sent no endpoint)')],
  ]
  const thumbprint = endpointThumbprint(endpoint)
  if (thumbprint) lines.push(['Thumbprint', thumbprint])
  if (style === 'ssh') {
    lines.push(['Host key fingerprint', endpoint?.Fingerprint ?? ''])
    lines.push(['Account', view.AccountName ?? ''])
    lines.push(['Platform', endpoint?.DotNetCorePlatform || 'mono (none set)'])
  }
  const agent = kubernetesAgent(endpoint)
  if (agent) {
    const mode = endpoint?.TentacleEndpointConfiguration?.CommunicationMode
    if (mode) lines.push(['Communication mode', mode])
    lines.push(
      ['Agent version', agent.agentVersion ?? 'unknown'],
      ['Helm release', agent.helmReleaseName ?? ''],
      ['Namespace', agent.namespace ?? ''],
      ['Upgrade status', agent.upgradeStatus ?? 'unknown'],
      ['Upgrade locked', agent.upgradeLocked ? 'yes' : 'no'],
    )
  }
  if (view.ProxyName) lines.push(['Proxy', view.ProxyName])
  const advice = upgradeAdvice(endpoint)
  lines.push(
    ['Pools', view.WorkerPoolNames.join(', ')],
    ['Machine policy', view.MachinePolicyName ?? ''],
    ['Disabled', disabledLabel(view)],
    ['Health', healthLabel(view)],
    ['Health summary', view.StatusSummary ?? ''],
    ['Tentacle version', style === 'ssh' ? 'n/a (SSH)' : advice ? describeUpgradeAdvice(advice) : endpoint && !['tentaclepassive', 'tentacleactive'].includes(style) ? 'n/a' : 'unknown (run a health check)'],
  )
  lines.push(['Web portal', view.WebUrl])
  return lines
}

export function formatLines(lines: Array<[string, string]>): string {
  const width = Math.max(...lines.map(([label]) => label.length))
  // Values are the server's (names, summaries): a newline in one must not make a line of its own.
  return lines.map(([label, value]) => `${(label + ':').padEnd(width + 2)}${terminalSafe(value)}`).join('\n') + '\n'
}
