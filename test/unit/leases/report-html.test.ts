import {describe, expect, it} from 'vitest'
import {aggregateReport, combineReports, type LeaseReport} from '../../../src/app/leases/report.js'
import {capacityOf, distribution, stepSeries} from '../../../src/app/leases/capacity.js'
import type {LeaseInterval} from '../../../src/domain/leases/types.js'
import {htmlEscape, renderLeaseReportHtml} from '../../../src/views/leases/report-html.js'
import {LEASE_REPORT_FORMATS} from '../../../src/views/leases/formats.js'

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0)
const min = (m: number) => T0 + m * 60_000

const HOSTILE_POOL = '<script>alert("pool")</script>'
const HOSTILE_WORKER = `w"o'rk & <b>er</b>`
const HOSTILE_SPACE = 'Space <img src=x onerror=alert(1)>'

const pools = [{Id: 'WorkerPools-1', Name: HOSTILE_POOL}, {Id: 'WorkerPools-2', Name: 'Quiet'}]
const workers = [
  {Id: 'Workers-1', Name: HOSTILE_WORKER, WorkerPoolIds: ['WorkerPools-1']},
  {Id: 'Workers-2', Name: 'two', WorkerPoolIds: ['WorkerPools-1']},
  {Id: 'Workers-3', Name: 'quiet-1', WorkerPoolIds: ['WorkerPools-2']},
  {Id: 'Workers-4', Name: 'off', WorkerPoolIds: ['WorkerPools-1'], IsDisabled: true},
]

function lease(id: string, workerId: string, workerName: string, start: number, end: number): LeaseInterval {
  return {LeaseId: id, WorkerId: workerId, WorkerName: workerName, WorkerPoolId: 'WorkerPools-1', WorkerPoolName: HOSTILE_POOL, TaskId: `ServerTasks-${id}`, TaskType: 'Deploy', start, end}
}

// Pool 1 (2 available workers; the disabled one does not count): both busy 10:00–10:20 (20 min),
// three leases open 10:05–10:10 (two share Workers-1).
const intervals = [
  lease('1', 'Workers-1', HOSTILE_WORKER, min(0), min(20)),
  lease('2', 'Workers-2', 'two', min(0), min(20)),
  lease('3', 'Workers-1', HOSTILE_WORKER, min(5), min(10)),
  lease('4', 'Workers-2', 'two', min(70), min(75)),
]

function fixtureReport(): LeaseReport {
  return aggregateReport({space: {Id: 'Spaces-1', Name: HOSTILE_SPACE}, since: min(-60), until: min(180), groupBy: 'worker', tasksScanned: 4, intervals, workers, pools, capacity: true})
}

describe('capacity over time', () => {
  it('steps leases and busy workers, counts all-busy and over-capacity time, idle share', () => {
    const capacity = fixtureReport().Capacity!
    const busy = capacity.Pools.find((p) => p.WorkerPoolName === HOSTILE_POOL)!
    expect(busy.AvailableWorkers).toBe(2)
    expect(busy.Steps).toEqual([
      {At: min(-60), Leases: 0, BusyWorkers: 0},
      {At: min(0), Leases: 2, BusyWorkers: 2},
      {At: min(5), Leases: 3, BusyWorkers: 2},
      {At: min(10), Leases: 2, BusyWorkers: 2},
      {At: min(20), Leases: 0, BusyWorkers: 0},
      {At: min(70), Leases: 1, BusyWorkers: 1},
      {At: min(75), Leases: 0, BusyWorkers: 0},
    ])
    expect(busy.PeakConcurrentLeases).toBe(3)
    expect(busy.AllBusySeconds).toBe(20 * 60)
    expect(busy.OverSeconds).toBe(5 * 60)
    // Busy: 20 + 20 + 5 minutes of 2 workers × 240 minutes.
    expect(busy.IdleFraction).toBeCloseTo(1 - 45 / 480, 5)
    const quiet = capacity.Pools.find((p) => p.WorkerPoolName === 'Quiet')!
    expect(quiet).toMatchObject({AvailableWorkers: 1, PeakConcurrentLeases: 0, AllBusySeconds: 0, IdleFraction: 1})
  })

  it('puts each worker\'s busy time (overlaps once) in its UTC day and hour', () => {
    const heat = fixtureReport().Capacity!.Workers
    expect(heat.map((w) => w.WorkerName)).toEqual(['two', HOSTILE_WORKER])
    expect(heat[0].Cells).toEqual([{Day: '2026-01-05', Hour: 9, BusySeconds: 1200}, {Day: '2026-01-05', Hour: 10, BusySeconds: 300}])
    expect(heat[1].Cells).toEqual([{Day: '2026-01-05', Hour: 9, BusySeconds: 1200}])
    const split = capacityOf({spaceName: 's', since: min(0), until: min(200), workers, pools, intervals: [lease('9', 'Workers-2', 'two', min(50), min(130))]})
    expect(split.Workers[0].Cells.map((c) => [c.Hour, c.BusySeconds])).toEqual([[9, 600], [10, 3600], [11, 600]])
  })

  it('clips leases to the window and keeps a step at the window start', () => {
    const steps = stepSeries([lease('1', 'Workers-1', 'a', min(-10), min(10))], min(0))
    expect(steps).toEqual([{At: min(0), Leases: 1, BusyWorkers: 1}, {At: min(10), Leases: 0, BusyWorkers: 0}])
  })

  it('gives nearest-rank percentiles and bucket counts', () => {
    const d = distribution([5, 20, 40, 100, 4000])
    expect(d).toMatchObject({Count: 5, P50: 40, P90: 4000, Max: 4000})
    expect(d.Buckets.map((b) => b.Leases)).toEqual([1, 1, 1, 1, 0, 0, 0, 1])
    expect(distribution([])).toMatchObject({Count: 0, P50: 0, Max: 0})
  })

  it('is left out unless asked for, and combines across spaces', () => {
    const plain = aggregateReport({space: {Id: 'Spaces-1', Name: 'x'}, since: min(0), until: min(60), groupBy: 'worker', tasksScanned: 4, intervals, workers, pools})
    expect(plain.Capacity).toBeUndefined()
    const other = aggregateReport({space: {Id: 'Spaces-2', Name: 'y'}, since: min(-60), until: min(180), groupBy: 'worker', tasksScanned: 0, intervals: [], workers: [], pools: [{Id: 'WorkerPools-9', Name: 'Far'}], capacity: true})
    const both = combineReports([fixtureReport(), other])
    expect(both.Capacity!.Pools.map((p) => p.WorkerPoolName)).toEqual([HOSTILE_POOL, 'Quiet', 'Far'])
  })
})

