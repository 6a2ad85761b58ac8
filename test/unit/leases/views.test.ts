import stringWidth from 'string-width'
import {describe, expect, it} from 'vitest'
import {aggregateReport, intervalsFromTasks} from '../../../src/app/leases/report.js'
import {leaseEvent, type LeaseRecord} from '../../../src/domain/leases/types.js'
import {formatEventLine, taskLogProgressBar} from '../../../src/views/leases/events.js'
import {renderLeaseReport} from '../../../src/views/leases/report-table.js'

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString()
const BAR = /[█▏▎▍▌▋▊▉]+$/

/** Four workers busy 9 s, 8 s, 7 s and 6 s, and a long list of idle ones. */
function busyReport(tasksScanned = 4) {
  const busy = [9, 8, 7, 6]
  const workers = [
    ...busy.map((_, i) => ({Id: `Workers-${i + 1}`, Name: `p-db-omaha-worker-0${i + 1}`, WorkerPoolIds: ['WorkerPools-1']})),
    ...Array.from({length: 15}, (_, i) => ({Id: `Workers-${i + 10}`, Name: `s-linux-omaha-idle-worker-${i + 10}`, WorkerPoolIds: ['WorkerPools-1']})),
  ]
  const pools = [{Id: 'WorkerPools-1', Name: 'Production Database Omaha Worker Pool'}]
  const tasks = busy.map((seconds, i) => ({taskId: `ServerTasks-${i + 1}`, taskType: 'Deploy', completedTime: t(seconds), leases: [
    {key: `L-${i}`, leaseId: `WorkerTaskLeases-${i}`, workerName: `p-db-omaha-worker-0${i + 1}`, poolName: 'Production Database Omaha Worker Pool', exclusive: false, takenAt: t(0), releasedAt: t(seconds)},
  ]}))
  const intervals = intervalsFromTasks(tasksScanned === 0 ? [] : tasks, workers, pools)
  return aggregateReport({space: {Id: 'Spaces-1', Name: 'Default'}, since: Date.parse(t(0)), until: Date.parse(t(60)), groupBy: 'worker', tasksScanned, intervals, workers, pools})
}

describe('leases report table on a terminal', () => {
  for (const width of [80, 100]) {
    it(`at ${width} columns: bars scaled to the room left draw 9 s, 8 s, 7 s and 6 s apart; every line fits; the idle list wraps`, () => {
      const text = renderLeaseReport(busyReport(), {isTTY: true, width, spaceColumn: false})
      for (const line of text.split('\n')) expect(stringWidth(line), line).toBeLessThanOrEqual(width)
      expect(text).not.toContain('…')
      const bars = text.split('\n').filter((l) => /^p-db-omaha-worker-0\d .*\ds +[█▏▎▍▌▋▊▉]+$/.test(l)).map((l) => BAR.exec(l)![0])
      expect(bars).toHaveLength(4)
      expect(new Set(bars).size).toBe(4)
      expect(bars.map((b) => stringWidth(b))).toEqual([...bars.map((b) => stringWidth(b))].sort((a, b) => b - a))
      expect(text).toMatch(/^Idle workers \(never leased, 15\): s-linux-omaha-idle-worker-10,/m)
      for (let i = 10; i < 25; i++) expect(text).toContain(`s-linux-omaha-idle-worker-${i}`)
    })
  }

  it('piped: the idle list stays one line and bars keep their 30 cells at the busiest', () => {
    const text = renderLeaseReport(busyReport(), {isTTY: false, spaceColumn: false})
    expect(text).toMatch(/^Idle workers \(never leased, 15\): .*s-linux-omaha-idle-worker-24$/m)
    expect(text).toMatch(/^p-db-omaha-worker-01\t.*\t█{30}$/m)
  })

  it('a window with no completed task says so, with no table and no idle workers', () => {
    const text = renderLeaseReport(busyReport(0), {isTTY: true, width: 80, spaceColumn: false})
    expect(text.replace(/\s+/g, ' ')).toBe('No tasks completed between 2026-01-01 00:00:00Z and 2026-01-01 00:01:00Z, so there are no leases to report and no idle workers to name (a longer --since reaches further back).')
  })
})

describe('the task-log progress bar', () => {
  it('stays short of the terminal\'s last column', () => {
    for (const columns of [40, 60, 80, 100]) expect(stringWidth(taskLogProgressBar(120, 2000, columns))).toBeLessThan(columns)
    expect(taskLogProgressBar(1, 2, 100)).toBe(`[${'█'.repeat(15)}${'░'.repeat(15)}] 1/2 task logs`)
  })
})

describe('lease events', () => {
  const record: LeaseRecord = {LeaseId: 'WorkerTaskLeases-7', WorkerId: 'Workers-1', WorkerName: 'p-db-omaha-worker-01', WorkerPoolId: 'WorkerPools-1', WorkerPoolName: 'Production Database Omaha Worker Pool', TaskId: 'ServerTasks-1234', TaskDescription: 'Deploy Billing release 2.4.1 to Production', SpaceId: 'Spaces-1', Exclusive: true, TakenAt: t(0), Source: 'api'}

  it('a Released event says how long the lease was held (HeldSeconds, last in --json); none when a time is unknown', () => {
    const released = leaseEvent('Released', t(125), record)
    expect(released.HeldSeconds).toBe(125)
    expect(Object.keys(released).at(-1)).toBe('HeldSeconds')
    expect(formatEventLine(released)).toMatch(/task=ServerTasks-1234 "Deploy Billing release 2.4.1 to Production" {2}held=2m 05s {2}space=Spaces-1 {2}exclusive$/)
    expect(leaseEvent('Leased', t(0), record)).not.toHaveProperty('HeldSeconds')
    expect(leaseEvent('Released', t(5), {...record, TakenAt: 'not a time'})).not.toHaveProperty('HeldSeconds')
  })

  for (const width of [80, 100]) {
    it(`on a terminal of ${width} columns an event goes on over more lines, between fields, hung under the worker`, () => {
      const lines = formatEventLine(leaseEvent('Released', t(125), record), undefined, {width, spaceNames: new Map([['Spaces-1', 'Default']])}).split('\n')
      expect(lines.length).toBeGreaterThan(1)
      for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(width)
      expect(lines[0]).toMatch(/^2026-01-01 00:02:05Z {2}Released {2}worker=p-db-omaha-worker-01/)
      for (const line of lines.slice(1)) expect(line).toMatch(/^ {32}\S/)
      const joined = lines.map((l) => l.trim()).join(' ')
      for (const field of ['pool=Production Database Omaha Worker Pool', 'task=ServerTasks-1234', 'held=2m 05s', 'space=Default', 'exclusive']) expect(joined).toContain(field)
    })
  }
})
