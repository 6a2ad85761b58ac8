import {describe, expect, it} from 'vitest'
import {CliError} from '../../../src/text/errors.js'
import {resolveLeaseFilter} from '../../../src/app/leases/filter.js'
import type {WorkerPoolResource, WorkerResource} from '../../../src/octopus/types.js'

const named = <T>(Id: string, Name: string) => ({Id, Name}) as T
const defaultSpace = {
  allPools: [named<WorkerPoolResource>('WorkerPools-1', 'Default Worker Pool'), named<WorkerPoolResource>('WorkerPools-2', 'Linux Pool')],
  allWorkers: [named<WorkerResource>('Workers-1', 'linux-01'), named<WorkerResource>('Workers-2', 'linux-02')],
}
const teamSpace = {
  allPools: [named<WorkerPoolResource>('WorkerPools-8', 'Default Worker Pool')],
  allWorkers: [named<WorkerResource>('Workers-9', 'LINUX-01')],
}

function thrown(fn: () => unknown): CliError {
  try {
    fn()
  } catch (error) {
    return error as CliError
  }
  throw new Error('expected an error')
}

describe('resolveLeaseFilter', () => {
  it('no --pool or --worker: an empty filter', () => {
    expect(resolveLeaseFilter([defaultSpace])).toEqual({})
  })

  it('keeps IDs and lower-case names of every match, in every space', () => {
    expect(resolveLeaseFilter([defaultSpace, teamSpace], ['default worker pool'], ['Linux-01', 'Workers-2'])).toEqual({
      poolIds: new Set(['WorkerPools-1', 'WorkerPools-8']),
      poolNames: new Set(['default worker pool']),
      workerIds: new Set(['Workers-1', 'Workers-9', 'Workers-2']),
      workerNames: new Set(['linux-01', 'linux-02']),
    })
  })

  it('an unknown name is exit 4 with close matches, in one space and across spaces', () => {
    const one = thrown(() => resolveLeaseFilter([defaultSpace], ['Linux Pol']))
    expect(one.exitCode).toBe(4)
    expect(one.message).toContain('Linux Pool')
    const all = thrown(() => resolveLeaseFilter([defaultSpace, teamSpace], [], ['linux-03']))
    expect(all.exitCode).toBe(4)
    expect(all.message).toBe("No worker 'linux-03' in any space. Did you mean: linux-01, LINUX-01, linux-02?")
  })
})
