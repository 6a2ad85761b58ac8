/**
 * `worker provision`: the commands that make a machine register itself as a worker, for the three
 * ways Octopus documents (OctopusDeploy/OctopusTentacle `docker/readme.md` and
 * `docker/linux/scripts/configure-tentacle.sh`; the Linux quick start's listening and polling
 * sequences; the kubernetes-agent chart's worker values). Pure: the app resolves the names, this
 * builds the plan, as data and as a script. The API key is never part of either: every command
 * reads it from `$OCTOPUS_API_KEY` where it runs (or a Kubernetes secret made from it).
 */
import {shellQuote} from '../../text/shell.js'
import {agentRelease, agentWorkerValues, KUBERNETES_AGENT_CHART, type AgentWorkerValues} from './kubernetes-agent.js'
import type {PollingAddress} from './polling-address.js'

export const PROVISION_KINDS = ['docker', 'linux', 'kubernetes'] as const
export type ProvisionKind = (typeof PROVISION_KINDS)[number]

/** Where every printed command reads the key from. */
export const API_KEY_VARIABLE = 'OCTOPUS_API_KEY'
/** The server's certificate thumbprint a listening Linux Tentacle trusts (the portal shows it under Configuration ➜ Thumbprint). */
export const SERVER_THUMBPRINT_VARIABLE = 'OCTOPUS_SERVER_THUMBPRINT'
export const TENTACLE_IMAGE = 'octopusdeploy/tentacle'
export const TENTACLE_PROGRAM = '/opt/octopus/tentacle/Tentacle'
export const LISTENING_PORT = 10933
/** The port a self-hosted server listens on for polling Tentacles. */
/** The key under which the chart reads an API key from `agent.serverApiKeySecretName`. */
export const AGENT_SECRET_KEY = 'api-key'



export interface ProvisionInput {
  kind: ProvisionKind
  name: string
  polling: boolean
  serverUrl: string
  spaceName: string
  /** How each pool is named to the Tentacle or chart (a name, or the ID when the name holds a comma). */
  poolReferences: string[]
  pollingAddress: PollingAddress
}

/** One environment variable of the container: a literal value, or one taken from where the command runs. */
export type EnvEntry = {Name: string; Value: string} | {Name: string; FromEnvironment: string} | {Name: string; FromCommand: string}

export interface DockerPlan {
  Image: string
  Env: EnvEntry[]
  /** `docker run`'s arguments before the image, as words (values read at run time are `--env NAME` alone). */
  Args: string[]
}

export interface LinuxPlan {
  /** Each command as words; `"$VAR"` words are read from the environment where they run. */
  Commands: string[][]
}

export interface KubernetesPlan {
  Chart: string
  Release: string
  Namespace: string
  Secret: {Name: string; Key: string}
  Values: AgentWorkerValues
}

export interface ProvisionPlan {
  Kind: ProvisionKind
  Polling: boolean
  ServerCommsAddress: string | null
  ServerCommsPort: number | null
  /** The environment variables the commands read where they run (the key, never its value). */
  ReadsEnvironment: string[]
  Docker?: DockerPlan
  Linux?: LinuxPlan
  Kubernetes?: KubernetesPlan
  /** The commands as a POSIX shell script, with comments saying where the secrets come from. */
  Script: string[]
}

export function provisionPlan(input: ProvisionInput): ProvisionPlan {
  if (input.kind === 'docker') return dockerPlan(input)
  if (input.kind === 'linux') return linuxPlan(input)
  return kubernetesPlan(input)
}

function header(input: ProvisionInput, style: string): string[] {
  return [
    `# Registers '${oneLine(input.name)}' as a ${style} worker in ${input.poolReferences.map((p) => `'${oneLine(p)}'`).join(', ')} (space '${oneLine(input.spaceName)}') of ${input.serverUrl}`,
  ]
}

