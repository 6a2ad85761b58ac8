/** The plan and apply views (src/views/estate-plan.ts): pure functions of a plan, no server. */
import {describe, expect, it} from 'vitest'
import {changeLines, leasedDeleteWarning, planSummaryLine, renderApply, renderPlan} from '../../../src/views/estate-plan.js'
import type {EstatePlan, PlanSummary} from '../../../src/app/estate-code/plan.js'
import type {ApplyResult} from '../../../src/app/estate-code/apply.js'
import type {PlannedChange} from '../../../src/domain/estate-file/diff.js'

const HOSTILE = 'evil\u001b[2J\u001b]0;owned\u0007\nname'

function change(over: Partial<PlannedChange>): PlannedChange {
  return {Action: 'update', Resource: 'worker', SpaceId: 'Spaces-1', SpaceName: 'Default', Name: 'w', Id: 'Workers-1', Fields: [], Source: null, Seen: null, ...over}
}

function plan(changes: PlannedChange[], summary: Partial<PlanSummary> = {}, over: Partial<EstatePlan> = {}): EstatePlan {
  return {
    Server: 'https://octopus.example', Prune: false, Changes: changes, Unmanaged: [],
    Summary: {Create: 0, Update: 0, Delete: 0, Reorder: 0, DefaultMoves: 0, AgentsToInstall: 0, ...summary},
    HasChanges: changes.some((c) => c.Action !== 'install-agent'), StateDigest: 'x', HttpRequests: 5, ...over,
  }
}

/** No control character of the server's reaches the terminal (a newline would forge a line). */
function expectNoControl(text: string): void {
  for (const line of text.split('\n')) expect([...line].filter((c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f))).toEqual([])
}

describe('the plan view', () => {
  it('escapes server names everywhere they appear: space, headline, field values, the default move, unmanaged names, the Helm hint', () => {
    const text = renderPlan(plan([
      change({SpaceName: HOSTILE, Name: HOSTILE, Fields: [{Field: 'pools', Old: [HOSTILE], New: ['B']}, {Field: 'name', Old: HOSTILE, New: 'w'}]}),
      change({SpaceName: HOSTILE, Action: 'set-default', Resource: 'pool', Name: HOSTILE, Fields: [{Field: 'default', Old: HOSTILE, New: 'P'}]}),
      change({SpaceName: HOSTILE, Action: 'install-agent', Name: HOSTILE, Hint: `install the agent first: helm ${HOSTILE}`}),
    ], {Update: 1, DefaultMoves: 1, AgentsToInstall: 1}, {Unmanaged: [{SpaceName: HOSTILE, Resource: 'worker', Name: HOSTILE, Kept: `a ${HOSTILE} worker`}]}))
    expectNoControl(text)
    const safe = 'evil\\e[2J\\e]0;owned\\x07\\nname'
    // Escaped once, the same way everywhere (quoted or not): not escaped again as JSON would.
    expect(text.split('\n').slice(0, 6)).toEqual([
      `Space "${safe}"`,
      `  ~ worker "${safe}"`,
      `      pools: [${safe}] -> [B]`,
      `      name: "${safe}" -> "w"`,
      `  * default pool "${safe}" -> "${safe}"`,
      `  ! worker "${safe}" (kubernetes): not registered`,
    ])
    expect(text).toContain(`      install the agent first: helm ${safe}`)
    expect(text).toContain(`left alone: 0 pools and 1 worker (--prune deletes them): ${safe}.`)
    expect(text).toContain(`  ${safe} is kept even with --prune: a ${safe} worker.`)
    // A double quote in a name cannot end the quoted name early.
    expect(changeLines(change({Name: 'a" b'}))[0]).toBe('~ worker "a\\" b"')
  })

  it('an update shows each field old -> new; lists in brackets, none as (none), strings quoted', () => {
    expect(changeLines(change({Name: 'build-01', Fields: [
      {Field: 'pools', Old: ['Linux'], New: ['Linux', 'Windows']},
      {Field: 'enabled', Old: true, New: false},
      {Field: 'proxy', Old: null, New: 'Corporate proxy'},
      {Field: 'port', Old: 22, New: 2222},
    ]}))).toEqual([
      '~ worker "build-01"',
      '    pools: [Linux] -> [Linux, Windows]',
      '    enabled: true -> false',
      '    proxy: (none) -> "Corporate proxy"',
      '    port: 22 -> 2222',
    ])
  })

  it('a create lists the new values, a delete only its headline, the order old then new, a default move from -> to', () => {
    expect(changeLines(change({Action: 'create', Resource: 'pool', Name: 'New', Fields: [{Field: 'type', Old: null, New: 'static'}]}))).toEqual(['+ pool "New"', '    type: "static"'])
    expect(changeLines(change({Action: 'delete', Name: 'old'}))).toEqual(['- worker "old"'])
    expect(changeLines(change({Action: 'reorder', Resource: 'pool-order', Name: 'pool order', Fields: [{Field: 'order', Old: ['A', 'B'], New: ['B', 'A']}]}))).toEqual(['> pool order', '    [A, B]', '    -> [B, A]'])
    expect(changeLines(change({Action: 'set-default', Resource: 'pool', Name: 'B', Fields: [{Field: 'default', Old: 'A', New: 'B'}]}))).toEqual(['* default pool "A" -> "B"'])
    expect(changeLines(change({Resource: 'built-in-worker', SpaceName: null, Name: 'built-in worker', Fields: [{Field: 'enabled', Old: true, New: false}]}))[0]).toBe('~ built-in worker')
  })

  it('the summary line: singular and plural wording', () => {
    const one = (change({}))
    expect(planSummaryLine(plan([one], {Create: 1, Update: 1, Delete: 1, Reorder: 1, DefaultMoves: 1, AgentsToInstall: 1}))).toBe('Plan: 1 to create, 1 to update, 1 to delete, the order to change, 1 default pool to move, 1 Kubernetes agent to install.')
    expect(planSummaryLine(plan([one], {Create: 2, Update: 0, Delete: 3, Reorder: 2, DefaultMoves: 2, AgentsToInstall: 2}))).toBe('Plan: 2 to create, 0 to update, 3 to delete, 2 orders to change, 2 default pools to move, 2 Kubernetes agents to install.')
    expect(planSummaryLine(plan([]))).toBe('No changes. The server matches the files.')
    expect(planSummaryLine(plan([change({Action: 'install-agent'})], {AgentsToInstall: 1}))).toBe('No changes. The server matches the files. 1 Kubernetes agent to install.')
    expect(planSummaryLine(plan([change({Action: 'install-agent'})], {AgentsToInstall: 2}))).toBe('No changes. The server matches the files. 2 Kubernetes agents to install.')
  })

  it('what the files leave alone: counted in the plural or singular, ten named, --prune named only without it', () => {
    const unmanaged = Array.from({length: 12}, (_, i) => ({SpaceName: 'Default', Resource: i === 0 ? 'pool' as const : 'worker' as const, Name: `u${i}`, Kept: null}))
    expect(renderPlan(plan([], {}, {Unmanaged: unmanaged})).split('\n').at(-1)).toBe('Not in the files, left alone: 1 pool and 11 workers (--prune deletes them): u0, u1, u2, u3, u4, u5, u6, u7, u8, u9, and 2 more.')
    expect(renderPlan(plan([], {}, {Prune: true, Unmanaged: unmanaged.slice(0, 2)})).split('\n').at(-1)).toBe('Not in the files, left alone: 1 pool and 1 worker: u0, u1.')
  })
})

