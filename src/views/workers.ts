/** The text forms of `worker view` and `worker register`: server strings shown escaped. */
import type {WorkerView} from '../app/workers/view.js'
import type {RegistrationResult} from '../app/workers/register.js'
import {COMM_STYLE_OF_TYPE, communicationStyle, describeUpgradeAdvice, disabledLabel, endpointAddress, endpointThumbprint, healthLabel, kubernetesAgent, upgradeAdvice, workerCells, workerTypeLabel} from '../domain/workers/endpoint-facts.js'
import {terminalSafe} from '../ui/safe.js'

/** `worker view`'s label/value lines. */
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

/** The outcome in the shared vocabulary: `Registered SSH worker 'x' (Workers-9) in 'Linux'.` */
export function describeRegistration(result: RegistrationResult): string {
  // The type label of every other command, from what the server now holds (else from what was sent).
  const type = workerTypeLabel(result.worker.Endpoint ?? {CommunicationStyle: COMM_STYLE_OF_TYPE[result.plan.spec.type]})
  const pools = result.plan.pools.map((p) => `'${terminalSafe(p.Name)}'`).join(', ')
  const name = terminalSafe(result.worker.Name)
  switch (result.action) {
    case 'created': return `Registered ${type} worker '${name}' (${result.worker.Id}) in ${pools}.`
    case 'updated': return `Updated ${type} worker '${name}' (${result.worker.Id}) in place: now ${endpointAddress(result.worker.Endpoint)} in ${pools}.`
    case 'unchanged': return `${type} worker '${name}' (${result.worker.Id}) already exists with this endpoint; nothing was changed.`
  }
}
