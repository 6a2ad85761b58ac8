import {describe, expect, it} from 'vitest'
import {ApiLeaseSource} from '../../../src/app/leases/api-source.js'
import {parseLeaseCollection} from '../../../src/app/leases/lease-api.js'
import {loggedLeaseEvents, LogLeaseSource} from '../../../src/app/leases/log-source.js'
import {ReconciledLeaseSource} from '../../../src/app/leases/reconciled-source.js'
import {followLeases, nextPollAt, QUICK_RETRIES} from '../../../src/app/leases/tail.js'
import {CliError} from '../../../src/text/errors.js'
import {tailNoticeLine} from '../../../src/views/leases/events.js'
import type {CompletedTaskLog, LeaseEvent, LeaseSource} from '../../../src/domain/leases/types.js'
import {EPOCH, FakeOctopus, iso, type FakeTask} from './fake-octopus.js'

const URL = 'http://fake/api/Spaces-1/workertaskleases'
const lease = (id: string, extra: Record<string, unknown> = {}) => ({Id: id, Exclusive: false, ServerTaskId: 'ServerTasks-1', SpaceId: 'Spaces-1', TakenAt: iso(0), WorkerId: 'Workers-1', WorkerPoolId: 'WorkerPools-1', ...extra})

/** Runs the real tail loop over `source` on the fake's virtual clock until `untilMs`; the notices as `leases tail` words them. */
async function tail(fake: FakeOctopus, source: LeaseSource, options: {intervalMs: number; untilMs: number}) {
  const events: LeaseEvent[] = []
  const notices: string[] = []
  const debug: string[] = []
  await followLeases({
    sources: [source], intervalMs: options.intervalMs, durationMs: options.untilMs, includeActive: false, filter: {},
    emit: (e) => events.push(e), notice: (n) => notices.push(tailNoticeLine(n)), debug: (l) => debug.push(l),
    signal: new AbortController().signal, now: fake.now, sleep: fake.sleep, requestCount: () => fake.requestCount,
  })
  return {events, notices, debug}
}

/** Every lease of the timeline exactly once as Leased and once as Released, Leased first. */
function expectEachLeaseOnce(events: LeaseEvent[], tasks: FakeTask[]) {
  const ids = tasks.flatMap((t) => t.steps.map((s) => s.leaseId))
  expect(events.map((e) => `${e.Event} ${e.LeaseId}`).sort()).toEqual(ids.flatMap((id) => [`Leased ${id}`, `Released ${id}`]).sort())
  for (const id of ids) expect(events.filter((e) => e.LeaseId === id).map((e) => e.Event)).toEqual(['Leased', 'Released'])
}

