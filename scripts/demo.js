#!/usr/bin/env node
// `npm run demo`: the main job against the embedded sandbox. Starts a sandbox with the demo
// estate on a free port, authenticates through OCTOPUS_URL/OCTOPUS_API_KEY with temporary config,
// data and cache directories (demo-env.js: the user's own profiles, keychain and caches stay
// untouched), runs the commands, stops it.
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import {fileURLToPath} from 'node:url'
import {demoEnv} from './demo-env.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = path.join(root, 'bin/run.js')
const scratch = mkdtempSync(path.join(tmpdir(), 'octoworkers-demo-'))

const baseEnv = demoEnv(process.env, scratch)

/**
 * Starts the sandbox and resolves once it is serving: its JSON line on stdout and its "Sandbox
 * running" note on stderr have both arrived, so that the notes print here, before the first step,
 * and not in the middle of a later command's output. Anything it writes later is kept and shown
 * after the last step.
 */
function startSandbox() {
  const child = spawn(process.execPath, [bin, 'sandbox', 'start', '--json', '--port', '0', '--seed', 'demo', '--data', path.join(scratch, 'sandbox.sqlite')], {
    env: baseEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const notes = []
  const later = []
  return new Promise((resolve, reject) => {
    let info
    let running = false
    const ready = () => {
      if (info && running) resolve({child, info, notes, later})
    }
    readline.createInterface({input: child.stdout}).once('line', (line) => {
      info = JSON.parse(line)
      ready()
    })
    readline.createInterface({input: child.stderr}).on('line', (line) => {
      if (running) return later.push(line)
      notes.push(line)
      if (line.startsWith('Sandbox running')) {
        running = true
        ready()
      }
    })
    child.once('exit', (code) => reject(new Error(`sandbox exited early (code ${code})${notes.length ? `: ${notes.join(' ')}` : ''}`)))
  })
}

let failures = 0

/** Runs one CLI command, echoing it like a terminal session. `expect` lists accepted exit codes. */
function step(title, args, {expect = [0], env = {}} = {}) {
  process.stdout.write(`\n# ${title}\n$ octoworkers ${args.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ')}\n`)
  const result = spawnSync(process.execPath, [bin, ...args], {env: {...sandboxEnv, ...env}, stdio: ['ignore', 'inherit', 'inherit']})
  if (!expect.includes(result.status ?? -1)) {
    failures++
    process.stdout.write(`!! exit ${result.status}, expected ${expect.join(' or ')}\n`)
  } else if (result.status !== 0) process.stdout.write(`(exit ${result.status}, as expected)\n`)
}

let sandboxEnv = baseEnv
const {child, info, notes: sandboxNotes, later: sandboxLater} = await startSandbox()
sandboxEnv = {...baseEnv, OCTOPUS_URL: info.Url, OCTOPUS_API_KEY: info.ApiKey}
process.stdout.write(`Sandbox (Octopus ${info.OctopusVersion}) at ${info.Url}\n${sandboxNotes.join('\n')}\n`)

try {
  step('Who am I, and where does the credential come from?', ['whoami'])

  step('Worker pools, in the server\'s sort order', ['pool', 'list'])
  step('Create a static pool for production API deployments in Denver', ['pool', 'create', 'p-api-denver', '--description', 'Production API deployments, Denver DC', '--if-not-exists'])
  step('Register a listening worker', ['worker', 'register', 'listening', 'p-api-denver-worker-01', '--pool', 'p-api-denver', '--url', 'https://p-api-denver-worker-01.example.test:10933/', '--thumbprint', 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678', '--if-not-exists'])
  step('Register a polling worker', ['worker', 'register', 'polling', 'p-api-denver-worker-02', '--pool', 'p-api-denver', '--subscription-id', 'p7kq2x9m4n1b8v3c6z5a', '--thumbprint', 'B1B2C3D4E5F60718293A4B5C6D7E8F9012345678', '--if-not-exists'])
  step('Register an SSH worker', ['worker', 'register', 'ssh', 'p-api-denver-worker-03', '--pool', 'p-api-denver', '--host', 'p-api-denver-worker-03.example.test', '--fingerprint', 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8', '--account', 'Staging SSH key', '--if-not-exists'])
  step('A typo in a pool name is an error that names close matches, and changes nothing', ['worker', 'register', 'listening', 'p-api-denver-worker-04', '--pool', 'p-api-denvr', '--url', 'https://p-api-denver-worker-04.example.test:10933/', '--thumbprint', 'C1B2C3D4E5F60718293A4B5C6D7E8F9012345678'], {expect: [4]})
  step('Move a worker into a second pool', ['worker', 'update', 'p-api-denver-worker-01', '--add-pool', 'Default Worker Pool'])
  step('Health-check the pool and wait for the result', ['worker', 'health', '--pool', 'p-api-denver', '--wait'])
  step('Disable one worker (the pool keeps its floor of 2; -y confirms, as every command that takes workers out of service asks)', ['worker', 'disable', 'p-api-denver-worker-02', '-y'])
  step('Workers in the pool', ['worker', 'list', '--pool', 'p-api-denver'])
  step('The pool in detail', ['pool', 'view', 'p-api-denver'])
  step('Which steps run on each pool: directly, through a worker pool variable, or as the default', ['pool', 'usage'])
  step('Where one pool is used: project, step, environments and execution container', ['pool', 'usage', 'Staging Linux Worker Pool'])
  step('Deleting a pool that steps use is refused (exit 5), naming them', ['pool', 'delete', 'Empty Windows Worker Pool', '--yes'], {expect: [5]})
  step('Put the new pool first in the portal\'s order', ['pool', 'reorder', 'p-api-denver'])

  const policy = path.join(scratch, '.octoworkers.yaml')
  step('Write a starter policy from Octopus\'s guidance (naming conventions, at least two workers per pool)', ['check', '--init', '--config', policy])
  step('Check every space against it (findings at or above --fail-on exit 1)', ['check', '--config', policy, '--all-spaces', '--fail-on', 'warning'], {expect: [1]})
  step('The same findings as GitHub Actions annotations, for CI', ['check', '--config', policy, '--format', 'github', '--fail-on', 'never'])
  step('Built-in worker status', ['builtin-worker', 'status'])
  step('Switching the built-in worker off is refused while a default pool has no worker', ['builtin-worker', 'disable', '--yes'], {expect: [5]})
  step('Give the Platform Team\'s default pool a worker', ['worker', 'register', 'listening', 'p-k8s-london-worker-03', '--space', 'Platform Team', '--pool', 'Default Worker Pool', '--url', 'https://p-k8s-london-worker-03.example.test:10933/', '--thumbprint', 'D1B2C3D4E5F60718293A4B5C6D7E8F9012345678', '--if-not-exists'])
  step('Health-check it', ['worker', 'health', 'p-k8s-london-worker-03', '--space', 'Platform Team', '--wait'])
  step('Now the built-in worker can be switched off safely', ['builtin-worker', 'disable', '--yes'])

  process.stdout.write('\n# Simulated deployments lease workers (in the background) while we follow the leases live\n')
  // The simulation's stdout and stderr (its progress) are kept, in the order they came, and shown
  // under its own command line once it is done, so that they do not interleave with the tail.
  const simulateArgs = ['sandbox', 'simulate', '--tasks', '30', '--concurrency', '6', '--duration-ms', '400-1200']
  const simulation = spawn(process.execPath, [bin, ...simulateArgs], {env: sandboxEnv, stdio: ['ignore', 'pipe', 'pipe']})
  const simulationOutput = []
  simulation.stdout.on('data', (d) => simulationOutput.push(d))
  simulation.stderr.on('data', (d) => simulationOutput.push(d))
  const simulationDone = new Promise((resolve) => simulation.once('close', resolve))
  step('Follow leases live for a few seconds', ['leases', 'tail', '--duration', '4', '--interval', '0.5'])
  const simulationCode = await simulationDone
  process.stdout.write(`\n$ octoworkers ${simulateArgs.join(' ')}\n${Buffer.concat(simulationOutput).toString('utf8')}`)
  if (simulationCode !== 0) {
    failures++
    process.stdout.write(`!! exit ${simulationCode}, expected 0\n`)
  }
  step('Active leases now', ['leases', 'list'])
  step('Lease report over the last hour', ['leases', 'report', '--since', '1h'])

  step('Draining two of the database pool\'s three available workers would leave it below its floor of 2: refused, nothing changed', ['worker', 'drain', 'p-db-omaha-worker-01', 'p-db-omaha-worker-02', '-y'], {expect: [5]})
  step('Drain one: disable it, then wait until no task holds a lease on it', ['worker', 'drain', 'p-db-omaha-worker-01', '-y'])
  step('Put it back in service', ['worker', 'enable', 'p-db-omaha-worker-01'])
  step('Upgrade the default pool\'s outdated Tentacles one at a time, never below 2 available workers', ['worker', 'upgrade', '--pool', 'Default Worker Pool', '--rolling', '--keep-healthy', '2', '-y'])
} finally {
  child.kill('SIGTERM')
  await new Promise((r) => child.once('close', r))
  if (sandboxLater.length) process.stdout.write(`\n# The sandbox's own notes\n${sandboxLater.join('\n')}\n`)
  rmSync(scratch, {recursive: true, force: true})
}

if (failures > 0) {
  process.stderr.write(`\nDemo finished with ${failures} unexpected result(s).\n`)
  process.exit(1)
}
process.stdout.write('\nDemo finished: every step behaved as expected.\n')
