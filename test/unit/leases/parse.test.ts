import {describe, expect, it} from 'vitest'
import {flattenActivityLogs, leasesFromLog, parseLeaseLine, parseReleaseFailureLine} from '../../../src/domain/leases/parse.js'

describe('parseLeaseLine', () => {
  it('reads the documented wording', () => {
    expect(parseLeaseLine('Leased worker worker-01 from pool Default Worker Pool (lease WorkerTaskLeases-123)')).toEqual({
      workerName: 'worker-01', poolName: 'Default Worker Pool', leaseId: 'WorkerTaskLeases-123', exclusive: false,
    })
  })

  it('accepts a trailing period', () => {
    expect(parseLeaseLine('Leased worker w1 from pool Linux (lease WorkerTaskLeases-7).')).toMatchObject({workerName: 'w1', poolName: 'Linux', leaseId: 'WorkerTaskLeases-7'})
  })

  it('accepts a missing (lease …) suffix, with and without a period', () => {
    expect(parseLeaseLine('Leased worker w1 from pool Linux Pool')).toEqual({workerName: 'w1', poolName: 'Linux Pool', leaseId: undefined, exclusive: false})
    expect(parseLeaseLine('Leased worker w1 from pool Linux Pool.')).toMatchObject({poolName: 'Linux Pool', leaseId: undefined})
  })

  it('keeps spaces in worker and pool names', () => {
    expect(parseLeaseLine('Leased worker Build Box 7 from pool Azure Central US Production Worker Pool (lease WorkerTaskLeases-9).')).toMatchObject({
      workerName: 'Build Box 7', poolName: 'Azure Central US Production Worker Pool', leaseId: 'WorkerTaskLeases-9',
    })
  })

  it('keeps parentheses that belong to the pool name', () => {
    expect(parseLeaseLine('Leased worker w1 from pool Windows (2022) (lease WorkerTaskLeases-3)')).toMatchObject({poolName: 'Windows (2022)', leaseId: 'WorkerTaskLeases-3'})
    expect(parseLeaseLine('Leased worker w1 from pool Windows (2022).')).toMatchObject({poolName: 'Windows (2022)', leaseId: undefined})
  })

  it('skips a raw-log prefix and a carriage return', () => {
    expect(parseLeaseLine('09:15:30   Verbose  |       Leased worker p-db-omaha-worker-01 from pool Omaha DB (lease WorkerTaskLeases-44).\r')).toMatchObject({
      workerName: 'p-db-omaha-worker-01', poolName: 'Omaha DB', leaseId: 'WorkerTaskLeases-44',
    })
  })

  it('marks exclusive leases when the line says so', () => {
    expect(parseLeaseLine('Leased exclusive worker w1 from pool P (lease WorkerTaskLeases-1)')?.exclusive).toBe(true)
    expect(parseLeaseLine('Leased worker w1 from pool P (lease WorkerTaskLeases-1, exclusive)')).toMatchObject({exclusive: true, leaseId: 'WorkerTaskLeases-1'})
  })

  it('rejects lines that are not lease lines', () => {
    expect(parseLeaseLine('Unable to release worker Workers-1 from lease WorkerTaskLeases-123.  Continuing anyway.')).toBeUndefined()
    expect(parseLeaseLine('Leased worker  from pool ')).toBeUndefined()
    expect(parseLeaseLine('Deploying package')).toBeUndefined()
    expect(parseLeaseLine('UnLeased worker w1 from pool P')).toBeUndefined()
  })
})

