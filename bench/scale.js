// Scale against a floor, called by bench/run.js (section 4d), or alone:
//   BENCH_BIN=path/to/bin/run.js node bench/scale.js   (default: this checkout's bin/run.js)
// Rows:
// - `check --all-spaces --json` and `pool usage --all-spaces --json` on `scale:10000`, each beside
//   its floor (bench/floor-check.js, bench/floor-pool-usage.js: the same requests with the same
//   concurrency, every body JSON.parsed, nothing else), interleaved run by run; medians of wall and
//   of CPU time (user + system), each as a ratio to the floor's. The sandbox serves both alike.
// - With BENCH_SCALE_LARGE=1 (off by default: about a minute): `check --all-spaces --json` at
//   25,000, 50,000 and 100,000 workers: peak RSS beside the bytes of JSON it reads (the floor's
//   count), and wall and CPU time per doubling.
// BENCH_RUNS sets the runs per row (default 7 here; 3 for the large rows).
import {spawn} from 'node:child_process'
import {readFileSync, rmSync} from 'node:fs'
import path from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath} from 'node:url'
import {isMain, runAlone} from './harness.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const probe = path.join(root, 'bench/rusage-probe.cjs')
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const MiB = 1024 * 1024

function makeRunner(scratch) {
  return (args, env) => new Promise((resolve, reject) => {
    const file = path.join(scratch, `rusage-${Math.random().toString(36).slice(2)}`)
    const started = performance.now()
    const child = spawn(process.execPath, args, {env: {...env, NODE_OPTIONS: `--require=${probe}`, OCTOWORKERS_BENCH_RUSAGE_FILE: file}, stdio: ['ignore', 'pipe', 'pipe']})
    const out = []
    let stderr = ''
    child.stdout.on('data', (d) => out.push(d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => {
      const ms = performance.now() - started
      let usage = {maxRSS: NaN, user: NaN, system: NaN}
      try {
        usage = JSON.parse(readFileSync(file, 'utf8'))
        rmSync(file)
      } catch {
        // No numbers: NaN in the table.
      }
      resolve({ms, cpuMs: (usage.user + usage.system) / 1000, rssMiB: usage.maxRSS / 1024, code, stdout: Buffer.concat(out).toString('utf8'), stderr})
    })
  })
}

/** The command and its floor, interleaved `runs` times after one untimed run of each (compile cache, sandbox caches). */
async function againstFloor(run, {bin, args, floor, env, runs}) {
  const must = async (argv) => {
    const result = await run(argv, env)
    if (result.code !== 0) throw new Error(`${argv.map((a) => path.basename(a)).join(' ')}: exit ${result.code}: ${result.stderr.trim().split('\n').slice(0, 6).join(' ')}`)
    return result
  }
  const floorArgv = [path.join(root, 'bench', floor)]
  const commandArgv = [bin, ...args]
  const floorDoc = JSON.parse((await must(floorArgv)).stdout)
  await must(commandArgv)
  const f = {ms: [], cpu: [], rss: 0}
  const c = {ms: [], cpu: [], rss: 0}
  for (let i = 0; i < runs; i++) {
    for (const [argv, into] of [[floorArgv, f], [commandArgv, c]]) {
      const result = await must(argv)
      into.ms.push(result.ms)
      into.cpu.push(result.cpuMs)
      into.rss = Math.max(into.rss, result.rssMiB)
    }
  }
  const debug = await must([...commandArgv, '--debug'])
  const requests = debug.stderr.split('\n').filter((l) => /\[debug\] [A-Z]+ \S+ -> /.test(l)).length
  const m = (x) => ({ms: median(x.ms), cpu: median(x.cpu), rss: x.rss})
  return {floor: m(f), command: m(c), requests, floorRequests: floorDoc.Requests, bytes: floorDoc.Bytes}
}

const ratio = (a, b) => `${(a / b).toFixed(2)}x (${a.toFixed(0)} ms vs ${b.toFixed(0)} ms)`

export async function benchScale({startSandbox, scratch, bin, cleanEnv, row, big}) {
  const run = makeRunner(scratch)
  const runs = Number(process.env.BENCH_RUNS ?? 7)
  const env = cleanEnv({OCTOPUS_URL: big.url, OCTOPUS_API_KEY: big.apiKey, OCTOPUS_SPACE: 'Spaces-1'})
  for (const [label, args, floor] of [
    ['`check --all-spaces --json`', ['check', '--all-spaces', '--json', '--fail-on', 'never'], 'floor-check.js'],
    ['`pool usage --all-spaces --json`', ['pool', 'usage', '--all-spaces', '--json'], 'floor-pool-usage.js'],
  ]) {
    const r = await againstFloor(run, {bin, args, floor, env, runs})
    row('floor', `${label} (\`scale:10000\`) / its floor (${floor}): wall`, ratio(r.command.ms, r.floor.ms), '≤ 1.3x')
    row('floor', `${label} / its floor: CPU (user + system)`, ratio(r.command.cpu, r.floor.cpu))
    row('floor', `${label} / its floor: peak RSS; HTTP requests; JSON read`, `${r.command.rss.toFixed(0)} MiB vs ${r.floor.rss.toFixed(0)} MiB; ${r.requests} vs ${r.floorRequests}; ${(r.bytes / MiB).toFixed(1)} MiB`, 'same requests')
  }
  if (process.env.BENCH_SCALE_LARGE !== '1') {
    row('scale', '`check` at 25,000 / 50,000 / 100,000 workers', 'not run (BENCH_SCALE_LARGE=1 runs it, about a minute)')
    return
  }
  const largeRuns = Math.min(runs, 3)
  const points = []
  for (const workers of [25000, 50000, 100000]) {
    const seeding = performance.now()
    const sb = await startSandbox({dataFile: path.join(scratch, `scale-${workers}.sqlite`), seed: `scale:${workers}`})
    const seedMs = performance.now() - seeding
    try {
      const r = await againstFloor(run, {bin, args: ['check', '--all-spaces', '--json', '--fail-on', 'never'], floor: 'floor-check.js', env: cleanEnv({OCTOPUS_URL: sb.url, OCTOPUS_API_KEY: sb.apiKey}), runs: largeRuns})
      points.push({workers, ...r})
      row('scale', `\`check --all-spaces --json\` at ${workers.toLocaleString('en')} workers (seeded in ${(seedMs / 1000).toFixed(1)} s): wall; CPU; / floor's CPU`,
        `${(r.command.ms / 1000).toFixed(2)} s; ${(r.command.cpu / 1000).toFixed(2)} s; ${(r.command.cpu / r.floor.cpu).toFixed(2)}x`)
      row('scale', `… peak RSS / JSON read (floor's peak RSS)`, `${r.command.rss.toFixed(0)} MiB / ${(r.bytes / MiB).toFixed(0)} MiB = ${(r.command.rss * MiB / r.bytes).toFixed(2)}x (${r.floor.rss.toFixed(0)} MiB)`, '≤ 2x')
    } finally {
      await sb.close()
    }
  }
  const growth = (key) => points.slice(1).map((p, i) => (p.command[key] / points[i].command[key]).toFixed(2) + 'x').join(', ')
  row('scale', '`check` 25k → 50k → 100k workers: wall per doubling; CPU per doubling', `${growth('ms')}; ${growth('cpu')}`, '≤ 2x (linear)')
}

// Alone: the same rows, against this checkout's bundle (or BENCH_BIN).
if (isMain(import.meta.url)) await runAlone('scale', benchScale)
