import stringWidth from 'string-width'
import {describe, expect, it} from 'vitest'
import type {LeaseReport, PoolRow, WorkerRow} from '../../../src/app/leases/report.js'
import {formatDuration} from '../../../src/text/duration.js'
import {renderLeaseReport} from '../../../src/views/leases/report-table.js'

/**
 * `leases report` on a terminal when steps waited: the LEASE WAIT and MUTEX WAIT columns join the
 * group-by table beside realistic worker and pool names. Every line still fits the terminal and no
 * name, ID or time is cut; the bar chart, being decoration, is what gives way.
 */
const AZURE = 'Azure Central US Production Worker Pool'
const OMAHA = 'Production Database Omaha Worker Pool'
const space = {SpaceId: 'Spaces-1', SpaceName: 'Default'}

function worker(name: string, pools: string[], busy: number, waits: {mutex: number; lease: number}): WorkerRow {
  return {...space, WorkerId: `Workers-${name}`, WorkerName: name, WorkerPoolNames: pools, Leases: 12, Tasks: 11, BusySeconds: busy, PeakConcurrentLeases: 3, MutexWaitSeconds: waits.mutex, LeaseWaitSeconds: waits.lease}
}

function pool(name: string, busy: number, peakAt: string, waits: {mutex: number; lease: number}): PoolRow {
  return {...space, WorkerPoolId: `WorkerPools-${name.length}`, WorkerPoolName: name, Workers: 3, Leases: 24, BusySeconds: busy, PeakConcurrentLeases: 5, PeakAt: peakAt, MutexWaitSeconds: waits.mutex, LeaseWaitSeconds: waits.lease}
}

function report(groupBy: 'worker' | 'pool', waits: {mutex: boolean; lease: boolean}): LeaseReport {
  const w = (mutex: number, lease: number) => ({mutex: waits.mutex ? mutex : 0, lease: waits.lease ? lease : 0})
  const workers = [
    worker('p-web-azcus-worker-01', [AZURE], 754.3, w(12.4, 95.2)),
    worker('p-web-azcus-worker-02', [AZURE], 611.8, w(0, 3.1)),
    worker('p-web-azcus-worker-03', [AZURE], 402.5, w(4.2, 0.4)),
    worker('p-db-omaha-worker-01', [OMAHA], 99.1, w(0, 0)),
    worker('tmp-box', ['test pool', OMAHA], 8.4, w(0.6, 0)),
  ]
  const pools = [
    pool(AZURE, 1768.6, '2026-12-06T07:39:04.000Z', w(16.6, 98.7)),
    pool(OMAHA, 107.5, '2026-12-06T08:02:41.000Z', w(0.6, 0)),
    pool('test pool', 8.4, '2026-12-06T08:15:00.000Z', w(0.6, 0)),
  ]
  return {
    Spaces: [{Id: 'Spaces-1', Name: 'Default'}],
    Since: '2026-12-06T07:00:00.000Z',
    Until: '2026-12-06T09:00:00.000Z',
    GroupBy: groupBy,
    TasksScanned: 40,
    TasksWithLeases: 38,
    Leases: 60,
    Workers: workers,
    Pools: pools,
    TaskTypes: [],
    IdleWorkers: [],
    BusiestWorkers: workers.slice(0, 3),
    Recommendations: [],
  }
}

const BAR = /[█▏▎▍▌▋▊▉]+$/
const WAITS = [
  {name: 'lease waits', mutex: false, lease: true},
  {name: 'mutex waits', mutex: true, lease: false},
  {name: 'lease and mutex waits', mutex: true, lease: true},
]

