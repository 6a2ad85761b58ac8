import stringWidth from 'string-width'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson, runCli} from '../../helpers/cli.js'
import {runInPty} from '../../helpers/pty.js'
import {startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {leaseHistory, simulationDone, startSimulation} from '../leases/follow.js'

/**
 * The lease views as a user sees them in a terminal of 80 and of 100 columns: no line wider than
 * the terminal, and no worker name, task ID, lease ID or time cut (nothing ends in `…`), while
 * what does not fit moves under its row or wraps.
 */
const COLUMNS = [80, 100]

/** The terminal time style of an ISO time: `2026-12-01 07:39:04Z`. */
function shown(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19).replace('T', ' ')}Z`
}

/** Every line of the screen fits; a progress bar redrawn in place (`\r`) is measured one drawing at a time. */
function expectFits(screen: string, columns: number): void {
  for (const line of screen.split('\n')) {
    for (const drawing of line.split(/(?=\[[█░]+\])/)) expect(stringWidth(drawing), `${stringWidth(drawing)} > ${columns}: ${JSON.stringify(drawing)}\n${screen}`).toBeLessThanOrEqual(columns)
  }
  // `…` only as the tail's "Following … (Ctrl-C to stop)…" ends: never a cut cell.
  expect(screen.replace(/Ctrl-C to\s+stop\)…/, ''), screen).not.toContain('…')
}

/**
 * The cells of a table's first column, a cell wrapped over several lines joined again: a row
 * starts with a line that has text after the column, a continuation line has none.
 */
function columnCells(screen: string, firstHeading: string, nextHeading: string): string[] {
  const lines = screen.split('\n')
  const header = lines.findIndex((l) => new RegExp(`^${firstHeading} +${nextHeading}`).test(l))
  expect(header, screen).toBeGreaterThanOrEqual(0)
  const next = lines[header].indexOf(nextHeading)
  const cells: string[] = []
  for (const line of lines.slice(header + 1)) {
    if (line.trim() === '' || !line.startsWith(line.slice(0, next).trimEnd()) || stringWidth(line) < 1) break
    const [cell, rest] = [line.slice(0, next).trim(), line.slice(next).trim()]
    if (rest === '' && cells.length > 0) cells[cells.length - 1] += ` ${cell}`
    else if (/^\d/.test(rest)) cells.push(cell)
    else break
  }
  return cells
}

describe('lease views in a terminal of 80 and 100 columns', () => {
  let sandbox: Sandbox
  let env: Record<string, string>
  let simulationEnded: number

  beforeAll(async () => {
    sandbox = await startTestSandbox({seed: 'demo'})
    env = {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey}
    const finished = await startSimulation(sandbox, {Tasks: 16, Concurrency: 5, MinDurationMs: 50, MaxDurationMs: 300, StepsPerTask: 2, WorkerPoolIds: ['WorkerPools-1', 'WorkerPools-2', 'WorkerPools-3']})
    await simulationDone(sandbox, finished.Id)
    simulationEnded = Date.now()
    // Tasks that outlast the tests: the active leases `leases list` shows.
    await startSimulation(sandbox, {Tasks: 4, Concurrency: 4, MinDurationMs: 600_000, MaxDurationMs: 600_000, WorkerPoolIds: ['WorkerPools-1', 'WorkerPools-2']})
    const until = Date.now() + 10_000
    while ((await leaseHistory(sandbox)).filter((l) => l.ReleasedAt === null).length < 4 && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
  })
  afterAll(async () => sandbox?.close())

  for (const columns of COLUMNS) {
    it(`leases list fits ${columns} columns and cuts no name, ID or time`, async () => {
      const doc = parseJson(await runCli(['leases', 'list', '--json'], {env}))
      expect(doc.Leases.length).toBe(4)
      const {screen, exitCode} = await runInPty(['leases', 'list'], env, [], 60_000, {columns})
      expect(exitCode, screen).toBe(0)
      expectFits(screen, columns)
      for (const lease of doc.Leases) {
        for (const whole of [lease.WorkerName, lease.TaskId, lease.LeaseId, shown(lease.TakenAt)]) expect(screen, whole).toContain(whole)
      }
      // Every pool name is there whole: in the pool summary a long one wraps within its column.
      expect(columnCells(screen, 'POOL', 'WORKERS').sort()).toEqual(doc.Pools.map((p: any) => p.WorkerPoolName).sort())
      // The column that says `no` for every lease is left out first, and --wide brings it back.
      expect(screen).not.toMatch(/EXCLUSIVE +$/m)
      expect(screen).toContain('--wide shows it')
      const wide = await runInPty(['leases', 'list', '--wide'], env, [], 60_000, {columns})
      expect(wide.screen).toMatch(/^LEASE +WORKER +POOL +TASK +TASK STATE +DESCRIPTION +TAKEN AT +EXCLUSIVE$/m)
    })

    it(`leases list --workers fits ${columns} columns with its bar chart`, async () => {
      const {screen, exitCode} = await runInPty(['leases', 'list', '--workers'], env, [], 60_000, {columns})
      expect(exitCode, screen).toBe(0)
      expectFits(screen, columns)
      expect(screen).toContain('p-db-omaha-worker-03')
      expect(screen).toMatch(/█/)
    })

    it(`leases report fits ${columns} columns: bars scaled to the room left, idle workers wrapped, a progress bar that fits`, async () => {
      const report = parseJson(await runCli(['leases', 'report', '--since', '1h', '--until', new Date(simulationEnded + 1000).toISOString(), '--json', '--no-cache'], {env}))
      const {screen, exitCode} = await runInPty(['leases', 'report', '--since', '1h', '--until', new Date(simulationEnded + 1000).toISOString(), '--no-cache'], env, [], 60_000, {columns})
      expect(exitCode, screen).toBe(0)
      expectFits(screen, columns)
      expect(screen).toMatch(/\[█+\] 16\/16 task logs/)
      for (const w of [...report.Workers, ...report.IdleWorkers]) expect(screen, w.WorkerName).toContain(w.WorkerName)
      for (const p of report.Pools.filter((x: any) => x.PeakAt)) expect(screen).toContain(shown(p.PeakAt))
      expect(screen).toMatch(/^Idle workers \(never leased, \d+\): /m)
      // Whether a step waited (for a worker, or on a mutex) depends on how the simulation's tasks
      // interleaved; the wait columns it adds take room from the bar, which may then shrink below
      // its 12 cells or be left out (and the caption stops naming it); without them, it has its 12.
      const waited = report.Pools.some((p: any) => p.LeaseWaitSeconds > 0) || report.Workers.some((w: any) => w.MutexWaitSeconds > 0)
      const charted = screen.includes('By worker (the bar charts BUSY):')
      if (!waited) expect(charted, screen).toBe(true)
      else expect(screen, screen).toMatch(/^By worker(?: \(the bar charts BUSY\))?:$/m)
      // Each worker row has its bar, longer for more busy time; the busiest takes the room the row leaves (30 cells at most).
      const rows = screen.split('\n').filter((l) => /^\S.*\d(?:ms|s)\s+[█▏▎▍▌▋▊▉]+$/.test(l))
      const bars = rows.map((l) => /[█▏▎▍▌▋▊▉]+$/.exec(l)![0])
      expect(bars.length, screen).toBe(charted ? report.Workers.length : 0)
      if (charted) {
        const longest = Math.max(...bars.map((b) => stringWidth(b)))
        const busiest = rows[bars.findIndex((b) => stringWidth(b) === longest)]
        expect(longest === 30 || stringWidth(busiest) === columns, screen).toBe(true)
        if (!waited) expect(longest).toBeGreaterThanOrEqual(12)
      }
    })

    it(`leases report of a window with no completed task says so at ${columns} columns, with no table and no progress bar`, async () => {
      const {screen, exitCode} = await runInPty(['leases', 'report', '--since', '3h', '--until', '2h'], env, [], 60_000, {columns})
      expect(exitCode, screen).toBe(0)
      expectFits(screen, columns)
      expect(screen.replace(/\s+/g, ' ')).toMatch(/No tasks completed between \S+ \S+ and \S+ \S+, so there are no leases to report and no idle workers to name/)
      expect(screen).not.toContain('task logs')
      expect(screen).not.toMatch(/^WORKER|Idle workers/m)
    })

    it(`leases tail events fit ${columns} columns, and a Released event says how long the lease was held`, async () => {
      const {screen, exitCode} = await runInPty(['leases', 'tail', '--interval', '200ms', '--max-events', '4', '--worker', 'p-web-azcus-worker-01'], env, [{
        waitFor: 'Following worker leases',
        send: '',
        before: async () => void (await startSimulation(sandbox, {Tasks: 2, Concurrency: 1, MinDurationMs: 300, MaxDurationMs: 300, WorkerPoolIds: ['WorkerPools-3']})),
      }], 60_000, {columns})
      expect(exitCode, screen).toBe(0)
      expectFits(screen, columns)
      const events = screen.slice(screen.search(/^\d{4}-/m)).split(/\n(?=\d{4}-)/)
      expect(events.filter((e) => / Leased /.test(e))).toHaveLength(2)
      const released = events.filter((e) => / Released /.test(e))
      expect(released).toHaveLength(2)
      for (const event of released) {
        expect(event).toMatch(/held=\d+(?:ms|s)\b/)
        expect(event).toContain('worker=p-web-azcus-worker-01')
        expect(event).toMatch(/task=ServerTasks-\d+\s/)
      }
    })
  }
})