/** Names go into comments: a newline would end the comment and start a command. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ')
}

function dockerPlan(input: ProvisionInput): ProvisionPlan {
  const env: EnvEntry[] = [
    {Name: 'ACCEPT_EULA', Value: 'Y'},
    {Name: 'ServerUrl', Value: input.serverUrl},
    {Name: 'ServerApiKey', FromEnvironment: API_KEY_VARIABLE},
    {Name: 'Space', Value: input.spaceName},
    // Worker mode; comma-separated (pool references never hold a comma).
    {Name: 'TargetWorkerPool', Value: input.poolReferences.join(',')},
    {Name: 'TargetName', Value: input.name},
  ]
  if (input.polling) {
    env.push({Name: 'ServerCommsAddress', Value: input.pollingAddress.Address}, {Name: 'ServerPort', Value: String(input.pollingAddress.Port)})
  } else {
    // The image's default public name is the container's own hostname, which the server cannot
    // reach: the host's FQDN, where the published port is.
    env.push(
      {Name: 'ListeningPort', Value: String(LISTENING_PORT)},
      {Name: 'PublicHostNameConfiguration', Value: 'Custom'},
      {Name: 'CustomPublicHostName', FromCommand: 'hostname --fqdn'},
    )
  }
  // Docker-in-Docker needs a privileged container; off unless the user chooses it.
  env.push({Name: 'DISABLE_DIND', Value: 'Y'})
  const args = ['--detach', '--name', containerName(input.name), '--restart', 'unless-stopped', ...(input.polling ? [] : ['--publish', `${LISTENING_PORT}:${LISTENING_PORT}`])]
  const envArgs = env.flatMap((e) => ['--env', 'Value' in e ? `${e.Name}=${e.Value}` : e.Name])
  const fromEnvironment = env.filter((e): e is EnvEntry & {FromEnvironment: string} => 'FromEnvironment' in e)
  const fromCommand = env.filter((e): e is EnvEntry & {FromCommand: string} => 'FromCommand' in e)
  // Values read at run time travel in docker's own environment (`--env NAME` copies them), so the
  // key is never a word of the command line, where `ps` would show it.
  const prefix = [
    ...fromEnvironment.map((e) => `${e.Name}="$${e.FromEnvironment}"`),
    ...fromCommand.map((e) => `${e.Name}="$(${e.FromCommand})"`),
  ]
  return {
    Kind: 'docker',
    Polling: input.polling,
    ...comms(input),
    ReadsEnvironment: [API_KEY_VARIABLE],
    Docker: {Image: TENTACLE_IMAGE, Env: env, Args: [...args, ...envArgs]},
    Script: [
      ...header(input, input.polling ? 'polling' : 'listening'),
      `# The API key is read from $${API_KEY_VARIABLE} in this shell and reaches the container through docker's environment, not its command line.`,
      ...(input.polling ? [] : [`# Docker-in-Docker is off (DISABLE_DIND=Y); for execution containers drop it and add --privileged.`]),
      continued([...prefix, 'docker', 'run'].join(' '), [...args, ...envArgs].map(shellQuote), TENTACLE_IMAGE),
    ],
  }
}

function containerName(name: string): string {
  const label = name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '')
  return `octopus-tentacle-${label || 'worker'}`
}

function linuxPlan(input: ProvisionInput): ProvisionPlan {
  const tentacle = (...args: string[]) => [TENTACLE_PROGRAM, ...args]
  const register = tentacle('register-worker', '--server', input.serverUrl, '--apiKey', `"$${API_KEY_VARIABLE}"`, '--space', input.spaceName, '--name', input.name,
    ...input.poolReferences.flatMap((p) => ['--workerpool', p]))
  const commands = input.polling
    ? [
        tentacle('create-instance', '--config', '/etc/octopus/default/tentacle-default.config'),
        tentacle('new-certificate', '--if-blank'),
        tentacle('configure', '--noListen', 'True', '--reset-trust', '--app', '/home/Octopus/Applications/'),
        [...register, '--comms-style', 'TentacleActive', '--server-comms-address', input.pollingAddress.Address, '--server-comms-port', String(input.pollingAddress.Port)],
        tentacle('service', '--install', '--start'),
      ]
    : [
        tentacle('create-instance', '--config', '/etc/octopus/default/tentacle-default.config'),
        tentacle('new-certificate', '--if-blank'),
        tentacle('configure', '--port', String(LISTENING_PORT), '--noListen', 'False', '--reset-trust', '--app', '/home/Octopus/Applications/'),
        tentacle('configure', '--trust', `"$${SERVER_THUMBPRINT_VARIABLE}"`),
        register,
        tentacle('service', '--install', '--start'),
      ]
  return {
    Kind: 'linux',
    Polling: input.polling,
    ...comms(input),
    ReadsEnvironment: input.polling ? [API_KEY_VARIABLE] : [API_KEY_VARIABLE, SERVER_THUMBPRINT_VARIABLE],
    Linux: {Commands: commands},
    Script: [
      ...header(input, input.polling ? 'polling' : 'listening'),
      '# Run as root on the machine, with the Tentacle package installed (Tentacle 3.22.0 or later registers workers).',
      `# The API key is read from $${API_KEY_VARIABLE} where this runs.`,
      ...(input.polling ? [] : [`# $${SERVER_THUMBPRINT_VARIABLE}: the server's certificate thumbprint (web portal: Configuration ➜ Thumbprint).`]),
      'set -e',
      ...commands.map((words) => words.map(linuxWord).join(' ')),
    ],
  }
}

/** A word of a Linux command: `"$VAR"` stays as it is (expanded where it runs), anything else is quoted. */
function linuxWord(word: string): string {
  return /^"\$[A-Z_]+"$/.test(word) ? word : shellQuote(word)
}

