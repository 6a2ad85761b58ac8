// Lease benchmarks, called by bench/run.js:
// - HTTP requests per poll with 200 executing tasks, for each lease source (the built library's
//   own sources, counted with the client's request counter);
// - event lag: from the sandbox granting a lease (its own lease history) to `leases tail --json`
//   printing the line;
// - `leases report` over 2,000 completed tasks: wall time, requests, peak RSS; the HTML report's
//   wall time, peak RSS and file size;
// - `leases tail` with steps far shorter than the poll interval: requests per poll, log
//   reads per completed task, and leases seen vs recorded in the tasks' logs, for auto and api.
// - with the lease cache: the same report's first run, second run, and after 100 new tasks.
// - `leases report --no-cache` over 20,000 tasks: each task is looked up by ID in the sandbox.
import {spawn} from 'node:child_process'
import {cpSync, existsSync, rmSync, statSync} from 'node:fs'
import path from 'node:path'
import readline from 'node:readline'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const {OctopusClient} = await import(path.join(root, 'dist/octopus/client.js'))
const {NameDirectory} = await import(path.join(root, 'dist/app/leases/directory.js'))
const {ApiLeaseSource} = await import(path.join(root, 'dist/app/leases/api-source.js'))
const {LogLeaseSource} = await import(path.join(root, 'dist/app/leases/log-source.js'))
const {ReconciledLeaseSource} = await import(path.join(root, 'dist/app/leases/reconciled-source.js'))

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

async function requestsPerPoll(sandbox, SourceClass, polls = 5) {
  const client = await OctopusClient.connect({server: sandbox.url, apiKey: sandbox.apiKey})
  const space = await client.resolveSpace('Spaces-1')
  const directory = new NameDirectory(space)
  await directory.load()
  const source = new SourceClass(space, directory)
  await source.start()
  const counts = []
  for (let i = 0; i < polls; i++) {
    await sleep(300)
    const before = client.requestCount
    await source.poll()
    counts.push(client.requestCount - before)
  }
  return counts
}

async function waitForExecuting(sandbox, api, count) {
  for (let i = 0; i < 100; i++) {
    const page = await api(sandbox, 'GET', '/api/Spaces-1/tasks?states=Executing&take=1')
    if (page.TotalResults >= count) return page.TotalResults
    await sleep(200)
  }
  throw new Error(`fewer than ${count} tasks reached Executing`)
}

