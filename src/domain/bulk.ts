/**
 * Applies an action to several items one by one and records what happened to each, so that a
 * failure midway can say exactly which items were done and which were not.
 * The first failure stops the run: the remaining items are reported as not attempted.
 */
export type BulkOutcome<R> =
  | {status: 'done'; result: R}
  | {status: 'unchanged'; reason: string}
  | {status: 'failed'; error: Error}
  | {status: 'skipped'}

export interface BulkItemResult<T, R> {
  item: T
  outcome: BulkOutcome<R>
}

export interface BulkReport<T, R> {
  results: Array<BulkItemResult<T, R>>
  failed: boolean
}

export async function runBulk<T, R>(
  items: T[],
  action: (item: T) => Promise<{unchanged: string} | {result: R}>,
): Promise<BulkReport<T, R>> {
  const results: Array<BulkItemResult<T, R>> = []
  let failed = false
  for (const item of items) {
    if (failed) {
      results.push({item, outcome: {status: 'skipped'}})
      continue
    }
    try {
      const r = await action(item)
      results.push({item, outcome: 'unchanged' in r ? {status: 'unchanged', reason: r.unchanged} : {status: 'done', result: r.result}})
    } catch (error) {
      failed = true
      results.push({item, outcome: {status: 'failed', error: error as Error}})
    }
  }
  return {results, failed}
}

export type BulkStatus = BulkOutcome<unknown>['status']

/** One item of a bulk command's result, as --json prints it. */
export interface BulkItem {
  Id: string
  Name: string
  Status: BulkStatus
  Message: string
}

/**
 * The one result shape of every bulk command (enable, disable, delete, health, update, pool
 * delete...): each item with what happened to it, and the counts. The partial-failure rule is the
 * same everywhere: the first failure stops the run, the rest are "skipped" (not attempted), the
 * whole result is still printed, and the exit code is 1.
 */
export interface BulkResult {
  /** What "done" means for this command, e.g. "deleted", "disabled". */
  Action: string
  Results: BulkItem[]
  Done: number
  Unchanged: number
  Failed: number
  NotAttempted: number
}

/** `doneMessage` words a done item from its action's result (default: the action, e.g. "deleted"). */
export function toBulkResult<T extends {Id: string; Name: string}, R>(report: BulkReport<T, R>, action: string, doneMessage?: (result: R) => string): BulkResult {
  const results = report.results.map(({item, outcome}): BulkItem => ({
    Id: item.Id,
    Name: item.Name,
    Status: outcome.status,
    Message: outcome.status === 'done' && doneMessage ? doneMessage(outcome.result) : outcomeMessage(outcome, action),
  }))
  const count = (status: BulkStatus) => results.filter((r) => r.Status === status).length
  return {Action: action, Results: results, Done: count('done'), Unchanged: count('unchanged'), Failed: count('failed'), NotAttempted: count('skipped')}
}

function outcomeMessage<R>(outcome: BulkOutcome<R>, action: string): string {
  switch (outcome.status) {
    case 'done': return action
    case 'unchanged': return outcome.reason
    case 'failed': return outcome.error.message
    case 'skipped': return 'not attempted (an earlier item failed)'
  }
}

export function isBulkResult(value: unknown): value is BulkResult {
  const v = value as Partial<BulkResult> | null
  return Boolean(v && typeof v === 'object' && typeof v.Action === 'string' && Array.isArray(v.Results) && typeof v.Failed === 'number')
}
