#!/usr/bin/env node
// `npm run bench`: speed and memory, measured in ONE run so ratios compare like with like.
// Wall times are medians of several runs, shown as a ratio to `node -e 0` measured in the same
// run; peak RSS comes from each child's own getrusage (bench/rss-probe.cjs); request counts come
// from the CLI's --debug lines. Nothing here asserts: it prints a table (and writes it to bench/results.md, not committed).
// Section 4d (bench/scale.js) sets `check` and `pool usage` beside floors of their own (the same
// requests, every body JSON.parsed) in wall and CPU time; BENCH_SCALE_LARGE=1 adds `check` at
// 25,000 / 50,000 / 100,000 workers (peak RSS against the JSON read; time per doubling), off by
// default as it takes about a minute more.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath} from 'node:url'
import {packAndInstall} from '../scripts/pack-install.js'
import {benchTable, cleanEnvIn, runOnceIn} from './harness.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const scratch = mkdtempSync(path.join(tmpdir(), 'octoworkers-bench-'))

/**
 * Measures what users run: the tarball `npm pack` makes (its prepack builds the bundle
 * and the oclif manifest), installed with `npm install -g` into a prefix of its own. BENCH_BIN
 * names an installed bin/run.js instead, to skip the pack and install while iterating.
 */
process.stderr.write('npm pack; npm install -g of the tarball...\n')
const installed = process.env.BENCH_BIN ? {runJs: path.resolve(process.env.BENCH_BIN)} : await packAndInstall(path.join(scratch, 'package'))
const bin = installed.runJs
const floor = path.join(root, 'bench/floor-whoami.js')
const RUNS = Number(process.env.BENCH_RUNS ?? 7)
const {row, markdown} = benchTable()

const {startSandbox} = await import(path.join(root, 'dist/sandbox/index.js'))

const cleanEnv = cleanEnvIn(scratch)
const runOnce = runOnceIn(scratch)

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/**
 * Interleaves the baseline and the command so that machine noise hits both alike. One untimed run
 * first: it writes the command's compile cache, as a user's first run does (the cold start has a
 * row of its own), so that the timed runs and their peak RSS are those of every later run.
 */
async function compare(label, args, env, {runs = RUNS, expectCode = [0]} = {}) {
  const base = []
  const cmd = []
  let rss = 0
  let last = await runOnce(process.execPath, [bin, ...args], env)
  if (!expectCode.includes(last.code)) throw new Error(`${label}: exit ${last.code}\n${last.stderr}`)
  for (let i = 0; i < runs; i++) {
    base.push((await runOnce(process.execPath, ['-e', '0'], env)).ms)
    last = await runOnce(process.execPath, [bin, ...args], env)
    if (!expectCode.includes(last.code)) throw new Error(`${label}: exit ${last.code}\n${last.stderr}`)
    cmd.push(last.ms)
    rss = Math.max(rss, last.rssMiB)
  }
  const requests = await countRequests(args, env, expectCode)
  return {label, ms: median(cmd), baseMs: median(base), ratio: median(cmd) / median(base), rssMiB: rss, requests, last}
}

/** HTTP requests one run makes, counted from --debug lines (`GET url -> 200 (n ms)`). */
async function countRequests(args, env, expectCode) {
  if (args[0] === '--version') return 0
  const result = await runOnce(process.execPath, [bin, ...args, '--debug'], env)
  if (!expectCode.includes(result.code)) throw new Error(`${args.join(' ')} --debug: exit ${result.code}\n${result.stderr}`)
  return result.stderr.split('\n').filter((l) => /\[debug\] [A-Z]+ \S+ -> /.test(l)).length
}


const fmtRatio = (r) => `${r.ratio.toFixed(2)}x (${r.ms.toFixed(0)} ms vs ${r.baseMs.toFixed(0)} ms)`
const fmtMiB = (x) => `${x.toFixed(0)} MiB`

async function timed(fn) {
  const started = performance.now()
  const value = await fn()
  return {value, ms: performance.now() - started}
}

