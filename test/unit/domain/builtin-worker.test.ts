/**
 * The built-in worker rules, case by case, each with the Octopus statement it rests on. Sources
 * (OctopusDeploy/docs, src/pages/docs/..., published at https://octopus.com/docs/...):
 * - [POOLS] infrastructure/workers/worker-pools.md, "How the worker is selected";
 * - [BUILTIN] infrastructure/workers/built-in-worker.md, "Switching off the built-in worker";
 * - [CLOUD] getting-started/best-practices/worker-configuration.md, "Provided workers";
 * - [API] the REST API's WorkerPoolResource.IsDefault description
 *   ("The default pool, if empty, uses the builtin worker to run steps").
 */
import {describe, expect, it} from 'vitest'
import {failsForLackOfWorker, fallsBackToBuiltinWorker, lacksOwnWorker, runsOnBuiltinWorker} from '../../../src/domain/builtin-worker.js'

const defaultStatic = {IsDefault: true, WorkerPoolType: 'StaticWorkerPool'}
/** A server older than dynamic pools omits WorkerPoolType: static. */
const defaultUntyped: {IsDefault: boolean; WorkerPoolType?: string} = {IsDefault: true}
const otherStatic = {IsDefault: false, WorkerPoolType: 'StaticWorkerPool'}
/** Octopus Cloud's default pool is a dynamic one [CLOUD]. */
const defaultDynamic = {IsDefault: true, WorkerPoolType: 'DynamicWorkerPool'}
const otherDynamic = {IsDefault: false, WorkerPoolType: 'DynamicWorkerPool'}

describe('fallsBackToBuiltinWorker', () => {
  it('an empty default static pool hands its steps to the built-in worker [POOLS: "if the step resolves to the default pool, but there are no workers in the default pool"; API]', () => {
    expect(fallsBackToBuiltinWorker(defaultStatic, 0)).toBe(true)
    expect(fallsBackToBuiltinWorker(defaultUntyped, 0)).toBe(true)
  })

  it('a default pool with any worker registered does not, even when none is healthy or enabled [POOLS: "if there are unhealthy workers in the pool, the built-in worker will not run. It will only run if there are no workers in the pool"]', () => {
    expect(fallsBackToBuiltinWorker(defaultStatic, 1)).toBe(false)
    expect(fallsBackToBuiltinWorker(defaultStatic, 3)).toBe(false)
  })

  it('an empty pool that is not the default never does [POOLS: only a step that "resolves to the default pool"]', () => {
    expect(fallsBackToBuiltinWorker(otherStatic, 0)).toBe(false)
  })

  it('a dynamic pool never does: it holds no registered workers, Octopus leases it a VM [infrastructure/workers/dynamic-worker-pools.md]', () => {
    expect(fallsBackToBuiltinWorker(defaultDynamic, 0)).toBe(false)
    expect(fallsBackToBuiltinWorker(otherDynamic, 0)).toBe(false)
  })
})

describe('runsOnBuiltinWorker', () => {
  it('runs the steps of an empty default pool only while the feature is on [BUILTIN: switched off, "the Octopus Server does not invoke Calamari locally"]', () => {
    expect(runsOnBuiltinWorker(defaultStatic, 0, true)).toBe(true)
    expect(runsOnBuiltinWorker(defaultStatic, 0, false)).toBe(false)
  })

  it('stops when a worker is added to the default pool and comes back when the last is removed [BUILTIN: "unless it is switched off, Octopus will revert to using the built-in worker if all workers are later removed"]', () => {
    expect(runsOnBuiltinWorker(defaultStatic, 1, true)).toBe(false)
    expect(runsOnBuiltinWorker(defaultStatic, 0, true)).toBe(true)
  })

  it('never runs steps of another pool, nor of a dynamic one, whatever the switch says', () => {
    expect(runsOnBuiltinWorker(otherStatic, 0, true)).toBe(false)
    expect(runsOnBuiltinWorker(otherDynamic, 0, true)).toBe(false)
  })

  it('on Octopus Cloud runs nothing, whichever way its features document reads (not confirmed): the switch off, or a dynamic default pool [CLOUD: "the built-in worker is disabled on Octopus Cloud"]', () => {
    expect(runsOnBuiltinWorker(defaultDynamic, 0, false)).toBe(false)
    expect(runsOnBuiltinWorker(defaultDynamic, 0, true)).toBe(false)
  })
})

describe('lacksOwnWorker', () => {
  it('a static pool with no available worker has none of its own [POOLS: Octopus selects "a healthy worker from the selected pool"]', () => {
    expect(lacksOwnWorker(defaultStatic, 0)).toBe(true)
    expect(lacksOwnWorker(otherStatic, 0)).toBe(true)
    expect(lacksOwnWorker(defaultUntyped, 0)).toBe(true)
  })

  it('a static pool with an available worker, or any dynamic pool, has one', () => {
    expect(lacksOwnWorker(otherStatic, 1)).toBe(false)
    expect(lacksOwnWorker(defaultDynamic, 0)).toBe(false)
  })
})

describe('failsForLackOfWorker [POOLS: "The step will fail for lack of a worker if ..."]', () => {
  it('not for an empty default pool while the built-in worker is on: it runs the steps', () => {
    expect(failsForLackOfWorker(defaultStatic, {registered: 0, available: 0}, true)).toBe(false)
  })

  it('for an empty default pool once it is off ["The step resolves to the built-in worker but it has been disabled"]', () => {
    expect(failsForLackOfWorker(defaultStatic, {registered: 0, available: 0}, false)).toBe(true)
  })

  it('for a default pool whose workers are all unhealthy or disabled, even with the built-in worker on ["There are no healthy workers in the pool"; unhealthy workers block the fallback]', () => {
    expect(failsForLackOfWorker(defaultStatic, {registered: 2, available: 0}, true)).toBe(true)
  })

  it('for any other pool with no available worker, whatever the switch', () => {
    expect(failsForLackOfWorker(otherStatic, {registered: 0, available: 0}, true)).toBe(true)
    expect(failsForLackOfWorker(otherStatic, {registered: 3, available: 0}, false)).toBe(true)
  })

  it('not when the pool has an available worker, nor for a dynamic pool', () => {
    expect(failsForLackOfWorker(otherStatic, {registered: 3, available: 1}, false)).toBe(false)
    expect(failsForLackOfWorker(defaultStatic, {registered: 1, available: 1}, false)).toBe(false)
    expect(failsForLackOfWorker(defaultDynamic, {registered: 0, available: 0}, false)).toBe(false)
  })
})