describe('the apply view', () => {
  const result = (over: Partial<ApplyResult>): ApplyResult => ({Results: [], Done: 0, Conflicts: 0, Refused: 0, Failed: 0, NotAttempted: 0, Refusal: null, Interrupted: false, HttpRequests: 0, ...over})

  it('one line per item (status, sign, resource, escaped name and message), then the totals', () => {
    const text = renderApply(result({
      Results: [
        {Action: 'update', Resource: 'worker', SpaceName: 'Default', Name: HOSTILE, Status: 'conflict', Message: `Worker '${HOSTILE}' was changed`},
        {Action: 'delete', Resource: 'worker', SpaceName: 'Default', Name: 'old', Status: 'done', Message: null},
      ],
      Done: 1, Conflicts: 1,
    }))
    expectNoControl(text)
    expect(text.split('\n')).toEqual([
      'conflict      ~ worker "evil\\e[2J\\e]0;owned\\x07\\nname" (Default): Worker \'evil\\e[2J\\e]0;owned\\x07\\nname\' was changed',
      'done          - worker "old" (Default)',
      'Apply: 1 done, 1 conflict, 0 failed, 0 not attempted. Another client changed what the plan read: run estate plan again.',
    ])
  })

  it('a refusal of the out-of-service guard: counted, then its message and hint', () => {
    const text = renderApply(result({
      Results: [{Action: 'update', Resource: 'worker', SpaceName: 'Default', Name: 'w', Status: 'refused', Message: 'put back'}],
      Refused: 1, Conflicts: 2, Refusal: {Message: `Refusing: pool '${HOSTILE}' has 1`, Hint: 'Check the pool.', ExitCode: 5, Code: 'concurrent-change'},
    }))
    expectNoControl(text)
    expect(text.split('\n').slice(1)).toEqual([
      'Apply: 0 done, 2 conflicts, 1 refused, 0 failed, 0 not attempted. Another client changed what the plan read: run estate plan again.',
      "Refusing: pool 'evil\\e[2J\\e]0;owned\\x07\\nname' has 1",
      'Check the pool.',
    ])
  })
})

describe('the warning for a leased worker the plan deletes', () => {
  it('names the worker, its space and each lease, and says apply needs --drain; server strings cannot break the line', () => {
    const line = leasedDeleteWarning({SpaceName: 'Ops\nError: forged', WorkerName: 'w\u001B[2J', Leases: [{LeaseId: 'WorkerTaskLeases-3', TaskId: 'ServerTasks-9'}, {LeaseId: 'WorkerTaskLeases-4', TaskId: 'ServerTasks-10'}]}, 'octoworkers')
    expect(line).toBe("'w\\e[2J' (space 'Ops\\nError: forged'), which this plan deletes, holds a lease now: task ServerTasks-9 (WorkerTaskLeases-3), task ServerTasks-10 (WorkerTaskLeases-4); `octoworkers estate apply` refuses to delete it without --drain.")
  })
})
