/**
 * V8's code cache for the bundle, so that a command does not compile the same 1.3 MB of
 * JavaScript on every run. Node 22.1+ has this built in (`module.enableCompileCache`), and it is
 * used there; Node 20 has no such switch, so the bundle's files are compiled here through
 * `vm.Script` with V8's cached data (what v8-compile-cache did for yarn and eslint). Much of a
 * short command's time is compiling, at start-up and then function by function: on this machine
 * the cache takes `whoami --json` from 261 ms to 230 ms and `--version` from 228 ms to 182 ms
 * (same run, medians of 15; `node -e 0` about 110 ms).
 *
 * - One cache per file and command topic (`worker`, `pool`, `check`...): the cache is written at
 *   the end of a run, so it holds the functions that run compiled, and topics compile different
 *   ones. The files are the bundle and the libraries built beside it (dist/bundle/vendor).
 * - A cache is used only by the bundle it was made from: its file name carries the bundle's
 *   content hash (made at build time), the Node version and the CPU architecture. V8 checks its
 *   own version and flags as well, and rejects a cache that does not fit; a rejected or
 *   unreadable cache is recompiled and rewritten. When a cache is written, those of other builds
 *   that are a day old are deleted, so upgrades do not pile them up.
 * - Private: the directory is 0700, the files 0600, and a cache is read only under the rules of
 *   src/config/private-file.ts (a regular file of this user's that no one else can write, in a
 *   directory likewise, opened without blocking): the cache is code the process runs. Anything
 *   else is one warning on stderr and a plain compile.
 * - Safe under concurrent runs: written to a temporary file and renamed into place.
 * - Never in the way: any other failure falls back to a plain compile, silently. It is off under
 *   `--debug` (bin/run.js), where stack traces need Node's own source-map support, and with
 *   `OCTOWORKERS_NO_COMPILE_CACHE=1`.
 */