function kubernetesPlan(input: ProvisionInput): ProvisionPlan {
  const release = agentRelease(input.name)
  const secret = {Name: `${release}-api-key`, Key: AGENT_SECRET_KEY}
  // The agent polls the server whatever --polling says: the chart registers a polling agent
  // whenever a comms address is given, and that is how the portal's wizard installs it.
  const values = agentWorkerValues({
    name: input.name, serverUrl: input.serverUrl, serverCommsAddress: input.pollingAddress.Address, space: input.spaceName,
    workerPools: input.poolReferences, credential: {apiKeySecretName: secret.Name},
  })
  return {
    Kind: 'kubernetes',
    Polling: true,
    ServerCommsAddress: input.pollingAddress.Address,
    ServerCommsPort: input.pollingAddress.Port,
    ReadsEnvironment: [API_KEY_VARIABLE],
    Kubernetes: {Chart: KUBERNETES_AGENT_CHART, Release: release, Namespace: release, Secret: secret, Values: values},
    Script: [
      ...header(input, 'Kubernetes agent (polling)'),
      `# The API key is read from $${API_KEY_VARIABLE} in this shell into the Kubernetes secret ${secret.Name} (key ${secret.Key}), which the chart reads; it is never on a command line.`,
      `kubectl create namespace ${release} --dry-run=client --output yaml | kubectl apply --filename -`,
      `printf '%s' "$${API_KEY_VARIABLE}" | kubectl create secret generic ${secret.Name} --namespace ${release} --from-file=${secret.Key}=/dev/stdin`,
      `helm upgrade --install --atomic --namespace ${release} ${release} ${KUBERNETES_AGENT_CHART} --values - <<'VALUES'`,
      ...valuesYaml(values),
      'VALUES',
    ],
  }
}

function comms(input: ProvisionInput): {ServerCommsAddress: string | null; ServerCommsPort: number | null} {
  return input.polling ? {ServerCommsAddress: input.pollingAddress.Address, ServerCommsPort: input.pollingAddress.Port} : {ServerCommsAddress: null, ServerCommsPort: null}
}

/** A long command over several lines: the head, then one option (and its value) a line. */
function continued(head: string, words: string[], tail: string): string {
  const lines = [head]
  for (const word of words) {
    if (word.startsWith('--')) lines.push(word)
    else lines[lines.length - 1] += ` ${word}`
  }
  lines.push(tail)
  return lines.join(' \\\n  ')
}

/**
 * The values as YAML for a quoted here-document: every string a double-quoted JSON string (JSON is
 * YAML), so no value is read as a number, boolean or null, and no line can end the here-document.
 */
export function valuesYaml(values: unknown, indent = ''): string[] {
  const lines: string[] = []
  for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      lines.push(`${indent}${key}:`, ...valuesYaml(value, `${indent}  `))
    } else {
      lines.push(`${indent}${key}: ${JSON.stringify(value)}`)
    }
  }
  return lines
}

/** What `--wait` looks at of a worker. */
export interface ProvisionedWorkerFacts {
  Id: string
  Name: string
  WorkerPoolIds?: string[] | null
  IsDisabled?: boolean
  HealthStatus?: string
  StatusSummary?: string | null
  Endpoint?: {Thumbprint?: string | null} | null
}

/**
 * What still keeps a provisioned worker from being ready: registered, in every pool asked for,
 * enabled, and available (Healthy or HasWarnings). `replacing`: the registration the name had
 * before a forced provision, which does not count until the Tentacle re-registers with its new
 * certificate. Empty when ready.
 */
export function provisionMissing(worker: ProvisionedWorkerFacts | undefined, pools: Array<{Id: string; Name: string}>, replacing?: {Id: string; Thumbprint: string | null}): string[] {
  if (!worker) return ['not registered yet']
  if (replacing && worker.Id === replacing.Id && (worker.Endpoint?.Thumbprint ?? null) === replacing.Thumbprint) {
    return [`still the earlier registration (${worker.Id}, thumbprint ${replacing.Thumbprint ?? 'none'}); the new Tentacle has not registered yet`]
  }
  const missing = pools.filter((p) => !(worker.WorkerPoolIds ?? []).includes(p.Id)).map((p) => `not in pool '${p.Name}'`)
  if (worker.IsDisabled) missing.push('disabled')
  const health = worker.HealthStatus ?? 'Unknown'
  if (health !== 'Healthy' && health !== 'HasWarnings') {
    const summary = worker.StatusSummary?.trim()
    missing.push(health === 'Unknown' ? 'health Unknown (not checked yet)' : `health ${health}${summary ? `: ${summary}` : ''}`)
  }
  return missing
}
