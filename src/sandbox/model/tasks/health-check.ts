import {stamp} from '../../docs.js'
import {agentDetails, reportedTentacleVersion, unknownVersion, versionDetails, type EndpointDoc} from '../../endpoints.js'
import {decideHealth, machineStatus, reportsOutdatedCalamari, statusSummary, type HealthOutcome} from '../../health.js'
import type {WorkerDoc} from '../documents.js'
import type {TaskRunner} from './runner.js'
import type {TaskDoc} from './store.js'
import {plural} from '../../../text/wording.js'

/**
 * A `Health` task: after a short queue, each machine's health is decided by the rules in
 * health.ts and written to its document, with one log line per machine. The task fails if any
 * checked machine is Unavailable or Unhealthy.
 */
export function runHealthCheck(runner: TaskRunner, task: TaskDoc, machineIds: string[]): void {
  const {ctx, tasks} = runner
  runner.track(task.Id)
  runner.later(task.Id, 5, () => {
    runner.start(task.Id)
    tasks.log(task.Id, task.Id, 'Info', `Checking the health of ${plural(machineIds.length, 'machine')}.`)
    runner.later(task.Id, ctx.healthCheckMs, () => {
      let problems = 0
      let checkedCount = 0
      let warnings = false
      for (const id of machineIds) {
        const kind = id.startsWith('Workers-') ? 'Worker' : 'Machine'
        const row = ctx.store.getDoc(kind, id)
        if (!row) continue
        const machine = JSON.parse(row.json) as WorkerDoc
        const activity = tasks.addActivity(task.Id, `Check ${machine.Name} health`)
        if (machine.IsDisabled) {
          tasks.log(task.Id, activity, 'Info', `${machine.Name}: skipped because it is disabled.`)
          tasks.setActivity(task.Id, activity, 'Skipped')
          continue
        }
        checkedCount++
        const outcome = decideHealth(machine.Endpoint)
        const bad = outcome.health === 'Unavailable' || outcome.health === 'Unhealthy'
        if (bad) problems++
        if (outcome.health === 'HasWarnings' || outcome.outdated) warnings = true
        tasks.log(task.Id, activity, bad ? 'Error' : outcome.health === 'HasWarnings' ? 'Warning' : 'Info', `${machine.Name}: ${outcome.health}. ${outcome.message}`)
        tasks.setActivity(task.Id, activity, bad ? 'Failed' : outcome.health === 'HasWarnings' ? 'SuccessWithWarning' : 'Success')
        const endpoint = checkedEndpoint(machine.Endpoint, outcome)
        const checked = outcome.health !== 'Unavailable'
        ctx.store.putDoc(kind, {
          ...machine, Endpoint: endpoint, HealthStatus: outcome.health, StatusSummary: statusSummary(outcome.health),
          Status: machineStatus(outcome.health, machine.IsDisabled, reportedTentacleVersion(endpoint)),
          HasLatestCalamari: machine.HasLatestCalamari || (checked && !(machine.Endpoint && reportsOutdatedCalamari(machine.Endpoint))),
          OperatingSystem: checked && machine.OperatingSystem === 'Unknown' ? 'Linux' : machine.OperatingSystem,
          ShellName: checked && machine.ShellName === 'Unknown' ? 'Bash' : machine.ShellName,
          ...stamp(ctx),
        })
      }
      if (problems) {
        // Counted over the machines checked (disabled ones are skipped), named as what they are.
        const noun = machineIds.every((id) => id.startsWith('Workers-')) ? 'worker' : 'machine'
        const message = `The health check failed: ${problems} of ${checkedCount} ${noun}${checkedCount === 1 ? ' was' : 's were'} unavailable or unhealthy.`
        tasks.log(task.Id, task.Id, 'Error', message)
        runner.finish(task.Id, 'Failed', message)
      } else {
        tasks.log(task.Id, task.Id, 'Info', 'The health check completed.')
        runner.finish(task.Id, 'Success', null, warnings)
      }
    })
  })
}

/** The endpoint as a health check leaves it: the Tentacle or agent versions it found. */
export function checkedEndpoint(endpoint: EndpointDoc | null, outcome: HealthOutcome): EndpointDoc | null {
  if (!endpoint) return null
  if (endpoint.CommunicationStyle === 'KubernetesTentacle') {
    return outcome.tentacleVersion ? {...endpoint, KubernetesAgentDetails: agentDetails(outcome.outdated, endpoint.KubernetesAgentDetails)} : {...endpoint}
  }
  if (endpoint.CommunicationStyle !== 'TentaclePassive' && endpoint.CommunicationStyle !== 'TentacleActive') return {...endpoint}
  const upgradeLocked = endpoint.TentacleVersionDetails?.UpgradeLocked ?? false
  return {...endpoint, TentacleVersionDetails: outcome.tentacleVersion ? versionDetails(outcome.tentacleVersion, upgradeLocked) : {...(endpoint.TentacleVersionDetails ?? unknownVersion())}}
}
