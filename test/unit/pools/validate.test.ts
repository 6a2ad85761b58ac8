import {describe, expect, it} from 'vitest'
import {rejectDuplicateInputs, validatePoolName} from '../../../src/app/pools/validate.js'
import {poolTypeFlag, poolTypeName} from '../../../src/domain/pools.js'

const usage = {exitCode: 2}

describe('validatePoolName', () => {
  it('trims and accepts up to 200 characters', () => {
    expect(validatePoolName('  Linux workers ')).toBe('Linux workers')
    expect(validatePoolName('x'.repeat(200))).toHaveLength(200)
  })
  it('rejects empty, blank and over-long names with exit 2', () => {
    expect(() => validatePoolName('')).toThrow(expect.objectContaining({...usage, message: 'Pool name must not be empty.'}))
    expect(() => validatePoolName('   ')).toThrow(expect.objectContaining(usage))
    expect(() => validatePoolName(undefined)).toThrow(expect.objectContaining(usage))
    expect(() => validatePoolName('x'.repeat(201))).toThrow(expect.objectContaining({...usage, message: expect.stringContaining('201 characters long; the limit is 200')}))
  })
  it('names the flag it checks', () => {
    expect(() => validatePoolName('', '--name')).toThrow('--name must not be empty.')
  })
})

describe('pool types', () => {
  it('maps flags to Octopus type names and back', () => {
    expect(poolTypeName('static')).toBe('StaticWorkerPool')
    expect(poolTypeName('dynamic')).toBe('DynamicWorkerPool')
    expect(poolTypeFlag('DynamicWorkerPool')).toBe('dynamic')
    expect(poolTypeFlag('StaticWorkerPool')).toBe('static')
  })
})

describe('rejectDuplicateInputs', () => {
  it('passes distinct inputs', () => {
    expect(() => rejectDuplicateInputs(['a', 'b', 'WorkerPools-1'], 'reorder')).not.toThrow()
  })
  it('rejects the same input twice, case-insensitively, naming it once', () => {
    expect(() => rejectDuplicateInputs(['Linux', 'b', 'linux', 'LINUX'], 'reorder')).toThrow(
      expect.objectContaining({...usage, message: "reorder: 'Linux' given more than once; name each pool once."}),
    )
  })
})
