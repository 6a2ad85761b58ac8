import type {PolicyConfig} from '../../../config/octoworkers-yaml/load.js'
import {workersOf} from '../../estate/facts.js'
import type {Snapshot, SpaceSnapshot} from '../../estate/types.js'
import {helmInstallCommand} from '../../workers/kubernetes-agent.js'
import {communicationStyle} from '../../workers/endpoint-facts.js'
import {shellQuote as quote} from '../../../text/shell.js'
import type {Finding, RuleId, Severity} from '../types.js'

export interface RuleContext {
  snapshot: Snapshot
  config: PolicyConfig
}

export interface RuleDescriptor {
  id: RuleId
  defaultSeverity: Severity
  /** One line, for tables, SARIF `shortDescription` and JUnit suites. */
  title: string
  /** Why it matters, citing Octopus's guidance where there is some. */
  rationale: string
  /** Why the rule could not run on this snapshot (missing data or configuration), or undefined when it can. */
  unavailable?: (ctx: RuleContext) => string | undefined
  run: (ctx: RuleContext) => Finding[]
}

/** Builds a finding for a space-scoped subject. */
export function spaceFinding(rule: RuleId, severity: Severity, space: SpaceSnapshot, subject: {Id: string; Name: string}, message: string, fix: string | null): Finding {
  return {RuleId: rule, Severity: severity, Subject: subject.Name, SubjectId: subject.Id, SpaceId: space.space.Id, SpaceName: space.space.Name, Message: message, Fix: fix}
}

/** `--space NAME` for a suggested command, so it works whatever the user's default space is. */
export function spaceArg(space: SpaceSnapshot): string {
  return `--space ${quote(space.space.Name)}`
}

/**
 * The suggested fix for a pool that needs (more) workers, for the pool's kind: a pool of
 * Kubernetes agents takes another agent through the Helm chart (this tool cannot register one);
 * any other pool a listening Tentacle.
 */
export function addWorkerFix(pool: {Id: string; Name: string}, space: SpaceSnapshot, server: string): string {
  const members = workersOf(space, pool.Id)
  if (members.length > 0 && members.every((w) => communicationStyle(w.Endpoint).toLowerCase() === 'kubernetestentacle')) {
    return helmInstallCommand({server, spaceName: space.space.Name, poolId: pool.Id})
  }
  return registerWorkerFix(pool.Name, space)
}

/** Registering a listening Tentacle in a pool: the fix when the pool's kind is not known or not an agent pool. */
export function registerWorkerFix(poolName: string, space: SpaceSnapshot): string {
  return `octoworkers worker register listening NAME --pool ${quote(poolName)} --url https://HOST:10933/ --thumbprint THUMBPRINT ${spaceArg(space)}`
}

export {quote}
