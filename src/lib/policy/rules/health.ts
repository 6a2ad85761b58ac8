/** health/*: workers that fail their health check or need a Tentacle or Calamari upgrade. */
import type {Finding} from '../types.js'
import {needsUpgrade, upgradeAdvice} from '../../workers/present.js'
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
  rationale: 'Octopus marks workers whose Tentacle, Kubernetes agent or Calamari it wants upgraded: in the pool summary, a Tentacle\'s TentacleVersionDetails, or a Kubernetes agent\'s KubernetesAgentDetails.UpgradeStatus.',
  run: ({snapshot}) => {
    const findings: Finding[] = []
    for (const space of snapshot.spaces) {
      const tentacleIds = new Set(space.summary?.MachineIdsForTentacleUpgrade ?? [])
      const calamariIds = new Set(space.summary?.MachineIdsForCalamariUpgrade ?? [])
      for (const worker of space.workers) {
        const advice = upgradeAdvice(worker.Endpoint)
        const needs: string[] = []
        if (tentacleIds.has(worker.Id) || needsUpgrade(advice)) {
          const what = advice?.source === 'kubernetes-agent' ? 'the Kubernetes agent' : 'Tentacle'
          const how = advice?.upgradeRequired ? 'required' : advice?.upgradeSuggested ? 'suggested' : undefined
          needs.push(`${what}${advice?.version ? ` (runs ${advice.version}${how ? `; upgrade ${how}` : ''})` : how ? ` (upgrade ${how})` : ''}`)
        }
        if (calamariIds.has(worker.Id)) needs.push('Calamari')
        if (needs.length === 0) continue
        findings.push(spaceFinding('health/upgrade-needed', 'warning', space, worker,
          `Worker '${worker.Name}' needs an upgrade of ${needs.join(' and ')}.`,
          `Upgrade it from the web portal: ${snapshot.server}/app#/${space.space.Id}/infrastructure/workers/${worker.Id}/connection`))
      }
    }
    return findings
  },
}
