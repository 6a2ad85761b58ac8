import {describe, expect, it} from 'vitest'
import {applyPoolChanges, asDefault, checkWorkerTypeForPool, requireSomeChange} from '../../../src/app/pools/update.js'
import {pool} from './fixtures.js'

const linux = pool('WorkerPools-2', 'Linux', {Description: 'old'})
const hosted = pool('WorkerPools-3', 'Hosted', {WorkerPoolType: 'DynamicWorkerPool', WorkerType: 'UbuntuDefault'})
const all = [pool('WorkerPools-1', 'Default Worker Pool', {IsDefault: true}), linux, hosted]

describe('requireSomeChange', () => {
  it('is exit 2 when no field is given', () => {
    expect(() => requireSomeChange({})).toThrow(expect.objectContaining({exitCode: 2, message: expect.stringContaining('Nothing to change')}))
    expect(() => requireSomeChange({description: ''})).not.toThrow()
  })
})

describe('applyPoolChanges', () => {
  it('changes only the given fields, keeps the rest of the document, and lists what differs', () => {
    const {updated, changed} = applyPoolChanges(linux, {name: 'Linux build', description: 'old'}, all)
    expect(updated).toEqual({...linux, Name: 'Linux build'})
    expect(changed).toEqual([{Field: 'Name', From: 'Linux', To: 'Linux build'}])
    expect(linux.Name).toBe('Linux')
  })
  it('reports no change when the values are already set', () => {
    expect(applyPoolChanges(linux, {name: 'Linux', description: 'old'}, all).changed).toEqual([])
  })
  it('allows a case-only rename of the same pool but refuses another pool\'s name (exit 1)', () => {
    expect(applyPoolChanges(linux, {name: 'LINUX'}, all).changed).toHaveLength(1)
    expect(() => applyPoolChanges(linux, {name: 'hosted'}, all)).toThrow(expect.objectContaining({exitCode: 1, message: expect.stringContaining('WorkerPools-3 already has that name')}))
  })
  it('changes the worker type of a dynamic pool, and refuses it on a static pool (exit 2)', () => {
    expect(applyPoolChanges(hosted, {workerType: 'Ubuntu2204'}, all).changed).toEqual([{Field: 'WorkerType', From: 'UbuntuDefault', To: 'Ubuntu2204'}])
    expect(() => checkWorkerTypeForPool(linux, 'Ubuntu2204')).toThrow(expect.objectContaining({exitCode: 2, message: "--worker-type applies only to dynamic pools; 'Linux' is a static pool."}))
  })
})

describe('asDefault', () => {
  it('sets IsDefault on a copy', () => {
    expect(asDefault(linux)).toEqual({...linux, IsDefault: true})
    expect(linux.IsDefault).toBe(false)
  })
})
