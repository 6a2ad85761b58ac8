/**
 * Kubernetes agent workers are installed and upgraded with Octopus's Helm chart
 * (OctopusDeploy/helm-charts, `charts/kubernetes-agent`), not by this tool: these build the
 * commands that `check` and `worker upgrade` suggest. Values come from the chart's README; the
 * portal's Add worker wizard writes the same install command with a one-hour bearer token.
 */
import {shellQuote} from '../../text/shell.js'
import {kubernetesAgent, type PresentableEndpoint} from './endpoint-facts.js'

export const KUBERNETES_AGENT_CHART = 'oci://registry-1.docker.io/octopusdeploy/kubernetes-agent'

/** One `--set key=value`: helm splits values on commas, so they are escaped; the whole argument is shell-quoted. */
function set(key: string, value: string): string {
  return `--set ${shellQuote(`${key}=${value.replace(/[\\,]/g, (c) => `\\${c}`)}`)}`
}

/** `helm upgrade --atomic --namespace NS RELEASE <chart>`, with the agent's own release and namespace when the server reports them. */
export function helmUpgradeCommand(endpoint: PresentableEndpoint | null | undefined): string {
  const agent = kubernetesAgent(endpoint)
  const namespace = agent?.namespace ? shellQuote(agent.namespace) : 'NAMESPACE'
  const release = agent?.helmReleaseName ? shellQuote(agent.helmReleaseName) : 'RELEASE'
  return `helm upgrade --atomic --namespace ${namespace} ${release} ${KUBERNETES_AGENT_CHART}`
}

/**
 * The Helm release and namespace suffix for an agent's name: a DNS label (lower-case letters,
 * digits and `-`, at most 39 so that `octopus-agent-` plus it stays within Helm's 53), or NAME when
 * nothing of the name is left.
 */
export function agentReleaseSuffix(name: string | undefined): string {
  const label = (name ?? '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+/, '').slice(0, 39).replace(/-+$/, '')
  return label || 'NAME'
}

/**
 * Installs one more agent as a worker in a pool (`agent.worker.initial.workerPools` takes a pool's
 * name, slug or ID; the ID needs no escaping). `name`: the worker's name when it is known (a
 * declared agent), else NAME; NAME, POLLING-URL and TOKEN are for the user.
 */
export function helmInstallCommand(opts: {server: string; spaceName: string; poolId: string; name?: string}): string {
  const release = `octopus-agent-${agentReleaseSuffix(opts.name)}`
  return [
    `helm upgrade --install --atomic --create-namespace --namespace ${release} ${release}`, KUBERNETES_AGENT_CHART,
    set('agent.acceptEula', 'Y'), set('agent.name', opts.name ?? 'NAME'), set('agent.serverUrl', opts.server), set('agent.serverCommsAddress', 'POLLING-URL'),
    set('agent.space', opts.spaceName), set('agent.worker.enabled', 'true'), `--set ${shellQuote(`agent.worker.initial.workerPools={${opts.poolId}}`)}`,
    set('agent.bearerToken', 'TOKEN'),
  ].join(' ')
}
