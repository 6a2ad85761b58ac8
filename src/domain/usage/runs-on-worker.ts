/**
 * Whether an action runs on a worker at all: the one rule `pool usage`, `pool delete` and the
 * usage checks share. Octopus has no field that says so, and what its servers store is only
 * partly documented, so this is a rule with known uncertainty:
 *
 * 1. `Octopus.Manual` and `Octopus.Email` always run inside the Octopus Server process: never a
 *    worker (Octopus docs, "Where steps run").
 * 2. `Octopus.DeployRelease`, `Octopus.HealthCheck`, `Octopus.JiraIntegration.*` and the import
 *    certificate step are taken to run in the server process too (a heuristic: no source confirms
 *    their ActionTypes or where they run).
 * 3. `Octopus.Action.RunOnServer` = "true" (compared case-insensitively; clients write "true" and
 *    "True"): the step runs on a worker (or on the built-in worker). "yes".
 * 4. The AWS, Azure, Terraform and Google Cloud families run on a worker ("All AWS, Terraform, and
 *    Azure steps" per the docs), even where RunOnServer is absent or "false" as exported processes
 *    show. "likely": the server's stored value may disagree.
 * 5. RunOnServer "false", or a step that targets roles without RunOnServer: the step runs on
 *    deployment targets, not a worker. Unless the action names a worker pool or pool variable
 *    anyway, which the portal sets only for worker steps: then "likely", so that a pool is never
 *    deleted from under a step that may need it.
 * 6. No RunOnServer and no target roles: "likely" (a worker step saved by a client that leaves the
 *    property out).
 */
import type {ActionFacts, PropertyValue} from '../../octopus/usage-types.js'
import type {RunsOnWorker} from './types.js'

export interface RunsOnWorkerVerdict {
  verdict: RunsOnWorker | 'no'
  /** One short clause, shown in --json (RunsOnWorkerReason) and in `--help`. */
  reason: string
}

const SERVER_PROCESS_TYPES = new Set(['octopus.manual', 'octopus.email'])
const PROBABLY_SERVER_PROCESS = [/^octopus\.deployrelease$/i, /^octopus\.healthcheck$/i, /^octopus\.jiraintegration\./i, /^octopus\.certificate\.import$/i, /^octopus\.importcertificate$/i]
const WORKER_FAMILIES = [/^octopus\.aws/i, /^octopus\.azure/i, /^octopus\.terraform/i, /^octopus\.googlecloud/i]

const RUN_ON_SERVER = 'Octopus.Action.RunOnServer'
const TARGET_ROLES = 'Octopus.Action.TargetRoles'
/** The step and action properties the usage reads (all a reduced process keeps: process-facts.ts). */
export const USAGE_PROPERTIES = [RUN_ON_SERVER, TARGET_ROLES] as const

/** A property's text (sensitive values have none to compare); keys compared case-insensitively. */
export function propertyText(properties: Record<string, PropertyValue> | null | undefined, key: string): string | undefined {
  if (!properties) return undefined
  const value = byLowerCaseKey(properties).get(key.toLowerCase())
  return typeof value === 'string' ? value : undefined
}

/** A properties object by lower-cased key (the first spelling wins), made once per object: each action's properties are asked several keys. */
const lowerCaseKeyed = new WeakMap<object, Map<string, PropertyValue>>()
function byLowerCaseKey(properties: Record<string, PropertyValue>): Map<string, PropertyValue> {
  let keyed = lowerCaseKeyed.get(properties)
  if (!keyed) {
    keyed = new Map()
    for (const [k, v] of Object.entries(properties)) {
      const key = k.toLowerCase()
      if (!keyed.has(key)) keyed.set(key, v)
    }
    lowerCaseKeyed.set(properties, keyed)
  }
  return keyed
}

export function runsOnWorker(action: Pick<ActionFacts, 'ActionType' | 'Properties' | 'WorkerPoolId' | 'WorkerPoolVariable'>, stepProperties?: Record<string, PropertyValue> | null): RunsOnWorkerVerdict {
  const type = (action.ActionType ?? '').trim()
  const lower = type.toLowerCase()
  if (SERVER_PROCESS_TYPES.has(lower)) return {verdict: 'no', reason: `${type} runs inside the Octopus Server process`}
  if (PROBABLY_SERVER_PROCESS.some((p) => p.test(type))) return {verdict: 'no', reason: `${type} is taken to run inside the Octopus Server process (heuristic)`}
  const runOnServer = propertyText(action.Properties, RUN_ON_SERVER)?.trim().toLowerCase()
  if (runOnServer === 'true') return {verdict: 'yes', reason: 'Octopus.Action.RunOnServer is true'}
  if (WORKER_FAMILIES.some((p) => p.test(type))) {
    return {verdict: 'likely', reason: `${type} is a cloud step, which runs on a worker (RunOnServer is ${runOnServer === undefined ? 'not set' : runOnServer})`}
  }
  const roles = propertyText(stepProperties, TARGET_ROLES) ?? propertyText(action.Properties, TARGET_ROLES)
  const targetsRoles = roles !== undefined && roles.trim() !== ''
  const namesPool = Boolean(action.WorkerPoolId?.trim() || action.WorkerPoolVariable?.trim())
  if (runOnServer === 'false' || targetsRoles) {
    if (namesPool) return {verdict: 'likely', reason: `it names a worker pool although it runs on ${targetsRoles ? `targets in roles ${roles}` : 'targets (RunOnServer is false)'}`}
    return {verdict: 'no', reason: targetsRoles ? `it runs on deployment targets in roles ${roles}` : 'Octopus.Action.RunOnServer is false'}
  }
  return {verdict: 'likely', reason: 'no target roles and RunOnServer is not set'}
}

/** For `--help`: the rule in a few lines. */
export const RUNS_ON_WORKER_HELP = `Which actions run on a worker is partly a heuristic (RunsOnWorker in --json is "yes" or "likely"):
  yes     Octopus.Action.RunOnServer is "true".
  likely  AWS, Azure, Terraform and Google Cloud steps; steps with no target roles and no RunOnServer; and target steps that still name a pool.
  never   Octopus.Manual and Octopus.Email (they run in the server process); Octopus.DeployRelease, Octopus.HealthCheck and Jira steps are taken to as well.`
