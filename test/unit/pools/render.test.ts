import {describe, expect, it} from 'vitest'
import {zeroCounts} from '../../../src/lib/pools/counts.js'
import {filterByType, POOL_LIST_HEAD, poolJson, poolListRow, poolViewLines, poolWorkerSummary} from '../../../src/lib/pools/render.js'
import {pool} from './fixtures.js'

const counts = {...zeroCounts(), Total: 7, Available: 2, Healthy: 1, HasWarnings: 1, Unhealthy: 2, Unavailable: 1, Unknown: 1, Disabled: 1, ByEndpointType: {TentaclePassive: 7}}
const linux = pool('WorkerPools-2', 'Linux', {IsDefault: true})
const hosted = pool('WorkerPools-3', 'Hosted', {WorkerPoolType: 'DynamicWorkerPool', WorkerType: 'UbuntuDefault'})

describe('pool list rendering', () => {
  it('renders a static pool row with one column per health status and disabled, adding up to WORKERS', () => {
    const row = poolListRow({pool: linux, counts})
    expect(POOL_LIST_HEAD).toEqual(['NAME', 'TYPE', 'DEFAULT', 'WORKERS', 'HEALTHY', 'WARNINGS', 'UNHEALTHY', 'UNAVAILABLE', 'UNKNOWN', 'DISABLED'])
    expect(row).toEqual(['Linux', 'static', 'yes', '7', '1', '1', '2', '1', '1', '1'])
    expect(row.slice(4).reduce((sum, n) => sum + Number(n), 0)).toBe(Number(row[3]))
  })
  it('renders n/a counts for a dynamic pool, and DEFAULT no', () => {
    expect(poolListRow({pool: hosted, counts: zeroCounts()})).toEqual(['Hosted', 'dynamic (UbuntuDefault)', 'no', ...Array(7).fill('n/a')])
  })
  it('adds SpaceName and WorkerCounts to the pool resource for --json, keeping SpaceId', () => {
    expect(poolJson({pool: linux, counts}, 'Default')).toEqual({...linux, SpaceId: 'Spaces-1', SpaceName: 'Default', WorkerCounts: counts})
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
    expect(text).toContain('Workers:      7 (disabled 1)')
    expect(text).toContain('By health:    Healthy 1, HasWarnings 1, Unhealthy 2, Unavailable 1, Unknown 1')
    expect(text).toContain('By endpoint:  Listening 7')
    expect(text).toContain('Web portal:   http://x/app#/Spaces-1/infrastructure/workerpools/WorkerPools-2')
  })
  it('summarises a worker with its endpoint', () => {
    const ssh = {Id: 'Workers-1', Name: 'w', HealthStatus: 'Healthy', IsDisabled: false, Endpoint: {CommunicationStyle: 'Ssh', Host: 'h', Port: 2222}} as any
    expect(poolWorkerSummary(ssh)).toEqual({Id: 'Workers-1', Name: 'w', HealthStatus: 'Healthy', IsDisabled: false, CommunicationStyle: 'Ssh', Type: 'SSH', Endpoint: 'ssh://h:2222/'})
    const polling = {Id: 'Workers-2', Name: 'p', HealthStatus: 'Unknown', IsDisabled: true, Endpoint: {CommunicationStyle: 'TentacleActive', Uri: 'poll://abc/'}} as any
    expect(poolWorkerSummary(polling).Endpoint).toBe('poll://abc/')
  })
})
