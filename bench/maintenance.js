// Maintenance benchmark, called by bench/run.js: a rolling Tentacle upgrade of a
// 10-worker pool at --keep-healthy 2 while 4 synthetic deployments run at all times. Measures the
// failed deployments (target 0), the fewest available workers (enabled, Healthy or HasWarnings)
// seen by sampling the pool every 100 ms (target >= 2), the fewest of those not leased
// exclusively by an upgrade, the command's wall time, and its HTTP requests per worker.
import {spawn} from 'node:child_process'
import {performance} from 'node:perf_hooks'

const POOL = 'Bench Rolling Pool'
const WORKERS = 10
const KEEP = 2
const BATCH = 8

function hex40(i) {
  return (0xb0000 + i).toString(16).toUpperCase().padStart(40, 'A')
}

export async function benchMaintenance({startSandbox, scratch, bin, cleanEnv, row, api}) {
  const sb = await startSandbox({dataFile: `${scratch}/maintenance.sqlite`, seed: 'empty', taskTiming: {healthCheckMs: 200, leaseRetryMs: 30_000}})
  try {
    const pool = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: POOL})
    const ids = []
    for (let i = 0; i < WORKERS; i++) {
      const w = await api(sb, 'POST', '/api/Spaces-1/workers', {Name: `bench-roll-${String(i + 1).padStart(2, '0')}`, WorkerPoolIds: [pool.Id],
        Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: `https://roll-${i + 1}.outdated.example:10933/`, Thumbprint: hex40(i)}})
      ids.push(w.Id)
    }
    const health = await api(sb, 'POST', '/api/Spaces-1/tasks', {Name: 'Health', Arguments: {WorkerpoolId: pool.Id}})
    while (!(await api(sb, 'GET', `/api/tasks/${health.Id}`)).IsCompleted) await new Promise((r) => setTimeout(r, 50))

    // 4 deployments at a time, for longer than the roll takes.
    const sim = await api(sb, 'POST', '/api/sandbox/simulations', {SpaceId: 'Spaces-1', Tasks: 3000, Concurrency: 4, WorkerPoolIds: [pool.Id], MinDurationMs: 50, MaxDurationMs: 400})

    let minAvailable = Infinity
    let minLeasable = Infinity
    let samples = 0
    let sampling = true
    const sampler = (async () => {
      while (sampling) {
        const started = performance.now()
        const [workers, leases] = await Promise.all([api(sb, 'GET', '/api/Spaces-1/workers/all'), api(sb, 'GET', '/api/Spaces-1/workertaskleases?skip=0&take=1000')])
        const exclusive = new Set(leases.WorkerTaskLeases.Items.filter((l) => l.Exclusive).map((l) => l.WorkerId))
        const available = workers.filter((w) => ids.includes(w.Id) && !w.IsDisabled && (w.HealthStatus === 'Healthy' || w.HealthStatus === 'HasWarnings'))
        minAvailable = Math.min(minAvailable, available.length)
        minLeasable = Math.min(minLeasable, available.filter((w) => !exclusive.has(w.Id)).length)
        samples++
        await new Promise((r) => setTimeout(r, Math.max(0, 100 - (performance.now() - started))))
      }
    })()

    const env = cleanEnv({OCTOPUS_URL: sb.url, OCTOPUS_API_KEY: sb.apiKey})
    const started = performance.now()
    const result = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [bin, 'worker', 'upgrade', '--pool', POOL, '--rolling', '--keep-healthy', String(KEEP), '--batch', String(BATCH), '-y', '--json', '--debug'], {env, stdio: ['ignore', 'pipe', 'pipe']})
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d) => (stdout += d))
      child.stderr.on('data', (d) => (stderr += d))
      child.on('error', reject)
      child.on('close', (code) => resolve({code, stdout, stderr}))
    })
    const wallMs = performance.now() - started
    sampling = false
    await sampler
    const status = await api(sb, 'GET', `/api/sandbox/simulations/${sim.Id}`)
    if (result.code !== 0) throw new Error(`worker upgrade exited ${result.code}: ${result.stderr.split('\n').filter((l) => !l.startsWith('[debug]')).join(' ')}`)
    const doc = JSON.parse(result.stdout)
    const upgraded = doc.Workers.filter((w) => w.Outcome === 'upgraded').length
    const requests = result.stderr.split('\n').filter((l) => /\[debug\] [A-Z]+ \S+ -> /.test(l)).length
    const label = `rolling upgrade, ${WORKERS} workers, --keep-healthy ${KEEP} --batch ${BATCH}, 4 concurrent deployments`
    row('maintenance', `${label}: failed deployments (of ${status.TasksCompleted + status.TasksFailed} finished during the roll)`, String(status.TasksFailed), '0')
    row('maintenance', `${label}: fewest available workers, sampled every 100 ms (${samples} samples); of those, fewest not leased by an upgrade`, `${minAvailable}; ${minLeasable}`, '≥ 2')
    row('maintenance', `${label}: wall time (${doc.Batches.length} batches, ${upgraded} upgraded)`, `${(wallMs / 1000).toFixed(1)} s`)
    row('maintenance', `${label}: HTTP requests per worker`, (requests / WORKERS).toFixed(1))
  } finally {
    await sb.close()
  }
}
