import {describe, expect, it} from 'vitest'
import {cacheFileName, cacheSlot} from '../../../src/cli/startup/compile-cache.js'

describe('cacheSlot', () => {
  const slots = ['check', 'pool', 'whoami', 'worker']
  it('is the command line\'s first word when it is a command topic', () => {
    expect(cacheSlot(['worker', 'list', '--json'], slots)).toBe('worker')
    expect(cacheSlot(['--json', 'check'], slots)).toBe('check')
  })
  it('is "other" for anything else, so that typos cannot make new cache files', () => {
    expect(cacheSlot(['--version'], slots)).toBe('other')
    expect(cacheSlot([], slots)).toBe('other')
    expect(cacheSlot(['wrker', 'list'], slots)).toBe('other')
    expect(cacheSlot(['../../etc'], slots)).toBe('other')
  })
})

describe('cacheFileName', () => {
  it('names the slot, the build, the file, the Node version and the architecture', () => {
    expect(cacheFileName({slot: 'pool', bundleId: 'abc123'}, '/opt/octoworkers/dist/bundle/cli.cjs', {node: 'v20.20.2', arch: 'x64'})).toBe('pool-abc123-cli-v20.20.2-x64.v8cache')
  })
})