async function api(sandbox, method, url, body) {
  const response = await fetch(sandbox.url + url, {method, headers: {'X-Octopus-ApiKey': sandbox.apiKey, 'Content-Type': 'application/json'}, body: body === undefined ? undefined : JSON.stringify(body)})
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`)
  return text ? JSON.parse(text) : undefined
}

// ---- 1. Startup, of the installed package ----------------------------------------------------
process.stderr.write('startup...\n')
if (installed.installMs) row('startup', '`npm pack` (with the bundle build); `npm install -g` of the tarball', `${(installed.packMs / 1000).toFixed(1)} s; ${(installed.installMs / 1000).toFixed(1)} s`)
{
  const small = await startSandbox({dataFile: path.join(scratch, 'small.sqlite'), seed: 'empty'})
  const env = cleanEnv({OCTOPUS_URL: small.url, OCTOPUS_API_KEY: small.apiKey})
  const version = await compare('--version', ['--version'], env)
  row('startup', '`octoworkers --version` / `node -e 0`', fmtRatio(version), '≤ 1.8x')
  row('startup', '`--version` peak RSS', fmtMiB(version.rssMiB))
  // The floor script and whoami, interleaved with the same `node -e 0` runs so their ratios compare.
  const base = []
  const floorMs = []
  const whoamiMs = []
  let whoamiRss = 0
  // Untimed: writes whoami's compile cache (see compare).
  await runOnce(process.execPath, [bin, 'whoami', '--json'], env)
  for (let i = 0; i < RUNS; i++) {
    base.push((await runOnce(process.execPath, ['-e', '0'], env)).ms)
    const f = await runOnce(process.execPath, [floor], env)
    if (f.code !== 0) throw new Error(`floor script: exit ${f.code}\n${f.stderr}`)
    floorMs.push(f.ms)
    const w = await runOnce(process.execPath, [bin, 'whoami', '--json'], env)
    if (w.code !== 0) throw new Error(`whoami: exit ${w.code}\n${w.stderr}`)
    whoamiMs.push(w.ms)
    whoamiRss = Math.max(whoamiRss, w.rssMiB)
  }
  const ratioOf = (xs) => ({ms: median(xs), baseMs: median(base), ratio: median(xs) / median(base)})
  const floorRun = ratioOf(floorMs)
  const whoami = {...ratioOf(whoamiMs), rssMiB: whoamiRss, requests: await countRequests(['whoami', '--json'], env, [0])}
  row('startup', 'floor: 20-line `node:http` script making whoami\'s 4 requests / `node -e 0`', fmtRatio(floorRun))
  row('startup', '`whoami --json` (local sandbox) / `node -e 0`', fmtRatio(whoami), '≤ 2.5x')
  row('startup', '`whoami --json` distance to the floor', `${(whoami.ms / floorRun.ms).toFixed(2)}x the floor's time (+${(whoami.ms - floorRun.ms).toFixed(0)} ms)`)
  row('startup', '`whoami --json` peak RSS; HTTP requests', `${fmtMiB(whoami.rssMiB)}; ${whoami.requests}`, '≤ 60 MiB')
  // Every row above runs with a warm compile cache (the first run of each command topic writes
  // it). A user's first run after an install, or a CI step on a fresh machine, has none: each run
  // here gets an empty cache directory of its own.
  const coldBase = []
  const coldMs = []
  let coldRss = 0
  for (let i = 0; i < RUNS; i++) {
    coldBase.push((await runOnce(process.execPath, ['-e', '0'], env)).ms)
    const cold = await runOnce(process.execPath, [bin, 'whoami', '--json'], {...env, XDG_CACHE_HOME: path.join(scratch, `cold-cache-${i}`)})
    if (cold.code !== 0) throw new Error(`whoami (cold cache): exit ${cold.code}\n${cold.stderr}`)
    coldMs.push(cold.ms)
    coldRss = Math.max(coldRss, cold.rssMiB)
  }
  row('startup', '`whoami --json`, no compile cache yet (first run after install: it compiles, then writes the cache) / `node -e 0`; peak RSS', `${fmtRatio({ms: median(coldMs), baseMs: median(coldBase), ratio: median(coldMs) / median(coldBase)})}; ${fmtMiB(coldRss)}`)
  await small.close()
}

