// Estate-as-code benchmark, called by bench/run.js (section 4c), or alone:
//   BENCH_BIN=path/to/bin/run.js node bench/estate.js   (default: this checkout's bin/run.js, which runs dist/bundle)
// Measures `estate plan` of a `scale:10000` export (wall, peak RSS, HTTP requests in all and per
// space), and `estate apply` of 200 changes on a `scale:1000` space (HTTP requests per change).
// Request counts are the commands' own (`HttpRequests` of their --json documents).
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {performance} from 'node:perf_hooks'
import YAML from 'yaml'
import {isMain, runAlone} from './harness.js'

const CHANGES = 200

export async function benchEstate({startSandbox, scratch, bin, cleanEnv, runOnce, row, big}) {
  const run = async (args, env, expect = [0]) => {
    const result = await runOnce(process.execPath, [bin, ...args], env)
    if (!expect.includes(result.code)) throw new Error(`${args.slice(0, 2).join(' ')}: exit ${result.code}: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`)
    return result
  }

  // ---- plan of a scale:10000 export: unchanged, so it reads and diffs everything and writes nothing.
  const bigEnv = cleanEnv({OCTOPUS_URL: big.url, OCTOPUS_API_KEY: big.apiKey, OCTOPUS_SPACE: 'Spaces-1'})
  const all = path.join(scratch, 'estate-all.yaml')
  const one = path.join(scratch, 'estate-one.yaml')
  await run(['estate', 'export', '--all-spaces', '-o', all], bigEnv)
  await run(['estate', 'export', '-o', one], bigEnv)
  const doc = YAML.parse(readFileSync(all, 'utf8'))
  const spaces = Object.keys(doc.spaces).length
  const workers = Object.values(doc.spaces).reduce((n, s) => n + (s.workers ?? []).length, 0)
  await run(['estate', 'plan', '-f', all, '--json'], bigEnv) // untimed: writes the compile cache, as a user's first run does
  const times = []
  let rss = 0
  let planDoc
  for (let i = 0; i < 3; i++) {
    const r = await run(['estate', 'plan', '-f', all, '--json'], bigEnv)
    times.push(r.ms)
    rss = Math.max(rss, r.rssMiB)
    planDoc = JSON.parse(r.stdout)
  }
  const onePlan = JSON.parse((await run(['estate', 'plan', '-f', one, '--json'], bigEnv)).stdout)
  const median = [...times].sort((a, b) => a - b)[1]
  row('estate', `\`estate plan\` of a \`scale:10000\` export (${workers} workers, ${spaces} spaces; no changes) wall, median of 3; peak RSS`, `${(median / 1000).toFixed(2)} s; ${rss.toFixed(0)} MiB`)
  row('estate', `\`estate plan\` HTTP requests: all ${spaces} spaces; one space; so per extra space`, `${planDoc.HttpRequests}; ${onePlan.HttpRequests}; ${(planDoc.HttpRequests - onePlan.HttpRequests) / (spaces - 1)}`, 'constant per space')

  // ---- apply of 200 changes: 200 workers of one space each added to one more pool (no floor, no finding).
  const sb = await startSandbox({dataFile: path.join(scratch, 'estate-apply.sqlite'), seed: 'scale:1000'})
  try {
    const env = cleanEnv({OCTOPUS_URL: sb.url, OCTOPUS_API_KEY: sb.apiKey, OCTOPUS_SPACE: 'Spaces-1'})
    const file = path.join(scratch, 'estate-apply.yaml')
    await run(['estate', 'export', '-o', file], env)
    const estate = YAML.parse(readFileSync(file, 'utf8'))
    const space = Object.values(estate.spaces)[0]
    const statics = space.pools.filter((p) => (p.type ?? 'static') === 'static').map((p) => p.name)
    let changed = 0
    for (const w of space.workers) {
      if (changed === CHANGES) break
      const extra = statics.find((p) => !w.pools.includes(p))
      if (!extra || w.kind === 'kubernetes') continue
      w.pools = [...w.pools, extra]
      changed++
    }
    writeFileSync(file, YAML.stringify(estate))
    const started = performance.now()
    const applied = await run(['estate', 'apply', '-f', file, '-y', '--json', '--fail-on', 'never'], env)
    const wall = performance.now() - started
    const result = JSON.parse(applied.stdout)
    const writes = result.Apply.Done
    const perChange = (result.Apply.HttpRequests - result.Plan.HttpRequests) / writes
    row('estate', `\`estate apply\` of ${writes} changes (workers moved into one more pool, \`scale:1000\` space): wall; peak RSS`, `${(wall / 1000).toFixed(2)} s; ${applied.rssMiB.toFixed(0)} MiB`)
    row('estate', `\`estate apply\` HTTP requests: the plan's reads; per change (the fresh read and the write)`, `${result.Plan.HttpRequests}; ${perChange.toFixed(2)}`, '2 per change')
  } finally {
    await sb.close()
  }
}

// Alone: the same rows, against this checkout's bundle (or BENCH_BIN).
if (isMain(import.meta.url)) await runAlone('estate', benchEstate)