describe('parseReleaseFailureLine', () => {
  it('reads the evidenced release-failure line (worker by ID, lease ID)', () => {
    expect(parseReleaseFailureLine('Unable to release worker Workers-1 from lease WorkerTaskLeases-123.  Continuing anyway.  The lease will eventually be cleared by the system.  If this error persists, please contact Octopus support.'))
      .toEqual({worker: 'Workers-1', leaseId: 'WorkerTaskLeases-123'})
    expect(parseReleaseFailureLine('10:00:01   Warning  |   Unable to release worker Workers-7 from lease WorkerTaskLeases-9')).toEqual({worker: 'Workers-7', leaseId: 'WorkerTaskLeases-9'})
  })

  it('is not fooled by other lines', () => {
    expect(parseReleaseFailureLine('Leased worker w1 from pool P (lease WorkerTaskLeases-5)')).toBeUndefined()
    expect(parseReleaseFailureLine('Released worker w1 (lease WorkerTaskLeases-5)')).toBeUndefined()
  })
})

describe('leasesFromLog', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString()

  it('ends each lease with the step that logged it, and leaves it open while the step runs', () => {
    const leases = leasesFromLog('ServerTasks-9', [
      {occurredAt: at(1), text: 'Leased worker a from pool P (lease WorkerTaskLeases-1)', stepEndedAt: at(3)},
      {occurredAt: at(2), text: 'Leased worker b from pool P', stepEndedAt: null},
    ])
    expect(leases).toEqual([
      {key: 'WorkerTaskLeases-1', leaseId: 'WorkerTaskLeases-1', workerName: 'a', poolName: 'P', exclusive: false, takenAt: at(1), releasedAt: at(3)},
      {key: 'ServerTasks-9/2', leaseId: undefined, workerName: 'b', poolName: 'P', exclusive: false, takenAt: at(2)},
    ])
  })

  it('does not depend on a release line real servers never write', () => {
    const leases = leasesFromLog('ServerTasks-1', [
      {occurredAt: at(1), text: 'Leased worker a from pool P (lease WorkerTaskLeases-1)', stepEndedAt: null},
      {occurredAt: at(3), text: 'Released worker a (lease WorkerTaskLeases-1)', stepEndedAt: null},
    ])
    expect(leases[0].releasedAt).toBeUndefined()
  })

  it('one lease logged by two steps lasts to the later step\'s end', () => {
    const leases = leasesFromLog('ServerTasks-1', [
      {occurredAt: at(1), text: 'Leased worker a from pool P (lease WorkerTaskLeases-4)', stepEndedAt: at(2)},
      {occurredAt: at(2), text: 'Leased worker a from pool P (lease WorkerTaskLeases-4)', stepEndedAt: at(5)},
    ])
    expect(leases).toHaveLength(1)
    expect(leases[0]).toMatchObject({takenAt: at(1), releasedAt: at(5)})
  })

  it('records a release failure on its lease, by lease ID, without calling it a release', () => {
    const leases = leasesFromLog('ServerTasks-1', [
      {occurredAt: at(1), text: 'Leased worker alpha from pool P (lease WorkerTaskLeases-123)', stepEndedAt: at(4)},
      {occurredAt: at(4), text: 'Unable to release worker Workers-1 from lease WorkerTaskLeases-123.  Continuing anyway.', stepEndedAt: at(4)},
      {occurredAt: at(5), text: 'Unable to release worker Workers-2 from lease WorkerTaskLeases-999.  Continuing anyway.', stepEndedAt: at(5)},
    ])
    expect(leases).toEqual([{key: 'WorkerTaskLeases-123', leaseId: 'WorkerTaskLeases-123', workerName: 'alpha', poolName: 'P', exclusive: false, takenAt: at(1), releasedAt: at(4), releaseFailedAt: at(4)}])
  })
})

