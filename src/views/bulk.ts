/** The human form of a bulk result: a line per item, and after a failure a summary on stderr. */
import type {BulkResult} from '../domain/bulk.js'
import {safe} from '../ui/safe.js'

/** Every bulk command's default rendering: names and messages come from the server and are shown escaped. */
export function renderBulk(result: BulkResult): {stdout: string; stderr: string[]} {
  const lines = result.Results.map((item) => item.Status === 'failed' ? safe`${item.Name}: FAILED: ${item.Message}` : safe`${item.Name}: ${item.Message}`)
  return {stdout: lines.join('\n'), stderr: result.Failed > 0 ? [bulkFailureSummary(result)] : []}
}

/** The closing line of a bulk run that stopped at a failure (exit 1). */
export function bulkFailureSummary(result: BulkResult): string {
  return `Stopped after a failure: ${result.Done} ${result.Action}, ${result.Unchanged} already so, ${result.Failed} failed, ${result.NotAttempted} not attempted.` +
    (result.NotAttempted > 0 ? ' Run the same command again once the cause is fixed: items already done are reported as unchanged.' : '')
}

/**
 * The human form of a worker bulk result: renderBulk's (server strings escaped there), the failure
 * summary on stderr; a selection of nothing (a pool with no workers) is one note on stderr, exit 0.
 */
export function renderWorkerBulk(result: BulkResult, what: string): {stdout?: string; stderr: string[]} {
  if (result.Results.length === 0) return {stderr: [`No workers selected (the pool has none); nothing was ${what}.`]}
  return renderBulk(result)
}