import {accessSync, constants as fsConstants, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import Module, {createRequire} from 'node:module'
import path from 'node:path'
import vm from 'node:vm'
import {once, privateDirProblem, readPrivateFile} from '../../config/private-file.js'

export interface CompileCacheOptions {
  /** The files compiled through the cache: the bundle, and the libraries built beside it. */
  files: string[]
  /** The bundle's content hash: a cache made from another build is never used. */
  bundleId: string
  /** Which of the bundle's caches this run uses (see cacheSlot). */
  slot: string
  /** The directory of the caches, e.g. `$XDG_CACHE_HOME/octoworkers/compile-cache`. */
  dir: string
}

/** What happened to the bundle's compile, for tests and `OCTOWORKERS_DEBUG_COMPILE_CACHE`. */
export type CompileCacheOutcome = 'used' | 'written' | 'rejected' | 'builtin' | 'off'

/** Per file compiled through the cache (or 'builtin' for all under Node's own cache). */
const outcomes = new Map<string, CompileCacheOutcome>()
let builtin = false
/** What happened to a file's compile (by default the first of `files`: the bundle). */
export function compileCacheOutcome(file?: string): CompileCacheOutcome {
  if (builtin) return 'builtin'
  return (file === undefined ? outcomes.values().next().value : outcomes.get(path.resolve(file))) ?? 'off'
}

/** The cache slot of a command line: its first word when that is one of `slots` (the command topics), else `other`. */
export function cacheSlot(argv: string[], slots: readonly string[]): string {
  const word = argv.find((arg) => !arg.startsWith('-'))
  return word !== undefined && slots.includes(word) ? word : 'other'
}

const CACHE_EXTENSION = '.v8cache'

/** The cache of one file for one slot: `<slot>-<bundle id>-<file>-<node>-<arch>.v8cache`. */
export function cacheFileName(options: Pick<CompileCacheOptions, 'slot' | 'bundleId'>, file: string, runtime = {node: process.version, arch: process.arch}): string {
  return `${options.slot}-${options.bundleId}-${path.basename(file, path.extname(file))}-${runtime.node}-${runtime.arch}${CACHE_EXTENSION}`
}

/** A cache file is at most this big (the bundle's caches are about 1 MB). */
const MAX_CACHE_BYTES = 64 * 1024 * 1024

type Compile = (this: Module, content: string, filename: string) => unknown
interface ModuleInternals {
  prototype: {_compile: Compile}
  enableCompileCache?: (dir: string) => unknown
}

/**
 * Makes the loads of `options.files` (by require) go through the cache. Call it before the bundle
 * is required; other files compile as usual.
 */
export function enableCompileCache(options: CompileCacheOptions): void {
  const internals = Module as unknown as ModuleInternals
  if (typeof internals.enableCompileCache === 'function') {
    try {
      internals.enableCompileCache(path.join(options.dir, 'node'))
      builtin = true
    } catch {
      // No cache: a plain compile.
    }
    return
  }
  const targets = new Set(options.files.map((file) => path.resolve(file)))
  const originalCompile = internals.prototype._compile
  internals.prototype._compile = function compileThroughCache(content, filename) {
    if (!targets.has(filename) || outcomes.has(filename)) return originalCompile.call(this, content, filename)
    const cacheFile = path.join(options.dir, cacheFileName(options, filename))
    let script: vm.Script
    const cached = readCache(options.dir, cacheFile)
    try {
      script = new vm.Script(Module.wrap(content), {filename, cachedData: cached, importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER})
    } catch {
      return originalCompile.call(this, content, filename)
    }
    if (cached && !script.cachedDataRejected) outcomes.set(filename, 'used')
    else {
      outcomes.set(filename, cached ? 'rejected' : 'written')
      // At exit, so that the cache holds the functions this run compiled, not only the top level.
      process.once('exit', () => writeCache(options, cacheFile, script))
    }
    const wrapper = script.runInThisContext({displayErrors: true}) as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => unknown
    return wrapper.call(this.exports, this.exports, createRequire(filename), this, filename, path.dirname(filename))
  }
}

/** One warning a run, however many of the bundle's files meet the untrusted cache. */
const warnUntrusted = once((reason) => process.stderr.write(`Warning: not using the compile cache: ${reason}.\n`))

function readCache(dir: string, file: string): Buffer | undefined {
  const read = readPrivateFile(file, {dir, maxBytes: MAX_CACHE_BYTES})
  if (read.status === 'untrusted') warnUntrusted(read.reason)
  return read.status === 'read' ? read.data : undefined
}

function writeCache(options: CompileCacheOptions, file: string, script: vm.Script): void {
  const temporary = `${file}.${process.pid}.tmp`
  try {
    mkdirSync(options.dir, {recursive: true, mode: 0o700})
    // The directory must be ours and private, or the cache is not written (it would not be read).
    if (privateDirProblem(options.dir)) return
    // A read-only cache directory (some CI containers): do not serialize a cache that cannot be kept.
    accessSync(options.dir, fsConstants.W_OK)
    writeFileSync(temporary, script.createCachedData(), {mode: 0o600, flag: 'wx'})
    renameSync(temporary, file)
    removeOtherBuilds(options)
  } catch {
    rmSync(temporary, {force: true})
  }
}

/**
 * A cache of another build (or Node version, or architecture) is deleted once it is this old: by
 * then it is most likely a version upgraded from. Not at once, because two installs that are both
 * in use (a global one and a clone) would otherwise delete each other's caches on every run.
 */
export const OTHER_BUILD_CACHE_MAX_AGE_MS = 24 * 60 * 60 * 1000

/** Deletes the day-old caches of other builds, Node versions or architectures, and stale temporary files. */
function removeOtherBuilds(options: CompileCacheOptions): void {
  const build = `-${options.bundleId}-`
  const runtime = `-${process.version}-${process.arch}${CACHE_EXTENSION}`
  const now = Date.now()
  for (const name of readdirSync(options.dir)) {
    const ours = name.includes(build) && name.endsWith(runtime)
    if (ours || !(name.endsWith(CACHE_EXTENSION) || name.endsWith('.tmp'))) continue
    const file = path.join(options.dir, name)
    try {
      if (now - lstatSync(file).mtimeMs > OTHER_BUILD_CACHE_MAX_AGE_MS) rmSync(file, {force: true})
    } catch {
      // Gone already (another run pruned it).
    }
  }
}

/**
 * What bin/run.js calls before it requires the bundle: the cache for this command line, unless
 * `OCTOWORKERS_NO_COMPILE_CACHE=1`. With `OCTOWORKERS_DEBUG_COMPILE_CACHE=1` the outcome is
 * printed on stderr at exit.
 */
export function startCompileCache(input: {files: string[]; bundleId: string; slots: readonly string[]; argv: string[]; env: NodeJS.ProcessEnv; cacheRoot: string}): void {
  if (input.env.OCTOWORKERS_NO_COMPILE_CACHE === '1') return
  const options = {files: input.files, bundleId: input.bundleId, slot: cacheSlot(input.argv, input.slots), dir: path.join(input.cacheRoot, 'compile-cache')}
  if (input.env.OCTOWORKERS_DEBUG_COMPILE_CACHE === '1') {
    process.once('exit', () => {
      // Only the files this run loaded.
      for (const file of options.files) {
        if (builtin || outcomes.has(path.resolve(file))) process.stderr.write(`compile cache: ${compileCacheOutcome(file)} (${builtin ? path.join(options.dir, 'node') : path.join(options.dir, cacheFileName(options, file))})\n`)
      }
    })
  }
  enableCompileCache(options)
}