export async function benchLeases({startSandbox, scratch, bin, cleanEnv, compare, runOnce, row, api, median}) {
  // 1. Requests per poll with 200 executing tasks, each source on the server version that uses it.
  for (const [version, Source, label] of [['2026.1', ApiLeaseSource, 'lease API'], ['2021.2', LogLeaseSource, 'task logs'], ['2026.1', ReconciledLeaseSource, 'lease API + task logs (auto)']]) {
    const sandbox = await startSandbox({dataFile: path.join(scratch, `poll-${version}.sqlite`), seed: 'scale:1000', octopusVersion: version})
    try {
      await api(sandbox, 'POST', '/api/sandbox/simulations', {SpaceId: 'Spaces-1', Tasks: 200, Concurrency: 200, MinDurationMs: 60_000, MaxDurationMs: 60_000, StepsPerTask: 1})
      const executing = await waitForExecuting(sandbox, api, 200)
      const counts = await requestsPerPoll(sandbox, Source)
      row('leases', `requests per poll, ${label} (${version}), ${executing} executing tasks`, `${counts.join(', ')} (max ${Math.max(...counts)})`, label === 'lease API' ? '1 per space' : label.includes('auto') ? '2 per space + 1 log per completed task' : 'not ∝ executing tasks')
    } finally {
      await sandbox.close()
    }
  }

  // 2. Event lag: tail --json while deployments run; compare each Leased line's arrival with the grant time.
  {
    const sandbox = await startSandbox({dataFile: path.join(scratch, 'lag.sqlite'), seed: 'demo'})
    try {
      const env = cleanEnv({OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey})
      const child = spawn(process.execPath, [bin, 'leases', 'tail', '--json', '--interval', '0.5', '--duration', '8'], {env, stdio: ['ignore', 'pipe', 'ignore']})
      const arrivals = new Map()
      readline.createInterface({input: child.stdout}).on('line', (line) => {
        const event = JSON.parse(line)
        if (event.Event === 'Leased') arrivals.set(event.LeaseId, Date.now())
      })
      await sleep(1500)
      await api(sandbox, 'POST', '/api/sandbox/simulations', {SpaceId: 'Spaces-1', Tasks: 60, Concurrency: 6, MinDurationMs: 200, MaxDurationMs: 800})
      await new Promise((r) => child.once('exit', r))
      const history = await api(sandbox, 'GET', '/api/sandbox/leases/history')
      const leases = history
      const lags = []
      for (const lease of leases) {
        const seen = arrivals.get(lease.Id)
        const granted = Date.parse(lease.TakenAt)
        if (seen && !Number.isNaN(granted)) lags.push(seen - granted)
      }
      row('leases', `event lag, grant -> printed line (tail --interval 0.5, ${lags.length} leases)`, lags.length ? `median ${median(lags)} ms, max ${Math.max(...lags)} ms` : 'no leases seen')
    } finally {
      await sandbox.close()
    }
  }

  // 3. leases report over 2,000 completed tasks: without the cache (every log read), then the
  //    same report twice with one cache (the second reads no logs), then after 100 new tasks (it
  //    reads those 100 logs only). Requests are counted on a separate --debug run each time, with
  //    a copy of the cache as it was, so that counting does not warm the cache being timed.
  {
    const sandbox = await startSandbox({dataFile: path.join(scratch, 'report.sqlite'), seed: 'demo'})
    try {
      await api(sandbox, 'POST', '/api/sandbox/seed-completed-tasks', {Count: 2000, SpaceId: 'Spaces-1'})
      const env = cleanEnv({OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey})
      const args = ['leases', 'report', '--since', '7d', '--format', 'json']
      const report = await compare('leases report', [...args, '--no-cache'], env, {runs: 3})
      const doc = JSON.parse(report.last.stdout)
      row('leases', `\`leases report --no-cache\` over ${doc.TasksScanned} completed tasks: wall; / \`node -e 0\``, `${(report.ms / 1000).toFixed(2)} s; ${report.ratio.toFixed(1)}x`)
      row('leases', '`leases report --no-cache` peak RSS; HTTP requests', `${report.rssMiB.toFixed(0)} MiB; ${report.requests}`)
      const htmlFile = path.join(scratch, 'capacity.html')
      const html = await runOnce(process.execPath, [bin, 'leases', 'report', '--since', '7d', '--format', 'html', '--no-cache', '-o', htmlFile], env)
      if (html.code !== 0) throw new Error(`leases report --format html: exit ${html.code}\n${html.stderr}`)
      row('leases', `\`leases report --format html --no-cache\` over ${doc.TasksScanned} completed tasks: wall; peak RSS; file size`, `${(html.ms / 1000).toFixed(2)} s; ${html.rssMiB.toFixed(0)} MiB; ${(statSync(htmlFile).size / 1024).toFixed(0)} KiB`)

      const cacheHome = path.join(scratch, 'report-cache')
      const countHome = path.join(scratch, 'report-cache-count')
      const cachedRun = async (label, target) => {
        // The request count runs first, against a copy of the cache as the timed run will find it.
        rmSync(countHome, {recursive: true, force: true})
        if (existsSync(cacheHome)) cpSync(cacheHome, countHome, {recursive: true})
        const counted = await runOnce(process.execPath, [bin, ...args, '--debug'], {...env, XDG_CACHE_HOME: countHome})
        const requests = counted.stderr.split('\n').filter((l) => /\[debug\] [A-Z]+ \S+ -> /.test(l)).length
        const logs = counted.stderr.split('\n').filter((l) => /\[debug\] GET \S+\/details\S* -> /.test(l)).length
        const timed = await runOnce(process.execPath, [bin, ...args], {...env, XDG_CACHE_HOME: cacheHome})
        if (timed.code !== 0) throw new Error(`${label}: exit ${timed.code}\n${timed.stderr}`)
        const tasks = JSON.parse(timed.stdout).TasksScanned
        row('leases', `\`leases report\` with the cache, ${label} (${tasks} tasks): HTTP requests (task logs); wall`, `${requests} (${logs}); ${(timed.ms / 1000).toFixed(2)} s`, target)
      }
      await cachedRun('first run', '')
      await cachedRun('second run, same window', 'no task logs')
      await api(sandbox, 'POST', '/api/sandbox/seed-completed-tasks', {Count: 100, SpaceId: 'Spaces-1'})
      await cachedRun('after 100 new tasks', '≈ 100 + a constant')
    } finally {
      await sandbox.close()
    }
  }

  await benchReportAtScale({startSandbox, scratch, bin, cleanEnv, runOnce, row, api})
  await benchShortLeases({startSandbox, scratch, bin, cleanEnv, row, api, median})
}

/**
 * 3b. `leases report --no-cache` over 20,000 completed tasks: the sandbox looks each task up by
 * ID, so a lookup that scanned the task table made this N² (26.7 s at 16,000 tasks). One timed
 * run and one --debug run for the request count, to keep the bench short.
 */
export async function benchReportAtScale({startSandbox, scratch, bin, cleanEnv, runOnce, row, api}) {
  const TASKS = 20_000
  const sandbox = await startSandbox({dataFile: path.join(scratch, 'report-20k.sqlite'), seed: 'demo'})
  try {
    await api(sandbox, 'POST', '/api/sandbox/seed-completed-tasks', {Count: TASKS, SpaceId: 'Spaces-1', StepsPerTask: 1})
    const env = cleanEnv({OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey})
    // One task a minute: 20,000 tasks span 14 days.
    const args = ['leases', 'report', '--since', '15d', '--format', 'json', '--no-cache']
    const timed = await runOnce(process.execPath, [bin, ...args], env)
    if (timed.code !== 0) throw new Error(`leases report (${TASKS} tasks): exit ${timed.code}\n${timed.stderr}`)
    const counted = await runOnce(process.execPath, [bin, ...args, '--debug'], env)
    const requests = counted.stderr.split('\n').filter((l) => /\[debug\] [A-Z]+ \S+ -> /.test(l)).length
    row('leases', `\`leases report --no-cache\` over ${JSON.parse(timed.stdout).TasksScanned} completed tasks: HTTP requests; wall; peak RSS`, `${requests}; ${(timed.ms / 1000).toFixed(2)} s; ${timed.rssMiB.toFixed(0)} MiB`, 'linear in tasks')
  } finally {
    await sandbox.close()
  }
}

