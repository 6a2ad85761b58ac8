/** The text forms of `worker list`, `worker view`, `worker health` and `worker register`. */
import type {TaskResource, WorkerResource} from '../octopus/types.js'
import type {WorkerView} from '../app/workers/view.js'
import type {RegistrationResult, RegistrationWarning} from '../app/workers/register.js'
import type {WorkerListResult, WorkerWithPoolNames} from '../app/workers/list.js'
import type {HealthTarget} from '../app/workers/health.js'
import {formatDuration} from '../text/duration.js'
import {COMM_STYLE_OF_TYPE, communicationStyle, describeUpgradeAdvice, disabledLabel, endpointAddress, endpointThumbprint, healthLabel, kubernetesAgent, upgradeAdvice, workerCells, workerTypeLabel, workerTypeText} from '../domain/workers/endpoint-facts.js'
import {terminalSafe} from '../ui/safe.js'

/** `worker view`'s label/value lines. */
export function workerViewLines(view: WorkerView): Array<[string, string]> {
  const endpoint = view.Endpoint
  const cells = workerCells(view)
  const style = communicationStyle(endpoint).toLowerCase()
  const lines: Array<[string, string]> = [
    ['Name', view.Name],
    ['ID', view.Id],
    ['Type', workerTypeText(cells.Type)],
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

export const WORKER_TABLE_HEAD = ['NAME', 'TYPE', 'HEALTH', 'DISABLED', 'POOLS', 'ENDPOINT']

/** The table of `worker list`: with several spaces, a SPACE column first. */
export function workerListTable(result: WorkerListResult): {head: string[]; rows: string[][]} {
  if (!result.allSpaces) return {head: WORKER_TABLE_HEAD, rows: result.workers.map(workerRow)}
  return {head: ['SPACE', ...WORKER_TABLE_HEAD], rows: result.workers.map((w) => [w.SpaceName ?? '', ...workerRow(w)])}
}

/** One row; TYPE, HEALTH, DISABLED and ENDPOINT are the shared cells `pool view` shows too. */
export function workerRow(worker: WorkerWithPoolNames): string[] {
  const cells = workerCells(worker)
  return [worker.Name, workerTypeText(cells.Type), cells.Health, cells.Disabled, worker.WorkerPoolNames.join(', '), cells.Endpoint]
}

/** `worker health`: the stderr line naming the disabled workers left out of the check, if any. */
export function skippedNote(target: HealthTarget): string | undefined {
  if (target.skipped.length === 0) return undefined
  const names = target.skipped.map((w) => `'${w.Name}'`).join(', ')
  return target.skipped.length === 1
    ? `Skipping disabled worker ${names}: Octopus does not health-check disabled workers.`
    : `Skipping ${target.skipped.length} disabled workers (Octopus does not health-check disabled workers): ${names}.`
}

export const HEALTH_TABLE_HEAD = ['NAME', 'HEALTH', 'STATUS SUMMARY']

export function healthRows(workers: WorkerResource[]): string[][] {
  return workers.map((w) => [w.Name, healthLabel(w), w.StatusSummary ?? ''])
}

/** One progress line: `ServerTasks-12: Executing (3s)`. */
export function healthProgressLine(task: TaskResource, elapsedMs: number): string {
  return `${task.Id}: ${task.State} (${formatDuration(elapsedMs)})`
}

/** A `worker register` warning (after its `Warning:`); the worker's name and the URL are escaped by the writer. */
export function registrationWarningLine(warning: RegistrationWarning): string {
  switch (warning.kind) {
    case 'plain-http-url': return `--url ${warning.url} is plain http://: Octopus talks to a listening Tentacle over TLS, so its health check will fail unless the URL is https://.`
    case 'same-tentacle': {
      const {worker} = warning
      return `${workerTypeLabel(worker.Endpoint)} worker '${worker.Name}' (${worker.Id}) already has this ${warning.address === 'url' ? 'URL' : 'polling address'} and thumbprint: both would be the same Tentacle under two names.`
    }
  }
}
