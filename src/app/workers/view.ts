/**
 * `worker view`: one worker with every reference turned into a name (pools, machine policy,
 * account, proxy), its health, Tentacle version and its page in the web portal.
 */
import type {SpaceContext} from '../../octopus/client.js'
import {findByNameOrId} from '../../octopus/names.js'
import {listAccounts, listMachinePolicies, listProxies, listWorkerPools, listWorkers} from '../../octopus/repositories.js'
import type {WorkerPoolResource, WorkerResource} from '../../octopus/types.js'
import {kubernetesAgent, upgradeAdvice} from '../../domain/workers/endpoint-facts.js'

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
