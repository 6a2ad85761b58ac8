import {describe, expect, it} from 'vitest'
import {flattenActivityLogs, leasesFromLog, parseLeaseLine, parseReleaseLine} from '../../../src/lib/leases/parse.js'

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

describe('parseReleaseLine', () => {
  it('reads a release line with and without pool and lease ID', () => {
    expect(parseReleaseLine('Released worker w 1 back to pool Linux Pool (lease WorkerTaskLeases-5).')).toEqual({worker: 'w 1', poolName: 'Linux Pool', leaseId: 'WorkerTaskLeases-5'})
    expect(parseReleaseLine('Released worker w1')).toEqual({worker: 'w1', poolName: undefined, leaseId: undefined})
    expect(parseReleaseLine('Released worker w1 (lease WorkerTaskLeases-5)')).toMatchObject({worker: 'w1', leaseId: 'WorkerTaskLeases-5'})
  })

  it('does not treat a failed release as a release', () => {
    expect(parseReleaseLine('Unable to release worker Workers-1 from lease WorkerTaskLeases-123.  Continuing anyway.  The lease will eventually be cleared by the system.')).toBeUndefined()
  })
})

describe('leasesFromLog', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString()

  it('pairs release lines with their leases by ID, else by worker', () => {
    const leases = leasesFromLog('ServerTasks-9', [
      {occurredAt: at(1), text: 'Leased worker a from pool P (lease WorkerTaskLeases-1)'},
      {occurredAt: at(2), text: 'Leased worker b from pool P'},
      {occurredAt: at(3), text: 'Released worker a (lease WorkerTaskLeases-1)'},
      {occurredAt: at(4), text: 'Released worker B'},
    ])
    expect(leases).toEqual([
      {key: 'WorkerTaskLeases-1', leaseId: 'WorkerTaskLeases-1', workerName: 'a', poolName: 'P', exclusive: false, takenAt: at(1), releasedAt: at(3)},
      {key: 'ServerTasks-9/2', leaseId: undefined, workerName: 'b', poolName: 'P', exclusive: false, takenAt: at(2), releasedAt: at(4)},
    ])
  })

  it('leaves leases open when no release line is logged', () => {
    const leases = leasesFromLog('ServerTasks-1', [{occurredAt: at(1), text: 'Leased worker a from pool P'}])
    expect(leases[0].releasedAt).toBeUndefined()
  })
})

describe('flattenActivityLogs', () => {
  it('walks nested activities and orders lines by time', () => {
    const lines = flattenActivityLogs([
      {LogElements: [{OccurredAt: '2026-01-01T00:00:03Z', MessageText: 'c'}], Children: [
        {LogElements: [{OccurredAt: '2026-01-01T00:00:01Z', MessageText: 'a'}], Children: [{LogElements: [{OccurredAt: '2026-01-01T00:00:02Z', MessageText: 'b'}]}]},
      ]},
    ])
    expect(lines.map((l) => l.text)).toEqual(['a', 'b', 'c'])
  })
})
