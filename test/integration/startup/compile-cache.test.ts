// The compile cache (src/lib/startup/compile-cache.ts) in real Node processes: a module compiled
// through V8's cached data must behave exactly as a plain require, and the cache files must be
// private, keyed on the build, and never trusted when damaged or writable by others.
import {spawnSync} from 'node:child_process'
import {chmodSync, existsSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {describe, expect, it} from 'vitest'
import {OTHER_BUILD_CACHE_MAX_AGE_MS} from '../../../src/lib/startup/compile-cache.js'
import {tempDir} from '../../helpers/temp.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const compiled = pathToFileURL(path.join(root, 'dist/lib/startup/compile-cache.js')).href

/** A module tree to load: the "bundle" and a file it requires. */
function fixture(): {dir: string; bundle: string} {
  const dir = tempDir('octoworkers-compile-cache-app')
  writeFileSync(path.join(dir, 'helper.cjs'), 'module.exports = "helper"\n')
  const bundle = path.join(dir, 'bundle.cjs')
  writeFileSync(bundle, [
    'exports.sum = (a, b) => a + b',
    'exports.file = __filename',
    'exports.dir = __dirname',
    "exports.helper = require('./helper.cjs')",
    "exports.resolved = require.resolve('./helper.cjs')",
    'exports.self = module.exports === exports && require.cache[__filename] === module',
    "exports.stack = () => new Error('where').stack.split('\\n')[1]",
  ].join('\n'))
  return {dir, bundle}
}

interface Loaded {
  sum: number
  file: string
  dir: string
  helper: string
  resolved: string
  self: boolean
  stack: string
  outcome: string
}

/** Loads the bundle in a new Node process with the cache enabled; returns what the module gave. */
function load(bundle: string, cacheRoot: string, opts: {bundleId?: string; env?: Record<string, string>} = {}): Loaded {
  const script = `
    import {createRequire} from 'node:module'
    import {compileCacheOutcome, startCompileCache} from ${JSON.stringify(compiled)}
    startCompileCache({files: [${JSON.stringify(bundle)}], bundleId: ${JSON.stringify(opts.bundleId ?? 'build1')}, slots: ['worker'], argv: ['worker', 'list'], env: process.env, cacheRoot: ${JSON.stringify(cacheRoot)}})
    const m = createRequire(import.meta.url)(${JSON.stringify(bundle)})
    console.log(JSON.stringify({...m, sum: m.sum(2, 3), stack: m.stack(), outcome: compileCacheOutcome()}))
  `
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {encoding: 'utf8', env: {PATH: process.env.PATH ?? '', ...opts.env}})
  expect(result.status, result.stderr).toBe(0)
  return JSON.parse(result.stdout) as Loaded
}

const cacheFiles = (cacheRoot: string) => {
  const dir = path.join(cacheRoot, 'compile-cache')
  return existsSync(dir) ? readdirSync(dir).sort() : []
}

describe('the compile cache', () => {
  it('compiles the bundle as require would, writes a private cache on the first run and uses it on the next', () => {
    const {dir, bundle} = fixture()
    const cacheRoot = tempDir('octoworkers-compile-cache')
    const first = load(bundle, cacheRoot)
    expect(first).toMatchObject({sum: 5, file: bundle, dir, helper: 'helper', resolved: path.join(dir, 'helper.cjs'), self: true, outcome: 'written'})
    // Errors still name the bundle's own file and line.
    expect(first.stack).toContain(`${bundle}:7`)
    const files = cacheFiles(cacheRoot)
    expect(files).toEqual([`worker-build1-bundle-${process.version}-${process.arch}.v8cache`])
    expect(statSync(path.join(cacheRoot, 'compile-cache')).mode & 0o777).toBe(0o700)
    expect(statSync(path.join(cacheRoot, 'compile-cache', files[0])).mode & 0o777).toBe(0o600)
    expect(load(bundle, cacheRoot)).toMatchObject({sum: 5, helper: 'helper', self: true, outcome: 'used'})
  })

  it('a damaged cache is rejected, the bundle still runs, and the cache is rewritten', () => {
    const {bundle} = fixture()
    const cacheRoot = tempDir('octoworkers-compile-cache')
    load(bundle, cacheRoot)
    const file = path.join(cacheRoot, 'compile-cache', cacheFiles(cacheRoot)[0])
    writeFileSync(file, Buffer.from('not a V8 code cache at all, just bytes'), {mode: 0o600})
    expect(load(bundle, cacheRoot)).toMatchObject({sum: 5, outcome: 'rejected'})
    expect(load(bundle, cacheRoot).outcome).toBe('used')
  })

  it('another build never uses this build\'s cache; writing its own removes the other\'s once it is a day old', () => {
    const {bundle} = fixture()
    const cacheRoot = tempDir('octoworkers-compile-cache')
    load(bundle, cacheRoot, {bundleId: 'build1'})
    const build1 = `worker-build1-bundle-${process.version}-${process.arch}.v8cache`
    const build2 = `worker-build2-bundle-${process.version}-${process.arch}.v8cache`
    // Two installs in use at once keep their caches...
    expect(load(bundle, cacheRoot, {bundleId: 'build2'}).outcome).toBe('written')
    expect(cacheFiles(cacheRoot)).toEqual([build1, build2])
    expect(load(bundle, cacheRoot, {bundleId: 'build1'}).outcome).toBe('used')
    // ...and the one upgraded from goes once it has not been written for a day.
    const dayAndABitAgo = new Date(Date.now() - OTHER_BUILD_CACHE_MAX_AGE_MS - 60_000)
    utimesSync(path.join(cacheRoot, 'compile-cache', build1), dayAndABitAgo, dayAndABitAgo)
    rmSync(path.join(cacheRoot, 'compile-cache', build2))
    expect(load(bundle, cacheRoot, {bundleId: 'build2'}).outcome).toBe('written')
    expect(cacheFiles(cacheRoot)).toEqual([build2])
  })

  it('a cache file others may write is never read (it is code this process would run)', () => {
    const {bundle} = fixture()
    const cacheRoot = tempDir('octoworkers-compile-cache')
    load(bundle, cacheRoot)
    const file = path.join(cacheRoot, 'compile-cache', cacheFiles(cacheRoot)[0])
    chmodSync(file, 0o666)
    expect(load(bundle, cacheRoot).outcome).toBe('written')
    expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('OCTOWORKERS_NO_COMPILE_CACHE=1 turns it off', () => {
    const {bundle} = fixture()
    const cacheRoot = tempDir('octoworkers-compile-cache')
    expect(load(bundle, cacheRoot, {env: {OCTOWORKERS_NO_COMPILE_CACHE: '1'}})).toMatchObject({sum: 5, outcome: 'off'})
    expect(cacheFiles(cacheRoot)).toEqual([])
  })
})