describe('lease API bodies: a bad body is a failed poll, never "no leases"', () => {
  it.each([
    ['an HTML page answered with 200', '<!doctype html><html><body>Sign in</body></html>', /an HTML\/XML page \(\d+ B\)/],
    ['[] where an object is expected', [], /a JSON array of 0 items/],
    ['a JSON object of another shape', {Items: 'nope'}, /Items is text/],
    ['a collection without WorkerTaskLeases', {Leases: []}, /without WorkerTaskLeases \(keys: Leases\)/],
    ['WorkerTaskLeases that is an array', {WorkerTaskLeases: []}, /without WorkerTaskLeases/],
    ['an item without an Id', {WorkerTaskLeases: {Items: [{ServerTaskId: 'ServerTasks-1', TakenAt: iso(0)}]}}, /Items\[0\] that has no Id/],
    ['an item whose TakenAt is not a time', {WorkerTaskLeases: {Items: [lease('L-1', {TakenAt: 'soon'})]}}, /TakenAt that is not a time/],
    ['an empty body', '', /text \(0 B\)/],
    ['null', null, /an empty body/],
  ])('%s', (_what, body, pattern) => {
    let error: unknown
    try {
      parseLeaseCollection(body, URL)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(CliError)
    expect((error as CliError).code).toBe('bad-lease-response')
    expect((error as CliError).message).toMatch(pattern)
    expect((error as CliError).message).toContain(URL)
  })

  it('accepts the documented shape and a bare collection', () => {
    expect(parseLeaseCollection({WorkerTaskLeases: {TotalResults: 1, Items: [lease('L-1')]}}, URL)).toEqual({items: [lease('L-1')], totalResults: 1})
    expect(parseLeaseCollection({ItemType: 'WorkerTaskLease', Items: [], TotalResults: 0}, URL)).toEqual({items: [], totalResults: 0})
  })

  it('prints no Released for a bad poll, says so on stderr, and prints the real release once', async () => {
    const tasks: FakeTask[] = [{id: 'ServerTasks-1', start: 0, completedAt: 10_000, steps: [
      {leaseId: 'WorkerTaskLeases-1', worker: 'w1', pool: 'p', start: 0, end: 6_000},
      {leaseId: 'WorkerTaskLeases-2', worker: 'w2', pool: 'p', start: 0, end: 9_000},
    ]}]
    const fake = new FakeOctopus(tasks)
    fake.t = 100
    const source = new ApiLeaseSource(fake.space, fake.directory, () => EPOCH + fake.t)
    const bad = ['<html><body>Proxy login</body></html>', [], {WorkerTaskLeases: {Items: {}}}, {Unexpected: true}]
    // The first lease request is start()'s snapshot; the bad bodies answer the next four polls.
    fake.leaseBody = (n) => (n >= 2 && n <= 1 + bad.length ? bad[n - 2] : undefined)
    const {events, notices} = await tail(fake, source, {intervalMs: 1000, untilMs: 12_000})
    expect(events.map((e) => `${e.Event} ${e.LeaseId}`)).toEqual(['Released WorkerTaskLeases-1', 'Released WorkerTaskLeases-2'])
    // Each release is stamped when a poll first saw it gone, never before it really ended.
    expect(Date.parse(events[0].Time)).toBeGreaterThanOrEqual(EPOCH + 6_000)
    expect(Date.parse(events[1].Time)).toBeGreaterThanOrEqual(EPOCH + 9_000)
    const failed = notices.filter((n) => n.startsWith('Poll failed'))
    expect(failed).toHaveLength(4)
    expect(failed[0]).toMatch(/answered with an HTML\/XML page .* not a collection of worker task leases; treating this poll as failed/)
    expect(failed[1]).toMatch(/a JSON array of 0 items/)
    expect(notices.at(-1)).toMatch(/^Reconnected after/)
  })
})

describe('the poll schedule: leases of 1.4-2 s are seen under load with --interval 0.5', () => {
  // Under load each request took ~600 ms. The old loop slept a full interval AFTER each poll, and
  // a poll that saw a new lease made two requests (snapshot, then the task lookup), so snapshots
  // were 0.5 + 0.6 + 0.6 = 1.7 s apart: a lease that lasted 1.5 s (three intervals) fell between two.
  const timeline = (count: number, durationMs: number, everyMs: number): FakeTask[] =>
    Array.from({length: count}, (_, i) => ({
      id: `ServerTasks-${i + 1}`, start: 300 + i * everyMs, completedAt: 300 + i * everyMs + durationMs + 50,
      steps: [{leaseId: `WorkerTaskLeases-${i + 1}`, worker: `w${i % 3}`, pool: 'p', start: 300 + i * everyMs, end: 300 + i * everyMs + durationMs}],
    }))

  it('sees every lease that outlasts one poll, with a slow server (scripted, on a virtual clock)', async () => {
    const tasks = timeline(40, 1_500, 370)
    const fake = new FakeOctopus(tasks)
    fake.latencyMs = 600
    const {events} = await tail(fake, new ApiLeaseSource(fake.space, fake.directory, () => EPOCH + fake.t), {intervalMs: 500, untilMs: 40 * 370 + 5_000})
    expectEachLeaseOnce(events, tasks)
  })

  it('retries a blip at the interval instead of backing off, so two failed polls leave no 2 s hole', async () => {
    const tasks = timeline(30, 1_600, 410)
    const fake = new FakeOctopus(tasks)
    fake.latencyMs = 100
    for (const n of [9, 10, 25, 26, 40, 41]) fake.failRequests.add(n)
    const {events, notices} = await tail(fake, new ApiLeaseSource(fake.space, fake.directory, () => EPOCH + fake.t), {intervalMs: 500, untilMs: 30 * 410 + 5_000})
    expect(notices.filter((n) => n.startsWith('Lost contact'))).toHaveLength(6)
    expectEachLeaseOnce(events, tasks)
  })

  it('keeps a fixed cadence, polls at once after an overrun, and backs off only after the quick retries', () => {
    const base = {intervalMs: 500, maxBackoffMs: 30_000}
    expect(nextPollAt({...base, pollStartedAt: 1000, now: 1100, consecutiveFailures: 0})).toBe(1500)
    expect(nextPollAt({...base, pollStartedAt: 1000, now: 1900, consecutiveFailures: 0})).toBe(1900)
    expect(nextPollAt({...base, pollStartedAt: 1000, now: 1100, consecutiveFailures: QUICK_RETRIES})).toBe(1500)
    expect(nextPollAt({...base, pollStartedAt: 1000, now: 1100, consecutiveFailures: QUICK_RETRIES + 1})).toBe(1600)
    expect(nextPollAt({...base, pollStartedAt: 1000, now: 1100, consecutiveFailures: QUICK_RETRIES + 3})).toBe(3100)
    expect(nextPollAt({...base, pollStartedAt: 1000, now: 1100, consecutiveFailures: 50})).toBe(31_100)
  })
})

describe('--source auto: the lease API reconciled with the logs of completed tasks', () => {
  // Steps of 100-300 ms polled every second: the API alone sees almost none of them.
  const shortSteps = (): FakeTask[] => Array.from({length: 12}, (_, i) => {
    const start = 200 + i * 450
    const steps = [0, 1, 2].map((j) => ({leaseId: `WorkerTaskLeases-${i * 3 + j + 1}`, worker: `w${(i + j) % 4}`, pool: j % 2 ? 'linux' : 'win', start: start + j * 310, end: start + j * 310 + 100 + ((i + j) % 3) * 100}))
    return {id: `ServerTasks-${i + 1}`, start, completedAt: steps[2].end + 20, steps}
  })

  it('prints every lease exactly once, Leased before Released, the ones no poll saw from the log with their real times', async () => {
    const tasks = shortSteps()
    // One long lease the API sees; its log line carries no lease ID, so it is matched by task, worker and pool.
    tasks.push({id: 'ServerTasks-99', start: 100, completedAt: 4_100, steps: [{leaseId: 'WorkerTaskLeases-99', worker: 'w9', pool: 'win', start: 150, end: 4_000, noLeaseIdInLog: true}]})
    const fake = new FakeOctopus(tasks)
    fake.latencyMs = 5
    const source = new ReconciledLeaseSource(fake.space, fake.directory, new ApiLeaseSource(fake.space, fake.directory, () => EPOCH + fake.t))
    const {events, debug} = await tail(fake, source, {intervalMs: 1000, untilMs: 9_000})
    expectEachLeaseOnce(events, tasks)
    const fromLogs = events.filter((e) => e.Source === 'logs')
    expect(fromLogs.length).toBeGreaterThan(30)
    for (const task of tasks) {
      for (const step of task.steps) {
        const leased = events.find((e) => e.LeaseId === step.leaseId && e.Event === 'Leased')!
        if (leased.Source === 'logs') expect(leased.Time).toBe(iso(step.start))
        const released = events.find((e) => e.LeaseId === step.leaseId && e.Event === 'Released')!
        if (released.Source === 'logs') expect(released.Time).toBe(iso(step.end))
        expect(leased).toMatchObject({WorkerName: step.worker, WorkerPoolName: step.pool, TaskId: task.id})
      }
    }
    expect(events.find((e) => e.LeaseId === 'WorkerTaskLeases-99' && e.Event === 'Leased')!.Source).toBe('api')

    // Cost: per poll 1 lease-API request + 1 task list (+1 task lookup when a new task holds a lease) + 1 log read per task completed since.
    const logReadsPerPoll = new Map<number, number>()
    let poll = 0
    for (const label of fake.requests) {
      if (label.endsWith('/workertaskleases')) poll++
      if (label.endsWith('/details')) logReadsPerPoll.set(poll, (logReadsPerPoll.get(poll) ?? 0) + 1)
    }
    const totalLogReads = [...logReadsPerPoll.values()].reduce((a, b) => a + b, 0)
    expect(totalLogReads).toBe(tasks.length)
    for (const line of debug) {
      const m = /poll (\d+) \(api\+logs, Spaces-1\): (\d+) requests/.exec(line)
      if (!m) continue
      expect(Number(m[2])).toBeLessThanOrEqual(3 + (logReadsPerPoll.get(Number(m[1]) + 1) ?? 0))
    }
  })

  it('retries a poll whole when a request after the snapshot fails: nothing lost, nothing twice, live leases still live', async () => {
    const tasks = shortSteps()
    // A long lease first in the snapshot of the poll at 3 s, whose later requests fail.
    tasks.push({id: 'ServerTasks-50', start: 2_500, completedAt: 7_100, steps: [{leaseId: 'WorkerTaskLeases-50', worker: 'w5', pool: 'win', start: 2_500, end: 7_000}]})
    const fake = new FakeOctopus(tasks)
    fake.latencyMs = 5
    const original = fake.client.get
    fake.client.get = async (url: string, shape: unknown, query?: Record<string, unknown>) => {
      // The poll at 3 s fails after its snapshot (task list); the one at 5 s while reading logs.
      const completedList = url.endsWith('/tasks') && Array.isArray(query?.states) && (query.states as string[]).includes('Success')
      const failing = (completedList && fake.t >= 3_000 && fake.t < 3_100) || (url.endsWith('/details') && fake.t >= 5_000 && fake.t < 5_100)
      if (failing) {
        fake.t += fake.latencyMs
        throw new CliError('Connection reset by http://fake.', 1, {code: 'network'})
      }
      return original(url, shape, query)
    }
    const source = new ReconciledLeaseSource(fake.space, fake.directory, new ApiLeaseSource(fake.space, fake.directory, () => EPOCH + fake.t))
    const {events, notices} = await tail(fake, source, {intervalMs: 1000, untilMs: 12_000})
    expect(notices.filter((n) => n.startsWith('Lost contact'))).toHaveLength(2)
    expectEachLeaseOnce(events, tasks)
    // Its snapshot was not spent on a failed poll: the retry still saw it live, from the API.
    expect(events.find((e) => e.LeaseId === 'WorkerTaskLeases-50' && e.Event === 'Leased')?.Source).toBe('api')
  })

  it('does not report, as news, leases that a task executing at start took and ended before we started', async () => {
    const tasks: FakeTask[] = [{id: 'ServerTasks-1', start: 0, completedAt: 3_000, steps: [
      {leaseId: 'WorkerTaskLeases-1', worker: 'a', pool: 'p', start: 10, end: 200},
      {leaseId: 'WorkerTaskLeases-2', worker: 'b', pool: 'p', start: 1_500, end: 1_700},
    ]}]
    const fake = new FakeOctopus(tasks)
    fake.t = 1_000
    const source = new ReconciledLeaseSource(fake.space, fake.directory, new ApiLeaseSource(fake.space, fake.directory, () => EPOCH + fake.t))
    const {events} = await tail(fake, source, {intervalMs: 1000, untilMs: 5_000})
    expect(events.map((e) => `${e.Event} ${e.LeaseId} ${e.Source}`)).toEqual(['Leased WorkerTaskLeases-2 logs', 'Released WorkerTaskLeases-2 logs'])
  })

  it('the API alone (--source api) misses the short ones, as its help says', async () => {
    const tasks = shortSteps()
    const fake = new FakeOctopus(tasks)
    const {events} = await tail(fake, new ApiLeaseSource(fake.space, fake.directory, () => EPOCH + fake.t), {intervalMs: 1000, untilMs: 9_000})
    expect(events.filter((e) => e.Event === 'Leased').length).toBeLessThan(tasks.length * 3)
  })

  it('--source logs sees every one of them too', async () => {
    const tasks = shortSteps()
    const fake = new FakeOctopus(tasks)
    const {events} = await tail(fake, new LogLeaseSource(fake.space, fake.directory), {intervalMs: 1000, untilMs: 9_000})
    expectEachLeaseOnce(events, tasks)
  })
})

describe('completed task logs handed to onCompletedTaskLog (the exporter\'s mutex waits)', () => {
  // Task 1 completes while followed; task 2 executes at start and completes later; task 3 runs and ends after start.
  const tasks = (): FakeTask[] => [
    {id: 'ServerTasks-1', start: 1_200, completedAt: 2_600, steps: [
      {leaseId: 'WorkerTaskLeases-1', worker: 'a', pool: 'linux', start: 1_250, end: 2_500, mutexWait: {at: 1_400, until: 2_000}},
      {leaseId: 'WorkerTaskLeases-2', worker: 'b', pool: 'win', start: 1_300, end: 1_500},
    ]},
    {id: 'ServerTasks-2', start: 0, completedAt: 3_700, steps: [{leaseId: 'WorkerTaskLeases-3', worker: 'c', pool: 'win', start: 100, end: 3_600, mutexWait: {at: 3_000, until: 3_200}}]},
    {id: 'ServerTasks-3', start: 4_000, completedAt: 4_300, steps: [{leaseId: 'WorkerTaskLeases-4', worker: 'a', pool: 'linux', start: 4_050, end: 4_200}]},
  ]
  const waitsByTask = (logs: CompletedTaskLog[]) => Object.fromEntries(logs.map((l) => [l.TaskId, l.leases.map((x) => `${x.lease.WorkerPoolName}:${x.mutexWaitMs ?? 0}`)]))

  it.each([
    ['auto (api+logs)', (fake: FakeOctopus) => new ReconciledLeaseSource(fake.space, fake.directory, new ApiLeaseSource(fake.space, fake.directory, () => EPOCH + fake.t))],
    ['logs', (fake: FakeOctopus) => new LogLeaseSource(fake.space, fake.directory)],
  ])('%s: each completed task once, its waits on the lease of the step that waited, without a log read of its own', async (_kind, make) => {
    const fake = new FakeOctopus(tasks())
    fake.t = 1_000
    const source = make(fake)
    const logs: CompletedTaskLog[] = []
    source.onCompletedTaskLog = (log) => logs.push(log)
    await tail(fake, source, {intervalMs: 1000, untilMs: 6_000})
    expect(logs.map((l) => l.TaskId).sort()).toEqual(['ServerTasks-1', 'ServerTasks-2', 'ServerTasks-3'])
    expect(waitsByTask(logs)).toEqual({
      'ServerTasks-1': ['linux:700', 'win:0'],
      'ServerTasks-2': ['win:300'],
      'ServerTasks-3': ['linux:0'],
    })
    expect(logs.every((l) => l.SpaceId === 'Spaces-1')).toBe(true)
  })

  it('costs no request: the same requests with and without a receiver', async () => {
    const counts: number[] = []
    for (const receive of [false, true]) {
      const fake = new FakeOctopus(tasks())
      fake.t = 1_000
      const source = new ReconciledLeaseSource(fake.space, fake.directory, new ApiLeaseSource(fake.space, fake.directory, () => EPOCH + fake.t))
      if (receive) source.onCompletedTaskLog = () => {}
      await tail(fake, source, {intervalMs: 1000, untilMs: 6_000})
      counts.push(fake.requestCount)
    }
    expect(counts[1]).toBe(counts[0])
  })
})

describe('release failures', () => {
  it('are ReleaseFailed, and no Released follows from the log', () => {
    const record = {LeaseId: 'WorkerTaskLeases-123', WorkerId: 'Workers-1', WorkerName: 'alpha', WorkerPoolId: 'WorkerPools-1', WorkerPoolName: 'P', TaskId: 'ServerTasks-1', TaskDescription: null, SpaceId: 'Spaces-1', Exclusive: false, TakenAt: iso(0), Source: 'logs' as const}
    const tracked = {leases: new Map(), released: new Set<string>()}
    const events = loggedLeaseEvents(tracked, {
      task: {Id: 'ServerTasks-1', State: 'Success', IsCompleted: true, CompletedTime: iso(9)} as never,
      logged: [{lease: {key: 'WorkerTaskLeases-123', leaseId: 'WorkerTaskLeases-123', workerName: 'alpha', poolName: 'P', exclusive: false, takenAt: iso(0), releasedAt: iso(5), releaseFailedAt: iso(5)}, record}],
    })
    expect(events.map((e) => `${e.Event} ${e.Time}`)).toEqual([`Leased ${iso(0)}`, `ReleaseFailed ${iso(5)}`])
  })
})

describe('the terminal line', () => {
  it('marks a lease seen late, from its task log, when following with auto', async () => {
    const {formatEventLine} = await import('../../../src/views/leases/events.js')
    const event: LeaseEvent = {Event: 'Leased', Time: iso(0), LeaseId: 'WorkerTaskLeases-1', WorkerId: 'Workers-1', WorkerName: 'w1', WorkerPoolId: 'WorkerPools-1', WorkerPoolName: 'p', TaskId: 'ServerTasks-1', TaskDescription: null, SpaceId: 'Spaces-1', Exclusive: false, Source: 'logs'}
    expect(formatEventLine(event, undefined, {markLogEvents: true})).toMatch(/task=ServerTasks-1 {2}space=Spaces-1 {2}\(from task log\)$/)
    expect(formatEventLine(event, undefined, {spaceNames: new Map([['Spaces-1', 'Default']])})).toMatch(/task=ServerTasks-1 {2}space=Default$/)
    expect(formatEventLine(event)).not.toMatch(/from task log/)
    expect(formatEventLine({...event, Source: 'api'}, undefined, {markLogEvents: true})).not.toMatch(/from task log/)
    expect(formatEventLine({...event, Event: 'ReleaseFailed'})).toMatch(/ReleaseFailed {2}worker=w1/)
  })
})

describe('a lease collection over several pages', () => {
  const pagedSpace = (pages: unknown[]) => {
    let i = 0
    return {spaceId: 'Spaces-1', path: (p: string) => `/api/Spaces-1/${p}`, client: {server: 'http://fake', request: async () => ({status: 200, data: pages[i++]})}} as never
  }
  const page = (ids: string[], total: number) => ({WorkerTaskLeases: {TotalResults: total, Items: ids.map((id) => lease(id))}})

  it('is complete when the pages agree', async () => {
    const {readLeaseSnapshot} = await import('../../../src/app/leases/lease-api.js')
    const snapshot = await readLeaseSnapshot(pagedSpace([page(['L-1', 'L-2'], 3), page(['L-3'], 3)]), 2)
    expect(snapshot).toEqual({leases: [lease('L-1'), lease('L-2'), lease('L-3')], complete: true})
  })

  it('is marked incomplete when leases moved between page requests, so none is taken as released', async () => {
    const {readLeaseSnapshot} = await import('../../../src/app/leases/lease-api.js')
    // L-1 was released between the requests: L-3 slid onto page 1 and page 2 starts at L-4.
    const snapshot = await readLeaseSnapshot(pagedSpace([page(['L-1', 'L-2'], 4), page(['L-4'], 3)]), 2)
    expect(snapshot?.complete).toBe(false)
    expect(snapshot?.leases.map((l) => l.Id)).toEqual(['L-1', 'L-2', 'L-4'])
  })
})
