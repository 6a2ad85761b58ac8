/**
 * The one rule for "does this worker need an upgrade, and can `worker upgrade` do it?", shared by
 * `check` (health/upgrade-needed) and `worker upgrade` (which workers it plans), so the two never
 * disagree. Pure: it reads the worker document and, when there is one, the pools summary.
 *
 * What upgrades what (API notes: workers-facts §1.4, §2):
 * - Listening and polling Tentacles: an `Upgrade` task (Tentacle) and an `UpdateCalamari` task.
 * - SSH workers have no Tentacle; their Calamari is updated by `UpdateCalamari`.
 * - Kubernetes agents are upgraded through their Helm chart (`helm upgrade`, or the portal's
 *   Connectivity page, which starts a server task whose name is not confirmed), so this tool
 *   starts no task for them.
 * - Any other style (`None`, a missing endpoint, a style this tool does not know) has nothing
 *   this tool can upgrade.
 * A Tentacle whose `TentacleVersionDetails.UpgradeLocked` (a Kubernetes agent: `Endpoint.UpgradeLocked`)
 * is true is never planned for a Tentacle upgrade. The lock is documented for Tentacle and agent
 * upgrades only; whether a real server's `UpdateCalamari` honours it is not confirmed, so a
 * Calamari update still includes a locked worker (Calamari is also updated on deployment by
 * default, whatever the lock).
 */
import {helmUpgradeCommand} from './kubernetes-agent.js'
import {communicationStyle, upgradeAdvice, type PresentableEndpoint} from './endpoint-facts.js'

export type UpgradeKind = 'Tentacle' | 'Calamari'

/** The slice of a worker document the rule reads. */
export interface UpgradeWorker {
  Id: string
  HasLatestCalamari?: boolean | null
  Endpoint?: PresentableEndpoint | null
}

/** From `/workerpools/summary`: the server's own lists of machines to upgrade. */
export interface UpgradeSummaryFacts {
  MachineIdsForTentacleUpgrade?: string[] | null
  MachineIdsForCalamariUpgrade?: string[] | null
}

export interface UpgradeEligibility {
  /**
   * The server says this worker should be upgraded: for a Tentacle or agent, an upgrade that is
   * required or suggested, or the pools summary lists it; for Calamari, `HasLatestCalamari: false`
   * or the summary lists it. An upgrade that is merely available is not asked for.
   */
  needed: boolean
  /** The endpoint's own advice, when it gives one. */
  advice?: 'required' | 'suggested' | 'available'
  /**
   * What upgrades it: `task` (`octoworkers worker upgrade`), `helm` (a Kubernetes agent), or
   * `none` (nothing this tool knows of).
   */
  via: 'task' | 'helm' | 'none'
  /** Its upgrades are locked (UpgradeLocked): `worker upgrade` leaves it alone. */
  locked: boolean
  /** Why `worker upgrade` does not plan it (its kind, or the lock); undefined when it may. */
  blockedBecause?: string
}

/**
 * Whether the summary's list names the worker. The lists name every machine due an upgrade, so on
 * a large estate they are long: each is made a set once (keyed on the list, which a summary does
 * not change once read) rather than scanned for every worker.
 */
function listed(ids: string[] | null | undefined, workerId: string): boolean {
  if (!ids || ids.length === 0) return false
  // A summary is only checked for being an object: a list that is not an array is read as before.
  if (!Array.isArray(ids)) return Boolean((ids as {includes?: (id: string) => boolean}).includes?.(workerId))
  let set = idSets.get(ids)
  if (!set) {
    set = new Set(ids)
    idSets.set(ids, set)
  }
  return set.has(workerId)
}
const idSets = new WeakMap<string[], Set<string>>()

function isLocked(endpoint: PresentableEndpoint | null | undefined): boolean {
  return endpoint?.TentacleVersionDetails?.UpgradeLocked === true || endpoint?.UpgradeLocked === true
}

/** Decides, for one kind of upgrade, whether a worker needs it and whether `worker upgrade` may do it. */
export function upgradeEligibility(worker: UpgradeWorker, kind: UpgradeKind, summary?: UpgradeSummaryFacts): UpgradeEligibility {
  const style = communicationStyle(worker.Endpoint).toLowerCase()
  const tentacle = style === 'tentaclepassive' || style === 'tentacleactive'
  const agent = style === 'kubernetestentacle'
  const locked = kind === 'Tentacle' && isLocked(worker.Endpoint)

  let needed: boolean
  let advice: UpgradeEligibility['advice']
  if (kind === 'Calamari') {
    needed = worker.HasLatestCalamari === false || listed(summary?.MachineIdsForCalamariUpgrade, worker.Id)
  } else {
    const own = upgradeAdvice(worker.Endpoint)
    advice = own?.upgradeRequired ? 'required' : own?.upgradeSuggested ? 'suggested' : own?.upgradeAvailable ? 'available' : undefined
    needed = advice === 'required' || advice === 'suggested' || listed(summary?.MachineIdsForTentacleUpgrade, worker.Id)
  }

  if (agent) {
    // `worker upgrade --calamari` skips agents, so their Calamari is not reported as needed either.
    if (kind === 'Calamari') needed = false
    const how = helmUpgradeCommand(worker.Endpoint)
    return {needed, advice, via: 'helm', locked, blockedBecause: `Kubernetes agents upgrade through Helm (${how}), or from the portal's Connectivity page`}
  }
  if (style === 'ssh') {
    if (kind === 'Tentacle') return {needed: false, via: 'none', locked: false, blockedBecause: 'SSH workers have no Tentacle (use --calamari to update Calamari)'}
    return {needed, via: 'task', locked: false}
  }
  if (!tentacle) {
    const label = worker.Endpoint ? `a worker of type ${communicationStyle(worker.Endpoint)}` : 'a worker with no endpoint'
    return {needed: false, via: 'none', locked: false, blockedBecause: `${label} has no Tentacle or Calamari this tool can upgrade`}
  }
  if (locked) return {needed, advice, via: 'task', locked, blockedBecause: 'its Tentacle upgrades are locked (UpgradeLocked); unlock them on its Connectivity page in the portal first'}
  return {needed, advice, via: 'task', locked}
}
