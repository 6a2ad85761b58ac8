import {stamp} from '../../docs.js'
import {agentDetails, endpointIdentity, LATEST_KUBERNETES_AGENT, LATEST_TENTACLE_VERSION, reportedTentacleVersion, versionDetails} from '../../endpoints.js'
import {machineStatus, maintenanceFails} from '../../health.js'
import type {WorkerDoc} from '../documents.js'
import {leasedLine, leaseForMaintenance} from '../leases.js'
import type {TaskRunner} from './runner.js'
import type {TaskDoc} from './store.js'
import {plural} from '../../../text/wording.js'

/**
 * `Upgrade` (Tentacle) and `UpdateCalamari`: one worker at a time, each under an exclusive lease
 * taken once the worker's other leases are released (an upgrade "only blocks if there is a
 * deployment running that affects the Tentacle being upgraded"). The new version is written to
 * the worker document and later health checks keep it. SSH workers have no Tentacle and are
 * skipped by an Upgrade. A machine the maintenance rule (health.ts) marks as failing, or one that
 * is Unavailable, fails: the task goes on with the others and ends Failed.
 * Whether UpdateCalamari leases exclusively is not confirmed; the sandbox takes the safe reading.
 */
export function runMaintenance(runner: TaskRunner, task: TaskDoc, machineIds: string[], what: 'Tentacle' | 'Calamari'): void {
  const {ctx, tasks} = runner
  runner.track(task.Id)
  const workerIds = machineIds.filter((id) => id.startsWith('Workers-'))
  const failures: string[] = []
  let index = 0
  const next = (): void => {
    if (index >= workerIds.length) {
      if (failures.length) {
        // The failure wording of a real upgrade task is not confirmed; this names each machine.
        const message = `The ${what === 'Tentacle' ? 'Tentacle upgrade' : 'Calamari update'} failed on ${plural(failures.length, 'machine')}: ${failures.join('; ')}`
        tasks.log(task.Id, task.Id, 'Error', message)
        runner.finish(task.Id, 'Failed', message)
      } else {
        runner.finish(task.Id, 'Success')
      }
      return
    }
    const worker = ctx.store.getParsed<WorkerDoc>('Worker', workerIds[index])
    // SSH workers have no Tentacle (their Calamari still updates); workers without a Tentacle,
    // agent or SSH endpoint cannot be upgraded at all.
    const style = worker?.Endpoint?.CommunicationStyle
    const upgradable = what === 'Tentacle' ? ['TentaclePassive', 'TentacleActive', 'KubernetesTentacle'] : ['TentaclePassive', 'TentacleActive', 'KubernetesTentacle', 'Ssh']
    if (!worker || !style || !upgradable.includes(style)) {
      index++
      return next()
    }
    const result = leaseForMaintenance(ctx, {taskId: task.Id, spaceId: task.SpaceId, workerId: worker.Id})
    if (result.kind === 'wait') return runner.later(task.Id, 25, next)
    const kubernetes = style === 'KubernetesTentacle'
    const activity = tasks.addActivity(task.Id, what === 'Tentacle' ? `Upgrade ${kubernetes ? 'Kubernetes agent' : 'Tentacle'} on ${worker.Name}` : `Update Calamari on ${worker.Name}`)
    if (result.kind !== 'leased') {
      tasks.log(task.Id, activity, 'Error', `${worker.Name}: ${result.message}`)
      tasks.setActivity(task.Id, activity, 'Failed')
      failures.push(`${worker.Name}: ${result.message}`)
      index++
      return next()
    }
    tasks.log(task.Id, activity, 'Info', leasedLine(result.lease))
    if (what === 'Tentacle') tasks.log(task.Id, activity, 'Info', 'Starting the Tentacle upgrader.')
    runner.later(task.Id, ctx.healthCheckMs, () => {
      const current = ctx.store.getParsed<WorkerDoc>('Worker', worker.Id)
      let failure: string | undefined
      if (!current?.Endpoint) failure = 'the worker was deleted during the upgrade'
      else if (current.HealthStatus === 'Unavailable') failure = `the machine at ${endpointIdentity(current.Endpoint).Uri} could not be contacted`
      else if (maintenanceFails(current.Endpoint)) failure = what === 'Tentacle' ? 'the Tentacle installer exited with code 1603; the previous version is still installed' : 'the Calamari package could not be extracted; the previous version is still installed'
      if (current?.Endpoint && !failure) {
        if (what === 'Tentacle') {
          const endpoint = kubernetes
            ? {...current.Endpoint, KubernetesAgentDetails: agentDetails(false, current.Endpoint.KubernetesAgentDetails)}
            : {...current.Endpoint, TentacleVersionDetails: versionDetails(LATEST_TENTACLE_VERSION, current.Endpoint.TentacleVersionDetails?.UpgradeLocked ?? false)}
          ctx.store.putDoc('Worker', {...current, Endpoint: endpoint, Status: machineStatus(current.HealthStatus, current.IsDisabled, reportedTentacleVersion(endpoint)), ...stamp(ctx)})
          tasks.log(task.Id, activity, 'Info', kubernetes
            ? `${worker.Name}: Kubernetes agent upgraded to ${LATEST_KUBERNETES_AGENT.AgentVersion} (Tentacle ${LATEST_KUBERNETES_AGENT.TentacleVersion}).`
            : `${worker.Name}: Tentacle upgraded to ${LATEST_TENTACLE_VERSION}.`)
        } else {
          ctx.store.putDoc('Worker', {...current, HasLatestCalamari: true, ...stamp(ctx)})
          tasks.log(task.Id, activity, 'Info', `${worker.Name}: Calamari is up to date.`)
        }
      }
      if (failure) {
        tasks.log(task.Id, activity, 'Error', `${worker.Name}: ${failure}.`)
        failures.push(`${worker.Name}: ${failure}`)
      }
      // No release line: real servers write none (only "Leased worker ..." is evidenced).
      runner.release(task.Id, activity, result.lease, 'completed')
      tasks.setActivity(task.Id, activity, failure ? 'Failed' : 'Success')
      index++
      next()
    })
  }
  runner.later(task.Id, 5, () => {
    runner.start(task.Id)
    if (what === 'Tentacle') {
      const count = workerIds.length
      tasks.log(task.Id, task.Id, 'Info', `${plural(count, 'machine')} will be upgraded to the latest Tentacle version.`)
    }
    next()
  })
}
