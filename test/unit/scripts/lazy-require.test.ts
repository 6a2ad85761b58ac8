// The stand-in the build puts in place of a dependency's require: it must give the requiring code
// the same module, and load it only when that code first uses it.
import {createRequire} from 'node:module'
import {describe, expect, it} from 'vitest'

type LazyRequire = (load: () => unknown, options?: {callable?: boolean; esModule?: unknown}) => any
const {lazyRequire} = createRequire(import.meta.url)('../../../scripts/bundle/lazy-require.cjs') as {lazyRequire: LazyRequire}

/** TypeScript's helper around `require()` of a default import, as @oclif/core's compiled files have it. */
const importDefault = (mod: any) => (mod && mod.__esModule ? mod : {default: mod})

function counted<T>(module: T) {
  const loads = {count: 0}
  return {loads, load: () => (loads.count++, module)}
}

describe('lazyRequire', () => {
  it('answers __esModule as the module does without loading it, so a default-import wrapper leaves it unloaded', () => {
    const {loads, load} = counted({satisfies: (version: string) => version === '20.0.0'})
    const wrapped = importDefault(lazyRequire(load, {esModule: undefined}))
    expect(loads.count).toBe(0)
    expect(wrapped.default.satisfies('20.0.0')).toBe(true)
    expect(loads.count).toBe(1)
  })

  it('gives a module that is an ES module interop object back as itself', () => {
    const {loads, load} = counted({__esModule: true, default: 'the default'})
    const wrapped = importDefault(lazyRequire(load, {esModule: true}))
    expect(loads.count).toBe(0)
    expect(wrapped.default).toBe('the default')
  })

  it('without esModule, reading __esModule loads the module (nothing is assumed)', () => {
    const {loads, load} = counted({})
    importDefault(lazyRequire(load))
    expect(loads.count).toBe(1)
  })

  it('a callable stand-in is a function, forwards calls with their arguments, and loads once', () => {
    const indent = Object.assign((text: string, count: number) => ' '.repeat(count) + text, {soft: 'soft'})
    const {loads, load} = counted(indent)
    const standIn = lazyRequire(load, {callable: true, esModule: undefined})
    expect(typeof standIn).toBe('function')
    expect(loads.count).toBe(0)
    expect(standIn('x', 2)).toBe('  x')
    expect(standIn.soft).toBe('soft')
    expect(Object.keys(standIn)).toEqual(['soft'])
    expect(loads.count).toBe(1)
  })

  it('after loading, __esModule comes from the module itself', () => {
    const {load} = counted({__esModule: true})
    const standIn = lazyRequire(load, {esModule: undefined})
    expect(standIn.anything).toBeUndefined()
    expect(standIn.__esModule).toBe(true)
  })
})
