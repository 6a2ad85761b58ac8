/**
 * Builds the bundle users run, dist/bundle (bin/run.js), once per test run, in about a second
 * (esbuild; no type check), so that `npm test` on a fresh clone needs no build step before it.
 * Commands run in-process from the TypeScript sources; the runs that need a process of their own
 * (signals, a long-running sandbox, prompts under a terminal, two processes racing) and the smoke
 * tier spawn this bundle: a process of it starts in about 0.1 s, where the sources compiled as
 * they load (bin/dev.mjs) take about 0.6 s, and the races start dozens of them.
 *
 * Listed by each project that spawns the CLI; the first to run builds, the others find it built.
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
/** Set in this (the main vitest) process once the bundle is built: global setups run in it, in turn. */
const BUILT = 'OCTOWORKERS_TEST_BUNDLE_BUILT'

/** The compile caches the spawned runs share (test/helpers/cli.ts), made beside the build, for this run only. */
const SHARED_COMPILE_CACHE = 'OCTOWORKERS_TEST_COMPILE_CACHE'

export default function buildBundle(): (() => void) | undefined {
  if (process.env[BUILT] === '1') return undefined
  const build = spawnSync(process.execPath, [path.join(root, 'scripts/build-bundle.js')], {cwd: root, encoding: 'utf8'})
  if (build.status !== 0) throw new Error(`The bundle did not build (node scripts/build-bundle.js, exit ${build.status}):\n${build.stdout}${build.stderr}`)
  process.env[BUILT] = '1'
  const sharedCompileCache = mkdtempSync(path.join(tmpdir(), 'octoworkers-compile-cache-'))
  process.env[SHARED_COMPILE_CACHE] = sharedCompileCache
  return () => {
    delete process.env[SHARED_COMPILE_CACHE]
    rmSync(sharedCompileCache, {recursive: true, force: true})
  }
}
