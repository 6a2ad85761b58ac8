import {describe, expect, it} from 'vitest'
import {zeroCounts} from '../../../src/app/pools/counts.js'
import {POOL_LIST_HEAD, poolListRow, poolViewLines} from '../../../src/views/pools.js'
import {filterByType, poolJson} from '../../../src/app/pools/list.js'
import {poolWorkerSummary} from '../../../src/app/pools/view.js'
import {pool} from './fixtures.js'

const counts = {...zeroCounts(), Total: 7, Available: 2, Healthy: 1, HasWarnings: 1, Unhealthy: 2, Unavailable: 1, Unknown: 1, Disabled: 1, ByEndpointType: {TentaclePassive: 7}}
const linux = pool('WorkerPools-2', 'Linux', {IsDefault: true})
const hosted = pool('WorkerPools-3', 'Hosted', {WorkerPoolType: 'DynamicWorkerPool', WorkerType: 'UbuntuDefault'})

describe('pool list rendering', () => {
  it('renders a static pool row whose HEALTH breakdown and DISABLED add up to WORKERS', () => {
    const row = poolListRow({pool: linux, counts})
    expect(POOL_LIST_HEAD).toEqual(['NAME', 'TYPE', 'DEFAULT', 'WORKERS', 'AVAILABLE', 'HEALTH', 'DISABLED'])
    expect(row).toEqual(['Linux', 'static', 'yes', '7', String(counts.Available), '1 Healthy, 1 HasWarnings, 2 Unhealthy, 1 Unavailable, 1 Unknown', '1'])
    const inHealth = row[5].split(', ').reduce((sum, part) => sum + Number(part.split(' ')[0]), 0)
    expect(inHealth + Number(row[6])).toBe(Number(row[3]))
  })
  it('renders n/a counts for a dynamic pool, and DEFAULT no', () => {
    expect(poolListRow({pool: hosted, counts: zeroCounts()})).toEqual(['Hosted', 'dynamic (UbuntuDefault)', 'no', ...Array(4).fill('n/a')])
  })
  it('says none when a static pool has no enabled workers', () => {
    expect(poolListRow({pool: linux, counts: {...zeroCounts(), Total: 1, Disabled: 1}}).slice(3)).toEqual(['1', '0', 'none', '1'])
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
