/**
 * `check` end to end, minus printing: read the snapshot of the given spaces, run the rules, and
 * say whether the run fails at --fail-on. The rules stay pure (src/domain/policy); this is the one
 * place that reads the server for them.
 */
import type {OctopusClient, SpaceContext} from '../../octopus/client.js'
import {checkFailed, runCheck, type CheckReport, type FailOn} from '../../domain/policy/engine.js'
import type {PolicyConfig} from '../../config/octoworkers-yaml/load.js'
import {usageRulesEnabled} from '../../domain/policy/rules/usage.js'
import {readSnapshot} from '../estate/read.js'
import type {UsageReadNote} from '../usage/read.js'
import type {OnUnavailable} from '../unreadable-part.js'

/**
 * What `check` found, as its --json document: the rules' report with the run's own facts around
 * it, every field PascalCase like Octopus's, in the document's order.
 */
export interface CheckDocument extends CheckReport {
  Server: string
  Spaces: Array<{Id: string; Name: string}>
  ConfigFile: string | null
  FailOn: FailOn
  /** A finding is at or above FailOn: the run exits 1. */
  Failed: boolean
  HttpRequests: number
}

/** A `check` run: its document, and what only some formats show, which the document leaves out. */
export interface CheckRun {
  document: CheckDocument
  /** When the snapshot was read (ISO 8601, whole seconds): JUnit's timestamp. */
  checkedAt: string
}

export async function checkEstate(input: {
  client: OctopusClient
  spaces: SpaceContext[]
  config: PolicyConfig
  failOn: FailOn
  /** Told about each optional part of the snapshot that could not be read. */
  onUnavailable?: OnUnavailable
  /** Told, once, facts the usage rules rest on (a server without runbooks). */
  onNote?: (note: UsageReadNote) => void
}): Promise<CheckRun> {
  const checkedAt = new Date().toISOString().replace(/\.\d+Z$/, '')
  const snapshot = await readSnapshot(input.client, input.spaces, {usage: usageRulesEnabled(input.config.severities), onUnavailable: input.onUnavailable, onNote: input.onNote})
  const report = runCheck(snapshot, input.config)
  return {
    document: {
      Server: input.client.server,
      Spaces: snapshot.spaces.map((s) => s.space),
      ConfigFile: input.config.file,
      FailOn: input.failOn,
      Failed: checkFailed(report, input.failOn),
      Summary: report.Summary,
      Findings: report.Findings,
      Ignored: report.Ignored,
      Rules: report.Rules,
      HttpRequests: input.client.requestCount,
    },
    checkedAt,
  }
}
