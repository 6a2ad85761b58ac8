import {describe, expect, it} from 'vitest'
import {zeroCounts} from '../../../src/lib/pools/counts.js'
import {filterByType, poolJson, poolListRow, poolViewLines, poolWorkerSummary} from '../../../src/lib/pools/render.js'
import {pool} from './fixtures.js'

const counts = {...zeroCounts(), Total: 6, Healthy: 2, HasWarnings: 1, Unhealthy: 2, Unavailable: 1, Disabled: 1, ByEndpointType: {TentaclePassive: 6}}
const linux = pool('WorkerPools-2', 'Linux', {IsDefault: true})
const hosted = pool('WorkerPools-3', 'Hosted', {WorkerPoolType: 'DynamicWorkerPool', WorkerType: 'UbuntuDefault'})

describe('pool list rendering', () => {
  it('renders a static pool row with usable and unusable counts', () => {
    expect(poolListRow({pool: linux, counts})).toEqual(['Linux', 'static', 'yes', '6', '3', '3', '1'])
  })
  it('renders n/a counts for a dynamic pool', () => {
    expect(poolListRow({pool: hosted, counts: zeroCounts()})).toEqual(['Hosted', 'dynamic (UbuntuDefault)', '', 'n/a', 'n/a', 'n/a', 'n/a'])
  })
  it('adds WorkerCounts to the pool resource for --json', () => {
    expect(poolJson({pool: linux, counts})).toEqual({...linux, WorkerCounts: counts})
  })
  it('filters by type', () => {
    const rows = [{pool: linux, counts}, {pool: hosted, counts}]
    expect(filterByType(rows, 'dynamic').map((r) => r.pool.Name)).toEqual(['Hosted'])
    expect(filterByType(rows, undefined)).toHaveLength(2)
  })
})

describe('pool view rendering', () => {
  it('shows counts by health and endpoint, and the portal URL', () => {
    const text = poolViewLines(linux, counts, 'http://x/app#/Spaces-1/infrastructure/workerpools/WorkerPools-2').join('\n')
    expect(text).toContain('Workers:      6 (disabled 1)')
    expect(text).toContain('By health:    Healthy 2, HasWarnings 1, Unhealthy 2, Unavailable 1, Unknown 0')
    expect(text).toContain('By endpoint:  Listening 6')
    expect(text).toContain('Web portal:   http://x/app#/Spaces-1/infrastructure/workerpools/WorkerPools-2')
  })
  it('summarises a worker with its endpoint', () => {
    const ssh = {Id: 'Workers-1', Name: 'w', HealthStatus: 'Healthy', IsDisabled: false, Endpoint: {CommunicationStyle: 'Ssh', Host: 'h', Port: 2222}} as any
    expect(poolWorkerSummary(ssh)).toEqual({Id: 'Workers-1', Name: 'w', HealthStatus: 'Healthy', IsDisabled: false, CommunicationStyle: 'Ssh', Type: 'SSH', Endpoint: 'ssh://h:2222/'})
    const polling = {Id: 'Workers-2', Name: 'p', HealthStatus: 'Unknown', IsDisabled: true, Endpoint: {CommunicationStyle: 'TentacleActive', Uri: 'poll://abc/'}} as any
    expect(poolWorkerSummary(polling).Endpoint).toBe('poll://abc/')
  })
})
