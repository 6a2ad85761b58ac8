// The compile cache (src/cli/startup/compile-cache.ts) in real Node processes: a module compiled
// through V8's cached data must behave exactly as a plain require, and the cache files must be
// private, keyed on the build, and never trusted when damaged or writable by others.
import {execFileSync, spawnSync} from 'node:child_process'
import {chmodSync, chownSync, existsSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {describe, expect, it} from 'vitest'
import {OTHER_BUILD_CACHE_MAX_AGE_MS} from '../../src/cli/startup/compile-cache.js'
import {tempDir} from '../helpers/temp.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
// The module from its TypeScript source, compiled as it loads (scripts/dev/register.js): no build needed.
const compiled = pathToFileURL(path.join(root, 'src/cli/startup/compile-cache.ts')).href
const typescriptHooks = pathToFileURL(path.join(root, 'scripts/dev/register.js')).href

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
  /** What the process wrote on stderr (warnings). */
  stderr: string
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
  // Bounded: a cache read that blocks (a FIFO) must fail the test, not hang it.
  const result = spawnSync(process.execPath, ['--import', typescriptHooks, '--input-type=module', '-e', script], {encoding: 'utf8', env: {PATH: process.env.PATH ?? '', ...opts.env}, timeout: 20_000, killSignal: 'SIGKILL'})
  expect(result.signal, 'the process hung and was killed').toBeNull()
  expect(result.status, result.stderr).toBe(0)
  return {...JSON.parse(result.stdout), stderr: result.stderr} as Loaded
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

  it('a cache file others may write is never read (it is code this process would run), and is replaced', () => {
    const {bundle} = fixture()
    const cacheRoot = tempDir('octoworkers-compile-cache')
    load(bundle, cacheRoot)
    const file = path.join(cacheRoot, 'compile-cache', cacheFiles(cacheRoot)[0])
    chmodSync(file, 0o666)
    expect(load(bundle, cacheRoot).outcome).toBe('written')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(load(bundle, cacheRoot).outcome).toBe('used')
  })

  /** A cache made by a first run, then `plant` does something to its file; the next run's result. */
  function afterPlanting(plant: (file: string, cacheDir: string) => void): {loaded: Loaded; file: string} {
    const {bundle} = fixture()
    const cacheRoot = tempDir('octoworkers-compile-cache')
    load(bundle, cacheRoot)
    const cacheDir = path.join(cacheRoot, 'compile-cache')
    const file = path.join(cacheDir, cacheFiles(cacheRoot)[0])
    plant(file, cacheDir)
    return {loaded: load(bundle, cacheRoot), file}
  }

  const warnings = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('Warning: not using the compile cache'))

  it('a cache file others may write is not read, with one warning; the bundle runs', () => {
    const {loaded} = afterPlanting((file) => chmodSync(file, 0o666))
    expect(loaded).toMatchObject({sum: 5, outcome: 'written'})
    expect(warnings(loaded.stderr)).toEqual([expect.stringMatching(/can be written by others \(mode 0666\)\.$/)])
  })

  it.skipIf(process.getuid?.() !== 0)('a cache file owned by another user is not read, with one warning', () => {
    const {loaded} = afterPlanting((file) => chownSync(file, 65534, 65534))
    expect(loaded).toMatchObject({sum: 5, outcome: 'written'})
    expect(warnings(loaded.stderr)).toEqual([expect.stringMatching(/is owned by another user \(uid 65534\)\.$/)])
  })

  it('a FIFO at the cache path does not hang the start: one warning, a plain compile', () => {
    const {loaded, file} = afterPlanting((file) => {
      rmSync(file)
      execFileSync('mkfifo', ['-m', '0600', file])
    })
    expect(loaded).toMatchObject({sum: 5})
    expect(warnings(loaded.stderr)).toEqual([`Warning: not using the compile cache: ${file} is a FIFO.`])
  })

  it('a symbolic link at the cache path is not followed: one warning', () => {
    const {loaded, file} = afterPlanting((file) => {
      const elsewhere = path.join(tempDir('octoworkers-elsewhere'), 'cache')
      writeFileSync(elsewhere, 'x', {mode: 0o600})
      rmSync(file)
      symlinkSync(elsewhere, file)
    })
    expect(loaded).toMatchObject({sum: 5})
    expect(warnings(loaded.stderr)).toEqual([`Warning: not using the compile cache: ${file} is a symbolic link.`])
  })

  it('a cache directory others may write (a shared XDG_CACHE_HOME) is neither read nor written: one warning', () => {
    const {bundle} = fixture()
    const cacheRoot = tempDir('octoworkers-compile-cache')
    load(bundle, cacheRoot)
    chmodSync(path.join(cacheRoot, 'compile-cache'), 0o777)
    const loaded = load(bundle, cacheRoot)
    expect(loaded).toMatchObject({sum: 5, outcome: 'written'})
    expect(warnings(loaded.stderr)).toEqual([expect.stringMatching(/the directory .*compile-cache can be written by others \(mode 0777\)\.$/)])
  })

  it('OCTOWORKERS_NO_COMPILE_CACHE=1 turns it off', () => {
    const {bundle} = fixture()
    const cacheRoot = tempDir('octoworkers-compile-cache')
    expect(load(bundle, cacheRoot, {env: {OCTOWORKERS_NO_COMPILE_CACHE: '1'}})).toMatchObject({sum: 5, outcome: 'off'})
    expect(cacheFiles(cacheRoot)).toEqual([])
  })
})

describe('the built CLI under a shared cache directory', () => {
  it('a FIFO planted at its compile-cache path: the command finishes, exit 0, with one warning', async () => {
    const {runCli} = await import('../helpers/cli.js')
    const cacheHome = tempDir('octoworkers-shared-cache')
    const first = await runCli(['--version'], {cacheHome, spawn: true, timeoutMs: 20_000})
    expect(first.exitCode, first.stderr).toBe(0)
    const dir = path.join(cacheHome, 'octoworkers', 'compile-cache')
    const [name] = readdirSync(dir).filter((n) => n.endsWith('.v8cache'))
    rmSync(path.join(dir, name))
    execFileSync('mkfifo', ['-m', '0600', path.join(dir, name)])
    const result = await runCli(['--version'], {cacheHome, spawn: true, timeoutMs: 20_000})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^octoworkers\/\d/)
    expect(result.stderr.trim()).toBe(`Warning: not using the compile cache: ${path.join(dir, name)} is a FIFO.`)
  })
})
