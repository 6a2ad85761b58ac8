import {describe, expect, it} from 'vitest'
import {countsFromSummaryEntry, countsFromWorkers, joinPoolsWithSummary, unusableCount, usableCount, zeroCounts} from '../../../src/lib/pools/counts.js'
import {pool} from './fixtures.js'

function entry(p: ReturnType<typeof pool>, counts: {total: number; disabled: number; health: Record<string, number>; endpoints: Record<string, number>}) {
  return {
    WorkerPool: p,
    TotalMachines: counts.total,
    TotalDisabledMachines: counts.disabled,
    MachineHealthStatusSummaries: counts.health,
    MachineEndpointSummaries: counts.endpoints,
    TentacleUpgradesRequired: false,
    MachineIdsForCalamariUpgrade: [],
    MachineIdsForTentacleUpgrade: [],
  } as any
}

describe('countsFromSummaryEntry', () => {
  it('reads every counter and keeps only endpoint types that have workers', () => {
    const counts = countsFromSummaryEntry(entry(pool('WorkerPools-1', 'A'), {
      total: 7, disabled: 2,
      health: {Healthy: 3, HasWarnings: 1, Unhealthy: 1, Unavailable: 1, Unknown: 1},
      endpoints: {TentaclePassive: 4, TentacleActive: 3, Ssh: 0},
    }))
    expect(counts).toEqual({Total: 7, Healthy: 3, HasWarnings: 1, Unhealthy: 1, Unavailable: 1, Unknown: 1, Disabled: 2, ByEndpointType: {TentaclePassive: 4, TentacleActive: 3}})
    expect(usableCount(counts)).toBe(4)
    expect(unusableCount(counts)).toBe(2)
  })
  it('treats missing counters as 0', () => {
    expect(countsFromSummaryEntry({WorkerPool: pool('WorkerPools-1', 'A')} as any)).toEqual(zeroCounts())
    expect(countsFromSummaryEntry(undefined)).toEqual(zeroCounts())
  })
})

describe('joinPoolsWithSummary', () => {
  const a = pool('WorkerPools-2', 'A')
  const b = pool('WorkerPools-1', 'B')
  const dyn = pool('WorkerPools-3', 'Hosted', {WorkerPoolType: 'DynamicWorkerPool', WorkerType: 'UbuntuDefault'})

  it('keeps the order of the pool list, not the summary, and matches counts by pool ID', () => {
    const summary = {WorkerPoolSummaries: [
      entry(b, {total: 1, disabled: 0, health: {Healthy: 1}, endpoints: {Ssh: 1}}),
      entry(a, {total: 5, disabled: 1, health: {Healthy: 5}, endpoints: {TentaclePassive: 5}}),
    ]}
    const joined = joinPoolsWithSummary([a, b], summary)
    expect(joined.map((j) => j.pool.Name)).toEqual(['A', 'B'])
    expect(joined.map((j) => j.counts.Total)).toEqual([5, 1])
  })
  it('gives zeros to a pool the summary leaves out and to dynamic pools', () => {
    const summary = {WorkerPoolSummaries: [entry(dyn, {total: 9, disabled: 0, health: {Healthy: 9}, endpoints: {}})]}
    const joined = joinPoolsWithSummary([a, dyn], summary)
    expect(joined[0].counts).toEqual(zeroCounts())
    expect(joined[1].counts).toEqual(zeroCounts())
  })
  it('keeps fields only the summary copy of the pool carries', () => {
    const listed = {Id: 'WorkerPools-2', Name: 'A', WorkerPoolType: 'StaticWorkerPool', IsDefault: true} as any
    const joined = joinPoolsWithSummary([listed], {WorkerPoolSummaries: [entry(pool('WorkerPools-2', 'A', {Description: 'from summary'}), {total: 0, disabled: 0, health: {}, endpoints: {}})]})
    expect(joined[0].pool).toMatchObject({Id: 'WorkerPools-2', Description: 'from summary', IsDefault: true})
  })
})

describe('countsFromWorkers', () => {
  it('counts health, disabled and endpoint types over a worker list', () => {
    const w = (HealthStatus: string, IsDisabled: boolean, CommunicationStyle: string) => ({HealthStatus, IsDisabled, Endpoint: {CommunicationStyle}}) as any
    expect(countsFromWorkers([w('Healthy', false, 'TentaclePassive'), w('Healthy', true, 'TentaclePassive'), w('Unavailable', false, 'Ssh'), w('HasWarnings', false, 'TentacleActive')])).toEqual({
      Total: 4, Healthy: 2, HasWarnings: 1, Unhealthy: 0, Unavailable: 1, Unknown: 0, Disabled: 1,
      ByEndpointType: {TentaclePassive: 2, Ssh: 1, TentacleActive: 1},
    })
    expect(countsFromWorkers([])).toEqual(zeroCounts())
  })
})
