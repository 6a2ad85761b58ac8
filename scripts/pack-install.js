// Packs the repository as npm would publish it (`npm pack`: prepack builds the bundle and the
// oclif manifest) and installs the tarball the way a user does (`npm install -g`), into a prefix
// of its own. Used by `npm run bench` and the smoke tests (test/smoke), which measure and run what
// users get, not the repository.
import {execFile} from 'node:child_process'
import {mkdirSync, realpathSync} from 'node:fs'
import path from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

const run = promisify(execFile)
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

/**
 * @param {string} scratch an empty directory for the tarball and the prefix
 * @returns {Promise<{tarball: string, prefix: string, bin: string, runJs: string, packMs: number, installMs: number}>}
 */
export async function packAndInstall(scratch) {
  mkdirSync(scratch, {recursive: true})
  const packStarted = performance.now()
  const {stdout} = await run(npm, ['pack', '--json', '--pack-destination', scratch], {cwd: root, maxBuffer: 64 * 1024 * 1024})
  const [{filename}] = JSON.parse(stdout.slice(stdout.indexOf('[')))
  const tarball = path.join(scratch, filename)
  const packMs = performance.now() - packStarted

  const prefix = path.join(scratch, 'prefix')
  const installStarted = performance.now()
  // --ignore-scripts: better-sqlite3's install script would compile SQLite (minutes of CPU) for
  // `sandbox start`, which the bench and the smoke tests do not run from the installed package
  // (they start the sandbox from the repository); every other command works without it.
  const install = (mode) => run(npm, ['install', '--global', '--prefix', prefix, tarball, mode, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {cwd: scratch, maxBuffer: 64 * 1024 * 1024})
  try {
    // Everything the package needs is usually in npm's cache already (the repository's own install).
    await install('--offline')
  } catch {
    await install('--prefer-offline')
  }
  const installMs = performance.now() - installStarted
  const bin = path.join(prefix, process.platform === 'win32' ? 'octoworkers.cmd' : 'bin/octoworkers')
  return {tarball, prefix, bin, runJs: realpathSync(path.join(prefix, 'lib/node_modules/octoworkers/bin/run.js')), packMs, installMs}
}
