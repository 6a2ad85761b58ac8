import stringWidth from 'string-width'
import {describe, expect, it} from 'vitest'
import type {LeaseReport, PoolRow, WorkerRow} from '../../../src/app/leases/report.js'
import {formatDuration} from '../../../src/text/duration.js'
import {renderLeaseReport} from '../../../src/views/leases/report-table.js'

/**
 * `leases report` on narrow terminals: every line of the text view fits the terminal's width, and
 * the lists of busiest and idle workers break between their entries, so that no worker's name and
 * no busy time (`1m 40s`) is split across two lines.
 */
const BUILD = 'Build Pool'
const DEPLOY = 'Deploy Pool'

function worker(space: string, name: string, pools: string[], busy: number): WorkerRow {
  return {SpaceId: `Spaces-${space}`, SpaceName: space, WorkerId: `Workers-${name}`, WorkerName: name, WorkerPoolNames: pools, Leases: 14, Tasks: 12, BusySeconds: busy, PeakConcurrentLeases: 2, MutexWaitSeconds: 0, LeaseWaitSeconds: 0}
}

function pool(space: string, name: string, busy: number): PoolRow {
  return {SpaceId: `Spaces-${space}`, SpaceName: space, WorkerPoolId: `WorkerPools-${name.length}`, WorkerPoolName: name, Workers: 2, Leases: 28, BusySeconds: busy, PeakConcurrentLeases: 3, PeakAt: '2026-12-06T07:39:04.000Z', MutexWaitSeconds: 0, LeaseWaitSeconds: 0}
}

function report(): LeaseReport {
  const workers = [
    worker('Default', 'p-build-agent-worker-01', [BUILD], 3754),
    worker('Default', 'p-build-agent-worker-02', [BUILD], 100),
    worker('Operations', 'p-deploy-worker-01', [DEPLOY], 754),
    worker('Operations', 'p-deploy-worker-02', [DEPLOY], 62),
  ]
  return {
    Spaces: [{Id: 'Spaces-Default', Name: 'Default'}, {Id: 'Spaces-Operations', Name: 'Operations'}],
    Since: '2026-12-06T07:00:00.000Z',
    Until: '2026-12-06T09:00:00.000Z',
    GroupBy: 'pool',
    TasksScanned: 40,
    TasksWithLeases: 38,
    Leases: 56,
    Workers: workers,
    Pools: [pool('Default', BUILD, 3854), pool('Operations', DEPLOY, 816)],
    TaskTypes: [],
    IdleWorkers: [
      {SpaceId: 'Spaces-Default', SpaceName: 'Default', WorkerId: 'Workers-9', WorkerName: 'p-build-agent-worker-spare', WorkerPoolNames: [BUILD], IsDisabled: true},
      {SpaceId: 'Spaces-Operations', SpaceName: 'Operations', WorkerId: 'Workers-10', WorkerName: 'p-deploy-worker-spare', WorkerPoolNames: [DEPLOY], IsDisabled: false},
    ],
    BusiestWorkers: workers,
    Recommendations: [{Kind: 'add-worker', SpaceName: 'Operations', WorkerPoolName: DEPLOY, PeakConcurrentLeases: 3, AvailableWorkers: 2, AllBusySeconds: 100}],
  } as LeaseReport
}

const widths = [40, 60, 80]
const views = [{name: '', spaceColumn: false}, {name: ' with the space column', spaceColumn: true}]

describe('leases report text view on narrow terminals', () => {
  for (const width of widths) {
    for (const view of views) {
      it(`fits every prose and list line in ${width} columns${view.name}`, () => {
        const text = renderLeaseReport(report(), {isTTY: true, width, spaceColumn: view.spaceColumn})
        // The tables are laid out (and fitted) by the table renderer: what is checked here are the
        // lines around them (at 40 columns a table of five figures needs more than 40 cells).
        const lines = text.split('\n')
        const prose = [...lines.slice(0, lines.findIndex((l) => l.startsWith('By '))), ...lines.slice(lines.findIndex((l) => l.startsWith('Busiest workers:')))]
        for (const line of prose) expect(stringWidth(line), `${stringWidth(line)} > ${width}: ${line}\n${text}`).toBeLessThanOrEqual(width)
        // The line saying no step waited on a mutex wraps like the view's other prose, words whole.
        const mutex = text.slice(text.indexOf('Mutex waits:')).split('\n').map((l) => l.trim()).join(' ')
        expect(mutex.slice(0, mutex.indexOf('.') + 1)).toBe('Mutex waits: none logged (no step waited on another script on its worker).')
        // So do the recommendations: their heading, and each sentence with its time whole.
        expect(lines.slice(lines.findIndex((l) => l.startsWith('Recommendations'))).some((l) => l.includes('1m 40s')), text).toBe(true)
      })

      it(`breaks the busiest and idle worker lists between entries in ${width} columns${view.name}, splitting no name or busy time`, () => {
        const doc = report()
        const text = renderLeaseReport(doc, {isTTY: true, width, spaceColumn: view.spaceColumn})
        const lines = text.split('\n')
        const list = (lead: string) => {
          const from = lines.findIndex((l) => l.startsWith(lead))
          const to = lines.findIndex((l, i) => i > from && !l.startsWith('  '))
          return lines.slice(from, to)
        }
        const named = (w: {SpaceName: string; WorkerName: string}) => (view.spaceColumn ? `${w.SpaceName}/${w.WorkerName}` : w.WorkerName)
        const busiest = list('Busiest workers:')
        for (const line of busiest) expect(stringWidth(line), `${line}\n${text}`).toBeLessThanOrEqual(width)
        for (const w of doc.BusiestWorkers) {
          expect(busiest.some((l) => l.includes(named(w))), `${named(w)}\n${text}`).toBe(true)
          const busy = `${formatDuration(w.BusySeconds * 1000)})`
          expect(busiest.some((l) => l.includes(busy)), `${busy}\n${text}`).toBe(true)
        }
        const idle = list('Idle workers')
        for (const line of idle) expect(stringWidth(line), `${line}\n${text}`).toBeLessThanOrEqual(width)
        for (const w of doc.IdleWorkers) expect(idle.some((l) => l.includes(named(w))), `${named(w)}\n${text}`).toBe(true)
      })
    }
  }

  it('leaves the lines unwrapped when piped', () => {
    const text = renderLeaseReport(report(), {isTTY: false, width: 40, spaceColumn: true})
    expect(text.split('\n')).toContain('Mutex waits: none logged (no step waited on another script on its worker).')
    expect(text).toContain('Busiest workers: Default/p-build-agent-worker-01 (14 leases, 1h 02m), Default/p-build-agent-worker-02 (14 leases, 1m 40s), ')
  })
})
