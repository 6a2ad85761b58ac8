import {describe, expect, it} from 'vitest'
import {EventLedger, followLeases, matchesFilter, type TailNotice} from '../../../src/app/leases/tail.js'
import {CliError, ExitCode} from '../../../src/text/errors.js'
import type {LeaseEvent, LeaseRecord, LeaseSource} from '../../../src/domain/leases/types.js'

const record = (LeaseId: string, WorkerId = 'Workers-1', WorkerPoolId = 'WorkerPools-1'): LeaseRecord => ({
  LeaseId, WorkerId, WorkerName: WorkerId.toLowerCase(), WorkerPoolId, WorkerPoolName: 'Pool', TaskId: 'ServerTasks-1', TaskDescription: 'Deploy', SpaceId: 'Spaces-1', Exclusive: false, TakenAt: '2026-01-01T00:00:00.000Z', Source: 'api',
})
const event = (Event: 'Leased' | 'Released', r: LeaseRecord): LeaseEvent => {
  const {TakenAt: _t, ...rest} = r
  return {Event, Time: r.TakenAt, ...rest, Source: r.Source}
}

/** A scripted source: each poll returns the next step's events, or throws it. */
function scripted(active: LeaseRecord[], steps: Array<LeaseEvent[] | Error>): LeaseSource & {polls: number} {
  return {
    kind: 'api', spaceId: 'Spaces-1', polls: 0,
    async start() {
      return active
    },
    async poll() {
      const step = steps[this.polls++] ?? []
      if (step instanceof Error) throw step
      return step
    },
  }
}

describe('followLeases', () => {
  it('rides out errors, says so, and never prints an event twice', async () => {
    const a = record('L-1')
    const b = record('L-2')
    const source = scripted([], [[event('Leased', a)], new CliError('Connection refused by the server.', ExitCode.Failure, {code: 'network'}), new CliError('Connection refused by the server.', ExitCode.Failure, {code: 'network'}), [event('Leased', a), event('Leased', b), event('Released', a)]])
    const printed: LeaseEvent[] = []
    const notices: TailNotice[] = []
    const result = await followLeases({
      sources: [source], intervalMs: 1, maxBackoffMs: 4, includeActive: false, filter: {}, maxEvents: 3,
      emit: (e) => printed.push(e), notice: (n) => notices.push(n), signal: new AbortController().signal,
    })
    expect(result).toEqual({events: 3, stop: 'max-events'})
    expect(printed.map((e) => `${e.Event} ${e.LeaseId}`)).toEqual(['Leased L-1', 'Leased L-2', 'Released L-1'])
    expect(notices.filter((n) => n.kind === 'poll-failed' && n.lostContact && n.message === 'Connection refused by the server')).toHaveLength(2)
    expect(notices.at(-1)?.kind).toBe('reconnected')
  })

  it('prints active leases first with --include-active, filtered', async () => {
    const source = scripted([record('L-1', 'Workers-1'), record('L-2', 'Workers-2')], [])
    const printed: LeaseEvent[] = []
    await followLeases({
      sources: [source], intervalMs: 1, includeActive: true, filter: {workerIds: new Set(['Workers-2'])}, maxEvents: 1,
      emit: (e) => printed.push(e), notice: () => {}, signal: new AbortController().signal,
    })
    expect(printed.map((e) => e.LeaseId)).toEqual(['L-2'])
  })

  it('counts in its ready header only the active leases the filter matches', async () => {
    const active = [record('L-1', 'Workers-1', 'WorkerPools-1'), record('L-2', 'Workers-2', 'WorkerPools-2'), record('L-3', 'Workers-3', 'WorkerPools-2')]
    const counts: number[] = []
    for (const filter of [{}, {poolIds: new Set(['WorkerPools-2'])}, {workerIds: new Set(['Workers-1'])}, {workerIds: new Set(['Workers-9'])}]) {
      await followLeases({
        sources: [scripted(active, [])], intervalMs: 1, durationMs: 1, includeActive: false, filter,
        onReady: (n) => counts.push(n), emit: () => {}, notice: () => {}, signal: new AbortController().signal,
      })
    }
    expect(counts).toEqual([3, 2, 1, 0])
  })

  it('stops on the signal and after --duration', async () => {
    const controller = new AbortController()
    const running = followLeases({sources: [scripted([], [])], intervalMs: 5, includeActive: false, filter: {}, emit: () => {}, notice: () => {}, signal: controller.signal})
    controller.abort()
    expect((await running).stop).toBe('interrupted')
    const timed = await followLeases({sources: [scripted([], [])], intervalMs: 1, durationMs: 5, includeActive: false, filter: {}, emit: () => {}, notice: () => {}, signal: new AbortController().signal})
    expect(timed.stop).toBe('duration')
  })

  it('gives up on revoked credentials', async () => {
    const source = scripted([], [new CliError('401', ExitCode.Auth)])
    await expect(followLeases({sources: [source], intervalMs: 1, includeActive: false, filter: {}, emit: () => {}, notice: () => {}, signal: new AbortController().signal})).rejects.toThrow('401')
  })
})

describe('filters and the ledger', () => {
  it('matches by ID, or by name when the ID is unknown', () => {
    const filter = {poolIds: new Set(['WorkerPools-2']), poolNames: new Set(['linux pool'])}
    expect(matchesFilter({WorkerId: 'W', WorkerName: 'w', WorkerPoolId: 'WorkerPools-2', WorkerPoolName: 'x'}, filter)).toBe(true)
    expect(matchesFilter({WorkerId: 'W', WorkerName: 'w', WorkerPoolId: null, WorkerPoolName: 'Linux Pool'}, filter)).toBe(true)
    expect(matchesFilter({WorkerId: 'W', WorkerName: 'w', WorkerPoolId: 'WorkerPools-1', WorkerPoolName: 'x'}, filter)).toBe(false)
    expect(matchesFilter({WorkerId: null, WorkerName: null, WorkerPoolId: null, WorkerPoolName: null}, {})).toBe(true)
  })

  it('admits each event once and forgets the oldest past its capacity', () => {
    const ledger = new EventLedger(2)
    const e1 = event('Leased', record('L-1'))
    expect(ledger.admit(e1)).toBe(true)
    expect(ledger.admit(e1)).toBe(false)
    expect(ledger.admit(event('Released', record('L-1')))).toBe(true)
    expect(ledger.admit(event('Leased', record('L-2')))).toBe(true)
    expect(ledger.admit(e1)).toBe(true)
  })
})

describe('bugs are not mistaken for outages', () => {
  it('rethrows a programming error at once', async () => {
    const source = scripted([], [new TypeError('x is not a function')])
    await expect(followLeases({sources: [source], intervalMs: 1, includeActive: false, filter: {}, emit: () => {}, notice: () => {}, signal: new AbortController().signal})).rejects.toThrow(TypeError)
  })
})
