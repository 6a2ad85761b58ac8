// What every bench section needs, whether it runs under `npm run bench` (bench/run.js) or alone
// (`node bench/estate.js`, `node bench/scale.js`): a clean environment for the CLI, one measured
// run of a command (wall time, peak RSS through bench/rss-probe.cjs), and the table's rows.
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const rssProbe = path.join(root, 'bench/rss-probe.cjs')

/** The CLI's environment: config and caches under `scratch`, no colour, no prompts, none of the user's server settings. */
export function cleanEnvIn(scratch) {
  return (extra = {}) => {
    const env = {...process.env, XDG_CONFIG_HOME: path.join(scratch, 'config'), XDG_CACHE_HOME: path.join(scratch, 'cache'), NO_COLOR: '1', CI: '1', ...extra}
    for (const key of ['OCTOPUS_SPACE', 'OCTOWORKERS_PROFILE', 'OCTOPUS_ACCESS_TOKEN']) if (!(key in extra)) delete env[key]
    return env
  }
}

/** Runs a command once; returns wall ms, peak RSS (MiB, NaN when the probe wrote nothing) and its output. */
export function runOnceIn(scratch) {
  return (command, args, env) => {
    const rssFile = path.join(scratch, `rss-${Math.random().toString(36).slice(2)}`)
    const started = performance.now()
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, {env: {...env, NODE_OPTIONS: `--require=${rssProbe}`, OCTOWORKERS_BENCH_RSS_FILE: rssFile}, stdio: ['ignore', 'pipe', 'pipe']})
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d) => (stdout += d))
      child.stderr.on('data', (d) => (stderr += d))
      child.on('error', reject)
      child.on('close', (code) => {
        const ms = performance.now() - started
        let rssMiB = NaN
        try {
          rssMiB = Number(readFileSync(rssFile, 'utf8').trim()) / 1024
          rmSync(rssFile)
        } catch {
          // No number: the table shows NaN for this run.
        }
        resolve({ms, rssMiB, code, stdout, stderr})
      })
    })
  }
}

/** The table's rows as they are measured (echoed on stderr), and the table they make. */
export function benchTable() {
  const rows = []
  return {
    row(section, measure, value, target = '') {
      rows.push({section, measure, value, target})
      process.stderr.write(`  ${section} | ${measure} | ${value}\n`)
    },
    markdown() {
      return ['| section | measure | value | target |', '|---|---|---|---|', ...rows.map((r) => `| ${r.section} | ${r.measure} | ${r.value} | ${r.target} |`)].join('\n')
    },
  }
}

/**
 * A section run alone, against this checkout's bundle (or BENCH_BIN), on a `scale:10000` sandbox:
 * `bench(tools)` gets what bench/run.js would give it; the table goes to stdout.
 */
export async function runAlone(name, bench) {
  const scratch = mkdtempSync(path.join(tmpdir(), `octoworkers-bench-${name}-`))
  const bin = path.resolve(process.env.BENCH_BIN ?? path.join(root, 'bin/run.js'))
  const {startSandbox} = await import(path.join(root, 'dist/sandbox/index.js'))
  const table = benchTable()
  const big = await startSandbox({dataFile: path.join(scratch, 'scale.sqlite'), seed: 'scale:10000'})
  try {
    await bench({startSandbox, scratch, bin, cleanEnv: cleanEnvIn(scratch), runOnce: runOnceIn(scratch), row: table.row, big})
  } finally {
    await big.close()
    rmSync(scratch, {recursive: true, force: true})
  }
  process.stdout.write(table.markdown() + '\n')
}

/** Whether `moduleUrl` is the script node was started with (a section run alone). */
export function isMain(moduleUrl) {
  return Boolean(process.argv[1]) && path.resolve(process.argv[1]) === fileURLToPath(moduleUrl)
}
