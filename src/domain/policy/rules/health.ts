/** health/*: workers that fail their health check or need a Tentacle or Calamari upgrade. */
import type {SpaceSnapshot, WorkerFacts} from '../../estate/types.js'
import type {Finding} from '../types.js'
import {upgradeAdvice, type PresentableEndpoint} from '../../workers/endpoint-facts.js'
import {helmUpgradeCommand} from '../../workers/kubernetes-agent.js'
import {upgradeEligibility, type UpgradeEligibility} from '../../workers/upgrade-eligibility.js'
import {quote, spaceArg, spaceFinding, type RuleDescriptor} from './context.js'

const BAD_HEALTH = new Set(['Unhealthy', 'Unavailable'])

export const unhealthyWorker: RuleDescriptor = {
  id: 'health/unhealthy-worker',
  defaultSeverity: 'warning',
  title: 'Enabled workers pass their health check',
  rationale: 'Octopus does not lease Unhealthy or Unavailable workers, so they reduce a pool\'s capacity without saying so.',
  run: ({snapshot}) => {
    const findings: Finding[] = []
    for (const space of snapshot.spaces) {
      for (const worker of space.workers) {
        if (worker.IsDisabled || !BAD_HEALTH.has(worker.HealthStatus)) continue
        findings.push(spaceFinding('health/unhealthy-worker', 'warning', space, worker,
          `Worker '${worker.Name}' is ${worker.HealthStatus}; Octopus will not lease it until a health check passes.`,
          `octoworkers worker health ${quote(worker.Name)} --wait ${spaceArg(space)}`))
      }
    }
    return findings
  },
}

export const upgradeNeeded: RuleDescriptor = {
  id: 'health/upgrade-needed',
  defaultSeverity: 'warning',
  title: 'Workers run current Tentacle and Calamari versions',
  rationale: 'Octopus marks workers whose Tentacle, Kubernetes agent or Calamari it wants upgraded: in the pool summary, a Tentacle\'s TentacleVersionDetails, or a Kubernetes agent\'s KubernetesAgentDetails.UpgradeStatus. The same rule decides what `octoworkers worker upgrade` plans; a worker whose upgrades are locked (UpgradeLocked) is a note.',
  run: ({snapshot}) => {
    const findings: Finding[] = []
    for (const space of snapshot.spaces) {
      for (const worker of space.workers) {
        const tentacle = upgradeEligibility(worker, 'Tentacle', space.summary)
        const calamari = upgradeEligibility(worker, 'Calamari', space.summary)
        if (!tentacle.needed && !calamari.needed) continue
        const needs: string[] = []
        if (tentacle.needed) needs.push(tentacleNeed(worker.Endpoint, tentacle))
        if (calamari.needed) needs.push('Calamari')
        const lockedOut = tentacle.needed && tentacle.locked
        const locked = !lockedOut ? '' : tentacle.via === 'helm'
          ? ' Its upgrades are locked (UpgradeLocked): Octopus does not upgrade it automatically.'
          : ` Its Tentacle upgrades are locked (UpgradeLocked): \`octoworkers worker upgrade\` leaves ${calamari.needed ? 'its Tentacle' : 'it'} alone.`
        findings.push(spaceFinding('health/upgrade-needed', lockedOut && !calamari.needed ? 'note' : 'warning', space, worker,
          `Worker '${worker.Name}' needs an upgrade of ${needs.join(' and ')}.${locked}`,
          upgradeFix(worker, space, tentacle, calamari, `${snapshot.server}/app#/${space.space.Id}/infrastructure/workers/${worker.Id}/connection`)))
      }
    }
    return findings
  },
}

/** `Tentacle (runs 6.3.417; upgrade suggested)`, `the Kubernetes agent (upgrade required)`. */
function tentacleNeed(endpoint: PresentableEndpoint | null, eligibility: UpgradeEligibility): string {
  const what = eligibility.via === 'helm' ? 'the Kubernetes agent' : 'Tentacle'
  const version = upgradeAdvice(endpoint)?.version
  const how = eligibility.advice === 'available' ? undefined : eligibility.advice
  return `${what}${version ? ` (runs ${version}${how ? `; upgrade ${how}` : ''})` : how ? ` (upgrade ${how})` : ''}`
}

/** This tool's own command where it can do the upgrade; Helm for a Kubernetes agent; the portal only to unlock. */
function upgradeFix(worker: WorkerFacts, space: SpaceSnapshot, tentacle: UpgradeEligibility, calamari: UpgradeEligibility, connectivityUrl: string): string {
  const upgrade = (flags: string) => `octoworkers worker upgrade ${quote(worker.Name)}${flags} ${spaceArg(space)}`
  const lockedTentacle = tentacle.needed && tentacle.locked && tentacle.via === 'task'
  const commands: string[] = []
  if (tentacle.needed && tentacle.via === 'helm') commands.push(helmUpgradeCommand(worker.Endpoint))
  else if (tentacle.needed && !lockedTentacle) commands.push(upgrade(''))
  if (calamari.needed) commands.push(upgrade(' --calamari'))
  if (!lockedTentacle) return commands.join(' && ')
  const unlock = `unlock its upgrades on its Connectivity page (${connectivityUrl}), then: ${upgrade('')}`
  return commands.length ? `${commands.join(' && ')}; for its Tentacle, ${unlock}` : `Unlock its Tentacle upgrades on its Connectivity page (${connectivityUrl}), then: ${upgrade('')}`
}
