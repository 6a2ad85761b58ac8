import {describe, expect, it} from 'vitest'
import {rowsByPool, summarizePool} from '../../../src/domain/usage/summary.js'
import {buildReport, type CollectedSpace} from '../../../src/app/usage/report.js'
import {workerPoolTypeOf} from '../../../src/domain/pools.js'
import type {SpaceUsage, UsagePoolFacts, UsageRow} from '../../../src/domain/usage/types.js'

const POOLS: UsagePoolFacts[] = Array.from({length: 6}, (_, i) => ({Id: `WorkerPools-${i + 1}`, Name: `Pool ${i + 1}`, IsDefault: i === 0}))

function pseudoRandom(seed: number) {
  let state = seed
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648
}

/** Rows over five of the six pools (the last is unused), with repeated actions, so each count can differ from the row count. */
function usage(seed: number): SpaceUsage {
  const random = pseudoRandom(seed)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]
  const rows = Array.from({length: 1500}, () => ({
    PoolId: pick(POOLS.slice(0, 5)).Id,
    ProjectId: pick(['Projects-1', 'Projects-2', 'Projects-3', 'Projects-4']),
    RunbookId: pick([null, 'Runbooks-1', 'Runbooks-2']),
    ActionId: pick(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7']),
    Via: pick(['direct', 'variable', 'default'] as const),
    IsDisabled: random() < 0.2,
    Container: random() < 0.3 ? {Image: 'ubuntu'} : null,
    BuiltInWorker: random() < 0.01,
  })) as unknown as UsageRow[]
  return {space: {Id: 'Spaces-1', Name: 'Default'}, rows, problems: [], gaps: {VersionControlledProjects: 0, RunbooksInGitProjects: 0, TenantSuppliedActions: 0, SnapshotsRead: false, ServerHasRunbooks: true, UnresolvedRunbookScopes: 0}, workerActions: 0}
}

/** The counts as first written: a scan of the space's rows for the pool, then one set per count. */
function reference(space: SpaceUsage, pool: UsagePoolFacts) {
  const key = (r: UsageRow) => `${r.ProjectId}|${r.RunbookId ?? ''}|${r.ActionId}`
  const rows = space.rows.filter((r) => r.PoolId === pool.Id)
  const distinct = (via?: string) => new Set(rows.filter((r) => via === undefined || r.Via === via).map(key)).size
  return {
    SpaceId: space.space.Id, SpaceName: space.space.Name, PoolId: pool.Id, PoolName: pool.Name, IsDefault: pool.IsDefault, WorkerPoolType: workerPoolTypeOf(pool),
    Direct: distinct('direct'), Variable: distinct('variable'), Default: distinct('default'),
    Disabled: new Set(rows.filter((r) => r.IsDisabled).map(key)).size, Projects: new Set(rows.map((r) => r.ProjectId)).size,
    Containers: new Set(rows.filter((r) => r.Container !== null).map(key)).size, BuiltInWorker: rows.some((r) => r.BuiltInWorker), Unused: rows.length === 0,
  }
}

describe('summarizePool', () => {
  it('counts each pool as a scan per pool does, with or without the rows grouped by pool first', () => {
    for (const seed of [1, 2, 3]) {
      const space = usage(seed)
      const byPool = rowsByPool(space.rows)
      for (const pool of POOLS) {
        const expected = reference(space, pool)
        expect(summarizePool(space, pool)).toEqual(expected)
        expect(summarizePool(space, pool, byPool.get(pool.Id) ?? [])).toEqual(expected)
      }
      expect(summarizePool(space, POOLS[5]).Unused).toBe(true)
    }
  })

  it('groups rows by pool keeping their order', () => {
    const space = usage(4)
    const byPool = rowsByPool(space.rows)
    for (const pool of POOLS.slice(0, 5)) expect(byPool.get(pool.Id)).toEqual(space.rows.filter((r) => r.PoolId === pool.Id))
    expect(byPool.has(POOLS[5].Id)).toBe(false)
  })
})

describe('buildReport', () => {
  it('lists every pool\'s summary and then its rows in pool order, as a scan per pool does', () => {
    const collected = [5, 6].map((seed, i) => {
      const u = usage(seed)
      const space = {Id: `Spaces-${i + 1}`, Name: `Space ${i + 1}`}
      return {estate: {space, pools: POOLS}, usage: {...u, space}} as unknown as CollectedSpace
    })
    const report = buildReport(collected, {})
    expect(report.Pools).toEqual(collected.flatMap((c) => POOLS.map((pool) => reference(c.usage, pool))))
    expect(report.Usage).toEqual(collected.flatMap((c) => POOLS.flatMap((pool) => c.usage.rows.filter((r) => r.PoolId === pool.Id))))
  })
})