// ---- 2. Sandbox at scale ---------------------------------------------------------------------
process.stderr.write('sandbox scale:10000...\n')
const scaleFile = path.join(scratch, 'scale.sqlite')
const seeding = await timed(() => startSandbox({dataFile: scaleFile, seed: 'scale:10000'}))
const big = seeding.value
row('sandbox', 'seed `scale:10000` (10,000 workers, 200 pools, 5 spaces)', `${(seeding.ms / 1000).toFixed(2)} s`, '< 20 s')
{
  const spaces = await api(big, 'GET', '/api/spaces/all')
  const counts = await Promise.all(spaces.map(async (s) => ({s, n: (await api(big, 'GET', `/api/${s.Id}/workers/all`)).length})))
  const target = counts.find((c) => c.n >= 2000) ?? counts[0]
  const lat = []
  for (let i = 0; i < 9; i++) lat.push((await timed(() => api(big, 'GET', `/api/${target.s.Id}/workers/all`))).ms)
  row('sandbox', `GET /api/${target.s.Id}/workers/all (${target.n} workers), median of 9`, `${median(lat).toFixed(0)} ms (max ${Math.max(...lat).toFixed(0)} ms)`, '< 300 ms')
}

// ---- 3. Workers and pools at scale -------------------------------------------------------------
process.stderr.write('worker/pool list at scale...\n')
const bigEnv = cleanEnv({OCTOPUS_URL: big.url, OCTOPUS_API_KEY: big.apiKey, OCTOPUS_SPACE: 'Spaces-1'})
{
  const workers = await compare('worker list', ['worker', 'list', '--json'], bigEnv, {runs: 5})
  const n = JSON.parse(workers.last.stdout).length
  row('workers', `\`worker list --json\` (${n} workers) / \`node -e 0\``, fmtRatio(workers), '≤ 3.0x')
  row('workers', '`worker list --json` peak RSS; HTTP requests', `${fmtMiB(workers.rssMiB)}; ${workers.requests}`, '≤ 5 requests')
  const pools = await compare('pool list', ['pool', 'list', '--json'], bigEnv, {runs: 5})
  const p = JSON.parse(pools.last.stdout).length
  row('pools', `\`pool list --json\` (${p} pools) / \`node -e 0\``, fmtRatio(pools))
  row('pools', '`pool list --json` peak RSS; HTTP requests', `${fmtMiB(pools.rssMiB)}; ${pools.requests}`, '≤ 5 requests')
}

// ---- 4. check at scale -------------------------------------------------------------------------
process.stderr.write('check at scale...\n')
{
  const check = await compare('check', ['check', '--all-spaces', '--json', '--fail-on', 'never'], bigEnv, {runs: 5})
  const spaces = (await api(big, 'GET', '/api/spaces/all')).length
  row('check', '`check --all-spaces --json` (10,000 workers) wall; / `node -e 0`', `${(check.ms / 1000).toFixed(2)} s; ${fmtRatio(check)}`, '≤ 0.45 s')
  row('check', '`check --all-spaces --json` peak RSS', fmtMiB(check.rssMiB), '< 250 MB')
  // The same check with the five usage/* rules off: it then reads no projects, processes or
  // variables (the reads the usage rules added after the 0.45 s target was set).
  const structuralConfig = path.join(scratch, 'structural-only.yaml')
  writeFileSync(structuralConfig, `severities:\n${['pool-without-workers', 'missing-variable-value', 'default-pool', 'unused-pool', 'no-execution-container'].map((r) => `  usage/${r}: off\n`).join('')}`)
  const structural = await compare('check (usage rules off)', ['check', '--all-spaces', '--json', '--fail-on', 'never', '--config', structuralConfig], bigEnv, {runs: 5})
  row('check', '`check --all-spaces --json`, usage/* rules off: wall; / `node -e 0`; HTTP requests', `${(structural.ms / 1000).toFixed(2)} s; ${fmtRatio(structural)}; ${structural.requests}`)
  const oneSpace = await countRequests(['check', '--json', '--fail-on', 'never'], bigEnv, [0])
  const perSpace = (check.requests - oneSpace) / (spaces - 1)
  row('check', `HTTP requests: all ${spaces} spaces; one space; so per extra space`, `${check.requests}; ${oneSpace}; ${perSpace}`, 'constant per space')
}