describe('leases report --format html', () => {
  const html = renderLeaseReportHtml(fixtureReport())

  it('escapes every server string: no markup of theirs survives', () => {
    expect(htmlEscape(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;')
    expect(html).not.toContain('<script')
    expect(html).not.toContain('<img')
    expect(html).not.toContain('<b>er')
    expect(html).toContain(htmlEscape(HOSTILE_POOL))
    expect(html).toContain(htmlEscape(HOSTILE_WORKER))
    expect(html).toContain(htmlEscape(HOSTILE_SPACE))
    // The only elements are ours.
    const tags = new Set([...html.matchAll(/<([a-z][a-z0-9]*)/g)].map((m) => m[1]))
    expect([...tags].sort()).toEqual(['body', 'caption', 'code', 'details', 'figcaption', 'figure', 'footer', 'g', 'h1', 'h2', 'h3', 'h4', 'head', 'html', 'i', 'li', 'line', 'meta', 'p', 'path', 'rect', 'section', 'span', 'style', 'summary', 'svg', 'table', 'tbody', 'td', 'text', 'th', 'thead', 'title', 'tr', 'ul'])
  })

  it('loads nothing: no script, no URL in any src or href, a CSP that forbids fetching', () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i)
    expect(html).not.toMatch(/<[^>]*\s(src|href)\s*=/i)
    expect(html).not.toMatch(/https?:\/\//)
    expect(html).toContain(`content="default-src 'none'`)
  })

  it('draws each pool chart with its series: leases, busy workers, available workers, all-busy spans', () => {
    const charts = [...html.matchAll(/<svg[^>]*aria-label="Concurrent leases[^"]*"[\s\S]*?<\/svg>/g)].map((m) => m[0])
    expect(charts).toHaveLength(2)
    for (const chart of charts) {
      expect([...chart.matchAll(/data-series="([^"]+)"/g)].map((m) => m[1])).toEqual(['all-busy', 'available', 'busy-workers', 'leases'])
    }
    // The busy pool has one all-busy span (10:00–10:20, over three steps), the quiet one none.
    expect([...charts[0].matchAll(/class="all-busy"/g)]).toHaveLength(3)
    expect(charts[1]).not.toContain('class="all-busy"')
    const durationCharts = [...html.matchAll(/<svg[^>]*aria-label="Lease durations"[\s\S]*?<\/svg>/g)]
    expect(durationCharts).toHaveLength(2)
    for (const chart of durationCharts) expect([...chart[0].matchAll(/class="bar"/g)]).toHaveLength(8)
  })

  it('has a table under each chart and a heatmap table per leased worker', () => {
    expect([...html.matchAll(/<figure>[\s\S]*?<\/figure>\s*<details><summary>The chart as a table/g)]).toHaveLength(2)
    const heatmaps = [...html.matchAll(/<table class="heat">[\s\S]*?<\/table>/g)].map((m) => m[0])
    expect(heatmaps).toHaveLength(2)
    // 09:00 on 2026-01-05 holds 20 busy minutes for both workers; the window covers one day.
    for (const heat of heatmaps) {
      expect([...heat.matchAll(/<tr><th scope="row">/g)]).toHaveLength(1)
      expect(heat).toMatch(/title="2026-01-05 09:00: busy 20m 00s">20<\/td>/)
    }
    expect(html).toContain('every worker busy for 20m 00s')
    expect(html).toContain('@media (prefers-color-scheme: dark)')
    expect(html).toMatch(/<h2>Mutex waits<\/h2>\n[^\n]*\n<p>None logged\.<\/p>/)
  })

  it('is a format of leases report; the JSON document leaves the capacity out', () => {
    expect(LEASE_REPORT_FORMATS.names).toContain('html')
    const out = LEASE_REPORT_FORMATS.render('html', {report: fixtureReport(), allSpaces: false}, {json: (r) => r, table: {isTTY: false}, paint: {} as never})
    expect(out.stdout).toMatch(/^<!DOCTYPE html>/)
  })
})
