import type {ExporterState} from '../../../src/app/metrics/registry.js'
import {runCheck} from '../../../src/domain/policy/engine.js'
import {floorFunction} from '../../../src/domain/floor.js'
import type {LeaseRecord} from '../../../src/domain/leases/types.js'
import {config, pool, snapshot, space, worker} from '../policy/fixtures.js'

/** A space with a pool at its floor, one below it, a dynamic pool and an empty default pool; two active leases. */
export function fixtureState(overrides: Partial<ExporterState> = {}): ExporterState {
  const linux = pool('Linux "workers"')
  const windows = pool('Windows workers')
  const dynamic = pool('Hosted Ubuntu', {WorkerPoolType: 'DynamicWorkerPool'})
  const def = pool('Default Worker Pool', {IsDefault: true})
  const a = worker('linux-a', [linux])
  const b = worker('linux-b', [linux], {HealthStatus: 'HasWarnings'})
  const c = worker('windows-a', [windows], {IsDisabled: true})
  const d = worker('windows-b', [windows], {HealthStatus: 'Unavailable'})
  const production = space('Production', [def, linux, windows, dynamic], [a, b, c, d])
  const snap = snapshot([production], {builtInWorkerEnabled: true})
  const policy = config()
  const held = (id: string, w: typeof a): LeaseRecord => ({LeaseId: id, WorkerId: w.Id, WorkerName: w.Name, WorkerPoolId: linux.Id, WorkerPoolName: linux.Name, TaskId: 'ServerTasks-9', TaskDescription: null, SpaceId: production.space.Id, Exclusive: false, TakenAt: '2026-01-01T10:00:00Z', Source: 'api'})
  return {
    reading: {snapshot: snap, check: runCheck(snap, policy), activeLeases: [held('WorkerTaskLeases-1', a), held('WorkerTaskLeases-2', a)]},
    poolTotals: [{SpaceId: production.space.Id, WorkerPoolId: linux.Id, WorkerPoolName: linux.Name, Granted: 7, Seconds: 12.5, MutexWaitSeconds: 4.25}],
    readSeconds: 0.25,
    lastSuccessAt: Date.parse('2026-01-01T10:00:00Z'),
    lastSnapshot: snap,
    intervalSeconds: 30,
    floorOf: floorFunction(undefined, policy),
    build: {version: '1.2.3', nodeVersion: '20.0.0'},
    ...overrides,
  }
}

