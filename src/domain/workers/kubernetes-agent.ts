/**
 * Kubernetes agent workers are installed and upgraded with Octopus's Helm chart
 * (OctopusDeploy/helm-charts, `charts/kubernetes-agent`), not by this tool: these build the
 * commands that `check` and `worker upgrade` suggest. Values come from the chart's README; the
 * portal's Add worker wizard writes the same install command with a one-hour bearer token.
 */
import {shellQuote} from '../../text/shell.js'
import {kubernetesAgent, type PresentableEndpoint} from './endpoint-facts.js'
import {pollingAddress} from './polling-address.js'

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

/** The release and namespace an agent named `name` is installed under (NAME when it is not known yet). */
export function agentRelease(name: string | undefined): string {
  return `octopus-agent-${agentReleaseSuffix(name)}`
}

/** How the agent authenticates its registration: a Kubernetes secret holding the API key (key `api-key`), or a bearer token. */
export type AgentCredential = {apiKeySecretName: string} | {bearerToken: string}

/**
 * The chart's values that install an agent as a worker (the chart's README; worker values apply
 * only at the first install): `agent.worker.initial.workerPools` takes pools' names, slugs or IDs.
 */
export interface AgentWorkerValues {
  agent: {
    acceptEula: 'Y'
    name: string
    serverUrl: string
    serverCommsAddress: string
    space: string
    worker: {enabled: true; initial: {workerPools: string[]}}
    serverApiKeySecretName?: string
    bearerToken?: string
  }
}

export function agentWorkerValues(opts: {name: string; serverUrl: string; serverCommsAddress: string; space: string; workerPools: string[]; credential: AgentCredential}): AgentWorkerValues {
  const credential = 'apiKeySecretName' in opts.credential ? {serverApiKeySecretName: opts.credential.apiKeySecretName} : {bearerToken: opts.credential.bearerToken}
  return {
    agent: {
      acceptEula: 'Y', name: opts.name, serverUrl: opts.serverUrl, serverCommsAddress: opts.serverCommsAddress, space: opts.space,
      worker: {enabled: true, initial: {workerPools: opts.workerPools}}, ...credential,
    },
  }
}

/** The values as `--set` arguments, in their order: a list is helm's `{a,b}` form. */
function setArguments(values: unknown, prefix = ''): string[] {
  if (Array.isArray(values)) return [`--set ${shellQuote(`${prefix}={${values.join(',')}}`)}`]
  if (values !== null && typeof values === 'object') return Object.entries(values).flatMap(([key, value]) => setArguments(value, prefix ? `${prefix}.${key}` : key))
  return [set(prefix, String(values))]
}

/**
 * Installs one more agent as a worker in a pool (the pool's ID needs no escaping). `name`: the
 * worker's name when it is known (a declared agent), else NAME; NAME and TOKEN are for the user.
 * The polling address is derived from the server URL (polling-address.ts).
 */
export function helmInstallCommand(opts: {server: string; spaceName: string; poolId: string; name?: string}): string {
  const release = agentRelease(opts.name)
  const values = agentWorkerValues({
    name: opts.name ?? 'NAME', serverUrl: opts.server, serverCommsAddress: pollingAddress(opts.server).Address, space: opts.spaceName, workerPools: [opts.poolId], credential: {bearerToken: 'TOKEN'},
  })
  return [`helm upgrade --install --atomic --create-namespace --namespace ${release} ${release}`, KUBERNETES_AGENT_CHART, ...setArguments(values)].join(' ')
}
