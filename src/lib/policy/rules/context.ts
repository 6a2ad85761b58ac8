import type {PolicyConfig} from '../config.js'
import type {Snapshot, SpaceSnapshot} from '../../estate/types.js'
import {shellQuote as quote} from '../../render/shell.js'
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

/** The suggested fix for a pool that needs (more) workers: register a listening Tentacle in it. */
export function registerWorkerFix(poolName: string, space: SpaceSnapshot): string {
  return `octoworkers worker register listening NAME --pool ${quote(poolName)} --url https://HOST:10933/ --thumbprint THUMBPRINT ${spaceArg(space)}`
}

export {quote}