// ---- 4b. pool usage at scale ----------------------------------------------------------------------
process.stderr.write('pool usage at scale...\n')
{
  const usage = await compare('pool usage', ['pool', 'usage', '--all-spaces', '--json'], bigEnv, {runs: 3})
  const doc = JSON.parse(usage.last.stdout)
  const projects = new Set(doc.Usage.map((r) => r.ProjectId)).size
  const spaces = doc.Spaces.length
  row('usage', `\`pool usage --all-spaces --json\` (${projects} projects, ${doc.Usage.length} rows) wall; / \`node -e 0\``, `${(usage.ms / 1000).toFixed(2)} s; ${fmtRatio(usage)}`)
  row('usage', '`pool usage --all-spaces --json` peak RSS', fmtMiB(usage.rssMiB))
  const oneSpace = await countRequests(['pool', 'usage', '--json'], bigEnv, [0])
  // The same command on an estate with a tenth of the projects: the request count must not change.
  const small = await startSandbox({dataFile: path.join(scratch, 'usage-small.sqlite'), seed: 'scale:1000'})
  const smallRequests = await countRequests(['pool', 'usage', '--all-spaces', '--json'], cleanEnv({OCTOPUS_URL: small.url, OCTOPUS_API_KEY: small.apiKey}), [0])
  await small.close()
  row('usage', `HTTP requests: all ${spaces} spaces; one space; per extra space; all spaces with 100 projects instead of ${projects}`,
    `${usage.requests}; ${oneSpace}; ${(usage.requests - oneSpace) / (spaces - 1)}; ${smallRequests}`, 'constant in projects')
}

// ---- 4d. check and pool usage against their floors -------------------------------------------------
process.stderr.write('check and pool usage against their floors...\n')
await import('./scale.js').then((m) => m.benchScale({startSandbox, scratch, bin, cleanEnv, row, big})).catch((error) => {
  row('floor', 'floor benchmarks', `not run: ${error.message}`)
})

// ---- 4c. estate as code at scale --------------------------------------------------------------------
process.stderr.write('estate plan and apply at scale...\n')
await import('./estate.js').then((m) => m.benchEstate({startSandbox, scratch, bin, cleanEnv, runOnce, row, big})).catch((error) => {
  row('estate', 'estate benchmarks', `not run: ${error.message}`)
})

// ---- 5. Leases -----------------------------------------------------------------------------------
process.stderr.write('leases...\n')
{
  const sim = await api(big, 'POST', '/api/sandbox/simulations', {SpaceId: 'Spaces-1', Tasks: 1000, Concurrency: 50, MinDurationMs: 5, MaxDurationMs: 40, StepsPerTask: 1})
  let state
  for (;;) {
    state = await api(big, 'GET', `/api/sandbox/simulations/${sim.Id}`)
    if (state.State !== 'Executing' && state.State !== 'Running' && state.State !== 'Queued') break
    await new Promise((r) => setTimeout(r, 200))
  }
  row('leasing', '1,000 simulated leases at concurrency 50: grants to a least-leased worker; max spread of active leases in a pool', `${state.GrantsToLeastLeased} of ${state.LeasesGranted}; ${state.MaxLeaseSpread} (${state.TasksCompleted} tasks done, ${state.TasksFailed} failed)`, 'all; ≤ 1')
}
const leaseBench = await import('./leases.js').then((m) => m.benchLeases({startSandbox, scratch, bin, cleanEnv, compare, runOnce, row, api, timed, median})).catch((error) => {
  row('leases', 'lease benchmarks', `not run: ${error.message}`)
})
void leaseBench
process.stderr.write('metrics exporter...\n')
await import('./metrics.js').then((m) => m.benchMetrics({bin, cleanEnv, row, big})).catch((error) => {
  row('metrics', 'exporter benchmark', `not run: ${error.message}`)
})
await big.close()

// ---- 6. Hostile servers --------------------------------------------------------------------------
process.stderr.write('faults...\n')
await import('./faults.js').then((m) => m.benchFaults({root, scratch, startSandbox, cleanEnv, runOnce, bin, row})).catch((error) => {
  row('faults', 'fault benchmarks', `not run: ${error.message}`)
})

// ---- 7. Maintenance ------------------------------------------------------------------------------
process.stderr.write('maintenance...\n')
await import('./maintenance.js').then((m) => m.benchMaintenance({startSandbox, scratch, bin, cleanEnv, row, api})).catch((error) => {
  row('maintenance', 'rolling upgrade benchmark', `not run: ${error.message}`)
})

// ---- table -------------------------------------------------------------------------------------
const table = markdown()
process.stdout.write(`\noctoworkers bench — ${new Date().toISOString()} — node ${process.version}, ${RUNS} runs per startup ratio\n\n${table}\n`)
writeFileSync(path.join(root, 'bench/results.md'), table + '\n')
rmSync(scratch, {recursive: true, force: true})