describe('flattenActivityLogs', () => {
  it('walks nested activities, orders lines by time, and gives each line its step\'s start and end', () => {
    const lines = flattenActivityLogs([
      {Started: '2026-01-01T00:00:00Z', Ended: '2026-01-01T00:00:09Z', LogElements: [{OccurredAt: '2026-01-01T00:00:03Z', MessageText: 'c'}], Children: [
        {Started: '2026-01-01T00:00:00.500Z', Ended: '2026-01-01T00:00:05Z', LogElements: [{OccurredAt: '2026-01-01T00:00:01Z', MessageText: 'a'}], Children: [{Started: '2026-01-01T00:00:01.500Z', Ended: '2026-01-01T00:00:02Z', LogElements: [{OccurredAt: '2026-01-01T00:00:02Z', MessageText: 'b'}]}]},
        {Ended: null, LogElements: [{OccurredAt: '2026-01-01T00:00:06Z', MessageText: 'd'}]},
      ]},
    ])
    expect(lines).toEqual([
      {occurredAt: '2026-01-01T00:00:01Z', text: 'a', stepEndedAt: '2026-01-01T00:00:05Z', stepStartedAt: '2026-01-01T00:00:00.500Z', step: 0},
      // A line two levels down belongs to its step (the child of the root), not to its own node.
      {occurredAt: '2026-01-01T00:00:02Z', text: 'b', stepEndedAt: '2026-01-01T00:00:05Z', stepStartedAt: '2026-01-01T00:00:00.500Z', step: 0},
      {occurredAt: '2026-01-01T00:00:03Z', text: 'c', stepEndedAt: '2026-01-01T00:00:09Z', stepStartedAt: '2026-01-01T00:00:00Z', step: -1},
      {occurredAt: '2026-01-01T00:00:06Z', text: 'd', stepEndedAt: null, stepStartedAt: null, step: 1},
    ])
  })
})

describe('leasesFromLog: the wait for a worker', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString()

  it('is the time from the step\'s start to its lease line, on the lease the step took', () => {
    const leases = leasesFromLog('ServerTasks-1', flattenActivityLogs([{Started: at(0), Ended: at(20), Children: [
      {Started: at(0), Ended: at(10), LogElements: [{OccurredAt: at(5), MessageText: 'Leased worker a from pool P (lease WorkerTaskLeases-1)'}]},
      {Started: at(10), Ended: at(20), LogElements: [{OccurredAt: at(10), MessageText: 'Leased worker b from pool P (lease WorkerTaskLeases-2)'}]},
    ]}]))
    expect(leases.map((l) => [l.leaseId, l.leaseWaitMs])).toEqual([['WorkerTaskLeases-1', 5000], ['WorkerTaskLeases-2', undefined]])
  })

  it('is not guessed when the step\'s start is missing, and never negative', () => {
    const leases = leasesFromLog('ServerTasks-1', [
      {occurredAt: at(5), text: 'Leased worker a from pool P (lease WorkerTaskLeases-1)', stepEndedAt: at(9), step: 0},
      {occurredAt: at(5), text: 'Leased worker b from pool P (lease WorkerTaskLeases-2)', stepEndedAt: at(9), stepStartedAt: null, step: 1},
      {occurredAt: at(5), text: 'Leased worker c from pool P (lease WorkerTaskLeases-3)', stepEndedAt: at(9), stepStartedAt: at(7), step: 2},
    ])
    expect(leases.map((l) => l.leaseWaitMs)).toEqual([undefined, undefined, undefined])
  })

  it('counts only the step\'s first lease, and nothing for a lease line on the task itself or a lease logged again', () => {
    const leases = leasesFromLog('ServerTasks-1', [
      {occurredAt: at(1), text: 'Leased worker r from pool P (lease WorkerTaskLeases-9)', stepEndedAt: at(30), stepStartedAt: at(0), step: -1},
      {occurredAt: at(3), text: 'Leased worker a from pool P (lease WorkerTaskLeases-1)', stepEndedAt: at(9), stepStartedAt: at(1), step: 0},
      {occurredAt: at(6), text: 'Leased worker b from pool P (lease WorkerTaskLeases-2)', stepEndedAt: at(9), stepStartedAt: at(1), step: 0},
      {occurredAt: at(12), text: 'Leased worker a from pool P (lease WorkerTaskLeases-1)', stepEndedAt: at(15), stepStartedAt: at(9), step: 1},
    ])
    expect(leases.map((l) => [l.leaseId, l.leaseWaitMs])).toEqual([['WorkerTaskLeases-9', undefined], ['WorkerTaskLeases-1', 2000], ['WorkerTaskLeases-2', undefined]])
  })
})
