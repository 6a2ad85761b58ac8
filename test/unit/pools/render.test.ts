import {describe, expect, it} from 'vitest'
import {zeroCounts} from '../../../src/app/pools/counts.js'
import {POOL_LIST_HEAD, poolListRow, poolListText, poolViewLines, poolWorkerRow} from '../../../src/views/pools.js'
import {wrapCell} from '../../../src/views/wrapped-table.js'
import {filterByType, poolJson} from '../../../src/app/pools/list.js'
import {poolWorkerSummary} from '../../../src/app/pools/view.js'
import {pool} from './fixtures.js'

const counts = {...zeroCounts(), Total: 7, Available: 2, Healthy: 1, HasWarnings: 1, Unhealthy: 2, Unavailable: 1, Unknown: 1, Disabled: 1, ByEndpointType: {TentaclePassive: 7}}
const linux = pool('WorkerPools-2', 'Linux', {IsDefault: true})
const hosted = pool('WorkerPools-3', 'Hosted', {WorkerPoolType: 'DynamicWorkerPool', WorkerType: 'UbuntuDefault'})

describe('pool list rendering', () => {
  it('renders a static pool row whose health counts, each a numeric column, and DISABLED add up to WORKERS', () => {
    const row = poolListRow({pool: linux, counts})
    expect(POOL_LIST_HEAD).toEqual(['NAME', 'TYPE', 'DEFAULT', 'WORKERS', 'AVAILABLE', 'HEALTHY', 'WARNINGS', 'UNHEALTHY', 'UNAVAILABLE', 'UNKNOWN', 'DISABLED'])
    expect(row).toEqual(['Linux', 'static', 'yes', '7', '2', '1', '1', '2', '1', '1', '1'])
    expect(row.slice(5).reduce((sum, n) => sum + Number(n), 0)).toBe(Number(row[3]))
    expect(Number(row[5]) + Number(row[6])).toBe(Number(row[4]))
  })
  it('renders n/a counts for a dynamic pool, and DEFAULT no', () => {
    expect(poolListRow({pool: hosted, counts: zeroCounts()})).toEqual(['Hosted', 'dynamic (UbuntuDefault)', 'no', ...Array(8).fill('n/a')])
  })
  it('a pool whose workers are all disabled counts them as DISABLED, not as an empty pool', () => {
    expect(poolListRow({pool: linux, counts: {...zeroCounts(), Total: 2, Disabled: 2}}).slice(3)).toEqual(['2', '0', '0', '0', '0', '0', '0', '2'])
    expect(poolListRow({pool: linux, counts: {...zeroCounts(), Total: 2, Disabled: 2}})).not.toContain('none')
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
    expect(text).toContain('Workers:      7 (6 enabled, 1 disabled)')
    expect(text).toContain('By health:    Healthy 1, HasWarnings 1, Unhealthy 2, Unavailable 1, Unknown 1 (enabled workers only)')
    expect(text).toContain('By endpoint:  Listening 7')
    expect(text).toContain('Web portal:   http://x/app#/Spaces-1/infrastructure/workerpools/WorkerPools-2')
  })
  it('says "no endpoint" for a worker Octopus gives the None style (the JSON keeps None)', () => {
    const text = poolViewLines(linux, {...counts, ByEndpointType: {TentaclePassive: 6, None: 1}}, 'http://x/').join('\n')
    expect(text).toContain('By endpoint:  Listening 6, no endpoint 1')
    const summary = poolWorkerSummary({Id: 'Workers-9', Name: 'bare', HealthStatus: 'Unknown', IsDisabled: false} as any)
    expect(summary.Type).toBe('None')
    expect(poolWorkerRow(summary)[1]).toBe('no endpoint')
  })
  it('summarises a worker with its endpoint', () => {
    const ssh = {Id: 'Workers-1', Name: 'w', HealthStatus: 'Healthy', IsDisabled: false, Endpoint: {CommunicationStyle: 'Ssh', Host: 'h', Port: 2222}} as any
    expect(poolWorkerSummary(ssh)).toEqual({Id: 'Workers-1', Name: 'w', HealthStatus: 'Healthy', IsDisabled: false, CommunicationStyle: 'Ssh', Type: 'SSH', Endpoint: 'ssh://h:2222/'})
    const polling = {Id: 'Workers-2', Name: 'p', HealthStatus: 'Unknown', IsDisabled: true, Endpoint: {CommunicationStyle: 'TentacleActive', Uri: 'poll://abc/'}} as any
    expect(poolWorkerSummary(polling).Endpoint).toBe('poll://abc/')
  })
})

describe('pool list on a terminal', () => {
  const longName = 'Azure Central US Production Worker Pool'
  const entries = [
    {pool: linux, counts, spaceName: 'Default'},
    {pool: pool('WorkerPools-4', longName), counts, spaceName: 'Default'},
    {pool: hosted, counts: zeroCounts(), spaceName: 'Default'},
  ]
  const render = (width: number, extra: {wide?: boolean; allSpaces?: boolean} = {}) =>
    poolListText(entries, {allSpaces: extra.allSpaces ?? false, wide: extra.wide ?? false, table: {isTTY: true, width}}).trimEnd().split('\n')

  it('keeps every column where they fit', () => {
    expect(render(160)[0].split(/ {2,}/)).toEqual(POOL_LIST_HEAD)
  })

  it('drops AVAILABLE first, then the worker type, DEFAULT and TYPE (said under the table), and never cuts or drops a name', () => {
    for (const width of [80, 100, 120]) {
      const lines = render(width)
      expect(lines[0].split(/ {2,}/)).not.toContain('AVAILABLE')
      for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(width)
      expect(lines.join('\n')).not.toContain('…')
      expect(lines.join(' ').replace(/\s+/g, ' ')).toContain('--wide shows every column')
      // A wrapped name reads whole when its lines are joined.
      const at = lines.findIndex((l) => l.startsWith('Azure'))
      const nameWidth = lines[0].indexOf(lines[0].split(/ {2,}/)[1])
      let name = lines[at].slice(0, nameWidth).trim()
      for (let k = at + 1; k < lines.length && lines[k].slice(nameWidth).trim() === '' && lines[k].trim() !== ''; k++) name += ' ' + lines[k].trim()
      expect(name, lines.join('\n')).toBe(longName)
    }
    const narrow = render(80).join('\n')
    expect(narrow).toContain("Default pool: 'Linux'.")
    expect(narrow).toContain("Dynamic: 'Hosted' (UbuntuDefault)")
  })

  it('--wide keeps every column whatever the width', () => {
    expect(render(60, {wide: true})[0].split(/ {2,}/)).toEqual(POOL_LIST_HEAD)
  })

  it('piped: tab-separated, every column, the whole names', () => {
    const text = poolListText(entries, {allSpaces: true, wide: false, table: {isTTY: false, width: 40}})
    const records = text.trimEnd().split('\n').map((l) => l.split('\t'))
    expect(records[0]).toEqual(['SPACE', ...POOL_LIST_HEAD])
    expect(records.slice(1).map((r) => r[1])).toEqual(['Linux', longName, 'Hosted'])
  })

  it('wraps a cell at a space, else after a URL separator, else at the width', () => {
    expect(wrapCell('Azure Central US Production Worker Pool', 16)).toEqual(['Azure Central US', 'Production', 'Worker Pool'])
    expect(wrapCell('https://p-db-omaha-worker-01.corp.example:10933/', 30)).toEqual(['https://p-db-omaha-worker-01.', 'corp.example:10933/'])
    expect(wrapCell('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij'])
  })
})