/** 4. Short leases: steps of 100-300 ms, --interval 1, auto and --source api side by side. */
export async function benchShortLeases({startSandbox, scratch, bin, cleanEnv, row, api, median}) {
  {
    const sandbox = await startSandbox({dataFile: path.join(scratch, 'short.sqlite'), seed: 'demo', octopusVersion: '2026.1'})
    try {
      const env = cleanEnv({OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey})
      const follow = (source) => {
        const child = spawn(process.execPath, [bin, 'leases', 'tail', '--json', '--interval', '1', '--debug', '--source', source], {env, stdio: ['ignore', 'pipe', 'pipe']})
        const state = {child, leased: new Set(), lines: 0, polls: [], logReads: 0, following: false, ready: null}
        state.ready = new Promise((resolve) => {
          readline.createInterface({input: child.stderr}).on('line', (line) => {
            if (/Following worker leases/.test(line)) {
              state.following = true
              resolve()
            }
            const poll = /poll \d+ \([^,]+, Spaces-1\): (\d+) requests/.exec(line)
            if (poll) state.polls.push(Number(poll[1]))
            // Log reads while following (those at start, of the tasks executing then, are not per completed task).
            if (state.following && /GET \S+\/details\S* -> 200/.test(line)) state.logReads++
          })
        })
        readline.createInterface({input: child.stdout}).on('line', (line) => {
          const event = JSON.parse(line)
          state.lines++
          if (event.Event === 'Leased') state.leased.add(event.LeaseId)
        })
        return state
      }
      const auto = follow('auto')
      const pure = follow('api')
      await Promise.all([auto.ready, pure.ready])
      const sim = await api(sandbox, 'POST', '/api/sandbox/simulations', {SpaceId: 'Spaces-1', Tasks: 30, Concurrency: 5, StepsPerTask: 3, MinDurationMs: 100, MaxDurationMs: 300})
      for (let i = 0; i < 600; i++) {
        if ((await api(sandbox, 'GET', `/api/sandbox/simulations/${sim.Id}`)).State !== 'Running') break
        await sleep(100)
      }
      const doc = await api(sandbox, 'GET', `/api/sandbox/simulations/${sim.Id}`)
      const taskIds = [...new Set((await api(sandbox, 'GET', '/api/sandbox/leases/history')).map((l) => l.ServerTaskId))]
      const recorded = new Set()
      const walk = (nodes) => {
        for (const node of nodes ?? []) {
          for (const el of node.LogElements ?? []) {
            const m = /^Leased worker .+ \(lease (WorkerTaskLeases-\d+)\)$/.exec(el.MessageText)
            if (m) recorded.add(m[1])
          }
          walk(node.Children)
        }
      }
      for (const id of taskIds) walk((await api(sandbox, 'GET', `/api/tasks/${id}/details?verbose=true`)).ActivityLogs)
      // Wait (bounded) until auto has printed every recorded lease, plus two polls for stragglers.
      for (let i = 0; i < 100 && auto.lines < recorded.size * 2; i++) await sleep(100)
      const settle = auto.polls.length + 2
      for (let i = 0; i < 50 && auto.polls.length < settle; i++) await sleep(100)
      for (const s of [auto, pure]) s.child.kill('SIGINT')
      await Promise.all([auto, pure].map((s) => new Promise((r) => s.child.once('exit', r))))
      const completed = doc.TasksCompleted + doc.TasksFailed + doc.TasksCanceled
      const seenAuto = [...recorded].filter((id) => auto.leased.has(id)).length
      const seenApi = [...recorded].filter((id) => pure.leased.has(id)).length
      row('leases', `short leases (3 steps of 100-300 ms x ${completed} tasks, --interval 1): leases seen / recorded in task logs, auto`, `${seenAuto} / ${recorded.size}`, 'equal')
      row('leases', 'short leases: leases seen / recorded in task logs, --source api', `${seenApi} / ${recorded.size}`, 'may miss short leases (documented)')
      const maxOf = (xs) => (xs.length ? Math.max(...xs) : 0)
      row('leases', 'short leases, auto: requests per poll (median, max); log reads per completed task', `${median(auto.polls)}, ${maxOf(auto.polls)}; ${(auto.logReads / Math.max(1, completed)).toFixed(2)}`, '2 + logs of tasks completed since; 1.00')
      row('leases', 'short leases, --source api: requests per poll (median, max)', `${median(pure.polls)}, ${maxOf(pure.polls)}`, '1 (+1 task lookup per new task)')
    } finally {
      await sandbox.close()
    }
  }
}
