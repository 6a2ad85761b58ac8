/**
 * Writes, once per test run, the commands module that the in-process CLI runs of every test file
 * hand to oclif (test/lazy-commands.ts), so that no test file imports every command to read their
 * metadata. Its path goes to the test workers in OCTOWORKERS_TEST_LAZY_COMMANDS (they are forked after the
 * global setups, with this process's environment); test/helpers/cli.ts reads it.
 *
 * Listed by each project that runs the CLI; the first to run writes it, the others find it.
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

/** Read by test/helpers/cli.ts. */
const LAZY_COMMANDS_MODULE = 'OCTOWORKERS_TEST_LAZY_COMMANDS'
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export default function writeLazyCommands(): (() => void) | undefined {
  if (process.env[LAZY_COMMANDS_MODULE]) return undefined
  const dir = mkdtempSync(path.join(tmpdir(), 'octoworkers-commands-'))
  const file = path.join(dir, 'commands.mjs')
  const run = spawnSync(process.execPath, ['--import', './scripts/dev/register.js', 'test/lazy-commands.ts', file], {cwd: root, encoding: 'utf8'})
  if (run.status !== 0) {
    rmSync(dir, {recursive: true, force: true})
    throw new Error(`The commands' metadata was not read (node test/lazy-commands.ts, exit ${run.status}):\n${run.stdout}${run.stderr}`)
  }
  process.env[LAZY_COMMANDS_MODULE] = file
  return () => {
    delete process.env[LAZY_COMMANDS_MODULE]
    rmSync(dir, {recursive: true, force: true})
  }
}
