import {describe, expect, it} from 'vitest'
import {countsFromSummaryEntries, countsFromWorkers, joinPoolsWithSummaries, joinPoolsWithWorkers, zeroCounts, type WorkerCounts} from '../../../src/app/pools/counts.js'
import {countAvailable, HEALTH_STATUSES} from '../../../src/domain/availability.js'
import {pool} from './fixtures.js'

function entry(p: ReturnType<typeof pool>, counts: {total: number; disabled: number; health: Record<string, number>; endpoints?: Record<string, number>}) {
  return {
    WorkerPool: p,
    TotalMachines: counts.total,
    TotalDisabledMachines: counts.disabled,
    MachineHealthStatusSummaries: counts.health,
    MachineEndpointSummaries: counts.endpoints ?? {},
    TentacleUpgradesRequired: false,
    MachineIdsForCalamariUpgrade: [],
    MachineIdsForTentacleUpgrade: [],
  } as any
}

/** The columns of `pool list` add up to the total: each worker is counted once. */
function addsUp(counts: WorkerCounts): boolean {
  return HEALTH_STATUSES.reduce((sum, s) => sum + counts[s], 0) + counts.Disabled === counts.Total
}

const a = pool('WorkerPools-2', 'A')

describe('countsFromSummaryEntries', () => {
  it('takes health from the enabled-only summary, and totals, disabled and endpoints from the whole one', () => {
    // 7 workers, 2 disabled; the whole summary counts the disabled ones' health too (one reading of the API).
    const all = entry(a, {total: 7, disabled: 2, health: {Healthy: 4, HasWarnings: 1, Unhealthy: 1, Unknown: 1}, endpoints: {TentaclePassive: 4, TentacleActive: 3, Ssh: 0}})
    const enabled = entry(a, {total: 5, disabled: 0, health: {Healthy: 2, HasWarnings: 1, Unhealthy: 1, Unknown: 1}})
    const counts = countsFromSummaryEntries(all, enabled)!
    expect(counts).toEqual({Total: 7, Available: 3, Healthy: 2, HasWarnings: 1, Unhealthy: 1, Unavailable: 0, Unknown: 1, Disabled: 2, ByEndpointType: {TentaclePassive: 4, TentacleActive: 3}})
    expect(addsUp(counts)).toBe(true)
  })
  it('is undefined when the server ignored isDisabled=false (the enabled summary still has the disabled workers)', () => {
    const all = entry(a, {total: 3, disabled: 1, health: {Healthy: 3}})
    expect(countsFromSummaryEntries(all, all)).toBeUndefined()
  })
  it('is undefined when the health counts do not add up to the enabled total', () => {
    const all = entry(a, {total: 3, disabled: 0, health: {Healthy: 3}})
    const enabled = entry(a, {total: 3, disabled: 0, health: {Healthy: 2, Rebooting: 1}})
    expect(countsFromSummaryEntries(all, enabled)).toBeUndefined()
  })
  it('treats a pool both summaries leave out as empty', () => {
    expect(countsFromSummaryEntries(undefined, undefined)).toEqual(zeroCounts())
  })
})

describe('joinPoolsWithSummaries', () => {
  const b = pool('WorkerPools-1', 'B')
  const dyn = pool('WorkerPools-3', 'Hosted', {WorkerPoolType: 'DynamicWorkerPool', WorkerType: 'UbuntuDefault'})

  it('keeps the order of the pool list, not the summary, and matches counts by pool ID', () => {
    const summary = {WorkerPoolSummaries: [entry(b, {total: 1, disabled: 0, health: {Healthy: 1}}), entry(a, {total: 5, disabled: 0, health: {Healthy: 5}})]}
    const joined = joinPoolsWithSummaries([a, b], {all: summary, enabled: summary})!
    expect(joined.map((j) => j.pool.Name)).toEqual(['A', 'B'])
    expect(joined.map((j) => j.counts.Total)).toEqual([5, 1])
  })
  it('gives zeros to dynamic pools, and undefined when a static pool\'s summaries disagree', () => {
    const summary = {WorkerPoolSummaries: [entry(dyn, {total: 9, disabled: 0, health: {Healthy: 9}})]}
    expect(joinPoolsWithSummaries([dyn], {all: summary, enabled: summary})![0].counts).toEqual(zeroCounts())
    const all = {WorkerPoolSummaries: [entry(a, {total: 2, disabled: 1, health: {Healthy: 2}})]}
    expect(joinPoolsWithSummaries([a], {all, enabled: all})).toBeUndefined()
  })
  it('keeps fields only the summary copy of the pool carries', () => {
    const listed = {Id: 'WorkerPools-2', Name: 'A', WorkerPoolType: 'StaticWorkerPool', IsDefault: true} as any
    const summary = {WorkerPoolSummaries: [entry(pool('WorkerPools-2', 'A', {Description: 'from summary'}), {total: 0, disabled: 0, health: {}})]}
    expect(joinPoolsWithSummaries([listed], {all: summary, enabled: summary})![0].pool).toMatchObject({Id: 'WorkerPools-2', Description: 'from summary', IsDefault: true})
  })
})

describe('countsFromWorkers', () => {
  const w = (HealthStatus: string | null, IsDisabled: boolean, CommunicationStyle = 'TentaclePassive') => ({HealthStatus, IsDisabled, Endpoint: {CommunicationStyle}}) as any

  it('counts a disabled worker once, in Disabled, and the enabled ones by health', () => {
    const workers = [w('Healthy', false), w('Healthy', true), w('Unavailable', false, 'Ssh'), w('HasWarnings', false, 'TentacleActive'), w(null, false), w('Unhealthy', true)]
    const counts = countsFromWorkers(workers)
    expect(counts).toEqual({
      Total: 6, Available: 2, Healthy: 1, HasWarnings: 1, Unhealthy: 0, Unavailable: 1, Unknown: 1, Disabled: 2,
      ByEndpointType: {TentaclePassive: 4, Ssh: 1, TentacleActive: 1},
    })
    expect(addsUp(counts)).toBe(true)
    // Available is the one definition's count.
    expect(counts.Available).toBe(countAvailable(workers))
    expect(countsFromWorkers([])).toEqual(zeroCounts())
  })
  it('a pool of one Healthy, one HasWarnings and one Unknown worker', () => {
    const counts = countsFromWorkers([w('Healthy', false), w('HasWarnings', false), w('Unknown', false)])
    expect(counts).toMatchObject({Total: 3, Available: 2, Healthy: 1, HasWarnings: 1, Unknown: 1, Unhealthy: 0, Unavailable: 0, Disabled: 0})
  })
  it('joins pools with their members; a worker in two pools counts in each', () => {
    const both = {...w('Healthy', false), WorkerPoolIds: ['WorkerPools-1', 'WorkerPools-2']}
    const joined = joinPoolsWithWorkers([pool('WorkerPools-1', 'One'), a], [both, {...w('Unknown', false), WorkerPoolIds: ['WorkerPools-2']}])
    expect(joined.map((j) => j.counts.Total)).toEqual([1, 2])
  })
})
