// The exporter's cost to the server: `metrics serve --all-spaces` against `scale:10000`, scraped
// every 10 s for a minute (BENCH_METRICS_SECONDS), counting the requests its reads make (--debug).
import {spawn} from 'node:child_process'

export async function benchMetrics({bin, cleanEnv, row, big}) {
  const seconds = Number(process.env.BENCH_METRICS_SECONDS ?? 60)
  const child = spawn(process.execPath, [bin, 'metrics', 'serve', '--all-spaces', '--listen', '127.0.0.1:0', '--json', '--debug'], {env: cleanEnv({OCTOPUS_URL: big.url, OCTOPUS_API_KEY: big.apiKey}), stdio: ['ignore', 'pipe', 'pipe']})
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d))
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d))
  const exited = new Promise((resolve) => child.on('close', resolve))
  try {
    while (!out.includes('\n')) {
      if (child.exitCode !== null) throw new Error(`metrics serve exited: ${err.trim().split('\n').pop()}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    const url = JSON.parse(out.split('\n')[0]).MetricsUrl
    let scrapes = 0
    let bytes = 0
    const slowest = []
    for (let t = 0; t < seconds; t += 10) {
      const started = performance.now()
      bytes = (await (await fetch(url)).text()).length
      slowest.push(performance.now() - started)
      scrapes++
      await new Promise((r) => setTimeout(r, 10_000))
    }
    const reads = [...err.matchAll(/read \d+: (\d+) requests/g)].map((m) => Number(m[1]))
    const requests = reads.reduce((a, b) => a + b, 0)
    // After the first read (which also loads names and starts the lease sources), a read costs the same each interval: 2 a minute.
    const steady = reads.length > 1 ? reads[reads.length - 1] * 2 : NaN
    row('metrics', `\`metrics serve --all-spaces\` (10,000 workers, 5 spaces, default --min-interval 30s), scraped every 10 s for ${seconds} s: requests per minute to the server, steady; over the window (requests per read)`, `${steady}; ${(requests / (seconds / 60)).toFixed(0)} (${reads.join(', ')})`, 'fixed per interval')
    row('metrics', `the same: scrapes; slowest scrape; page size`, `${scrapes}; ${Math.max(...slowest).toFixed(0)} ms; ${(bytes / 1024).toFixed(0)} KiB`)
  } finally {
    child.kill('SIGINT')
    await exited
  }
}