describe('leases report table with wait columns on a terminal', () => {
  for (const width of [80, 100]) {
    for (const groupBy of ['worker', 'pool'] as const) {
      for (const waits of WAITS) {
        it(`by ${groupBy} with ${waits.name} fits ${width} columns and cuts no name or time`, () => {
          const doc = report(groupBy, waits)
          const text = renderLeaseReport(doc, {isTTY: true, width, spaceColumn: false})
          for (const line of text.split('\n')) expect(stringWidth(line), `${stringWidth(line)} > ${width}: ${line}\n${text}`).toBeLessThanOrEqual(width)
          expect(text).not.toContain('…')
          const lines = text.split('\n')
          if (groupBy === 'worker') {
            // Each worker's row holds its name, its busy time and its waits whole, on one line.
            for (const row of doc.Workers) {
              const line = lines.find((l) => l.startsWith(`${row.WorkerName} `))
              expect(line, `${row.WorkerName}\n${text}`).toBeDefined()
              expect(line).toContain(formatDuration(row.BusySeconds * 1000))
              if (waits.lease) expect(line).toContain(formatDuration(row.LeaseWaitSeconds * 1000))
              if (waits.mutex) expect(line).toContain(formatDuration(row.MutexWaitSeconds * 1000))
            }
          } else {
            // A pool name may wrap at its spaces within its column, each word whole.
            for (const row of doc.Pools) for (const word of row.WorkerPoolName.split(' ')) expect(text).toMatch(new RegExp(`(^|\\s)${word}(\\s|$)`, 'm'))
            for (const row of doc.Pools) expect(text).toContain(formatDuration(row.BusySeconds * 1000))
          }
          // By worker, the peak-per-pool table follows, with the time of each peak whole.
          if (groupBy === 'worker') for (const p of doc.Pools) expect(text).toContain(p.PeakAt!.slice(0, 19).replace('T', ' ') + 'Z')
          // A bar, where there is one, still charts BUSY: never longer for less busy time.
          const bars = lines.filter((l) => /\d(?:ms|s)\s+[█▏▎▍▌▋▊▉]+$/.test(l)).map((l) => stringWidth(BAR.exec(l)![0]))
          expect(bars).toEqual([...bars].sort((a, b) => b - a))
          if (bars.length === 0) expect(text).not.toContain('the bar charts BUSY')
        })
      }
    }
  }
})

describe('leases report by worker with a long worker name and both wait columns at 80 columns', () => {
  const LONG = 'p-web-azure-centralus-worker-0001'
  const doc = report('worker', {mutex: true, lease: true})
  doc.Workers = [worker(LONG, [AZURE], 754.3, {mutex: 12.4, lease: 95.2}), ...doc.Workers]
  const text = renderLeaseReport(doc, {isTTY: true, width: 80, spaceColumn: false})
  const lines = text.split('\n')

  it('fits: MUTEX WAIT moves under each row, after the bar and the headings have given way; LEASE WAIT keeps its column', () => {
    for (const line of lines) expect(stringWidth(line), `${stringWidth(line)} > 80: ${line}\n${text}`).toBeLessThanOrEqual(80)
    expect(text).not.toContain('the bar charts BUSY')
    const header = lines.find((l) => l.startsWith('WORKER '))!
    expect(header).not.toContain('MUTEX')
    const at = lines.findIndex((l) => l.startsWith(`${LONG} `))
    expect(lines[at]).toContain('12m 34s')
    expect(lines[at]).toContain('1m 35s')
    const under = lines.slice(at + 1, lines.findIndex((l, i) => i > at && !l.startsWith('  '))).join(' ')
    expect(under).toMatch(/Mutex wait: 12s\b/)
    expect(under).not.toMatch(/Lease wait/)
    // Every row says its own, as the column did (a worker that waited on no mutex: 0s).
    const quiet = lines.findIndex((l) => l.startsWith('p-db-omaha-worker-01 '))
    expect(lines[quiet + 1]).toMatch(/^ {2}Pools: Production Database Omaha Worker Pool {2}Mutex wait: 0s$/)
  })

  it('moves only as many columns as it must: at 100 columns both waits stay in the row', () => {
    const wide = renderLeaseReport(doc, {isTTY: true, width: 100, spaceColumn: false})
    const row = wide.split('\n').find((l) => l.startsWith(`${LONG} `))!
    expect(row).toContain('12s')
    expect(row).toContain('1m 35s')
    expect(wide).not.toMatch(/Lease wait:/)
  })
})
