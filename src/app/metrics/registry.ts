/**
 * The metrics page: the last reading of the estate as Prometheus metrics (prom-client). The
 * registry is built afresh from each reading (an exporter's collector creates its metrics per
 * reading instead of instrumenting live objects), and its text is what every scrape until the next
 * reading is answered with.
 *
 * Naming follows Prometheus's rules: one `octoworkers_` prefix, base units (seconds), `_total` only
 * on counters, no `type`/`environment` label names (`worker_pool`, `health`, `severity` instead),
 * and only bounded label values: spaces, pools, workers, health statuses, rules and severities,
 * never task or lease IDs.
 */
import {Counter, Gauge, Registry} from 'prom-client'
import {HEALTH_STATUSES, isAvailable} from '../../domain/availability.js'
import {fallsBackToBuiltinWorker} from '../../domain/builtin-worker.js'
import type {CheckReport} from '../../domain/policy/engine.js'
import type {Snapshot} from '../../domain/estate/types.js'
import type {LeaseRecord} from '../../domain/leases/types.js'
import {isStaticPool} from '../../domain/pools.js'
import type {PoolLeaseTotals} from './lease-tally.js'

/** One completed read of the server. */
export interface EstateReading {
  snapshot: Snapshot
  check: CheckReport
  activeLeases: readonly LeaseRecord[]
}

export interface ExporterState {
  /** The last read, when it succeeded; undefined when it failed (or none has completed). */
  reading: EstateReading | undefined
  /** Counters since the exporter started (kept across failed reads: they only grow). */
  poolTotals: readonly PoolLeaseTotals[]
  /** Seconds the last read took, failed or not. */
  readSeconds: number | undefined
  /** When the last successful read ended (ms since the epoch). */
  lastSuccessAt: number | undefined
  /** The last snapshot that was read, for the counters' labels while a read fails (their series keep their labels). */
  lastSnapshot: Snapshot | undefined
  /** How often the server is read, in seconds (said in HELP: values are that old at most). */
  intervalSeconds: number
  floorOf: (pool: {Id: string; Name: string}) => number
  build: {version: string; nodeVersion: string}
}

const PREFIX = 'octoworkers_'

export async function renderMetrics(state: ExporterState): Promise<{text: string; contentType: string}> {
  const registry = new Registry()
  const registers = [registry]
  const cached = ` Read from the server at most every ${state.intervalSeconds}s; scrapes are answered from the last read.`
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({name: PREFIX + name, help: help + cached, labelNames, registers})

  const up = gauge('up', 'Whether the last read of the Octopus Server succeeded (1) or failed (0).')
  up.set(state.reading ? 1 : 0)
  if (state.readSeconds !== undefined) gauge('scrape_duration_seconds', 'How long the last read of the Octopus Server took, in seconds.').set(state.readSeconds)
  if (state.lastSuccessAt !== undefined) gauge('last_successful_read_timestamp_seconds', 'When the last successful read of the Octopus Server ended, in seconds since the Unix epoch.').set(state.lastSuccessAt / 1000)
  new Gauge({name: PREFIX + 'build_info', help: 'The octoworkers version serving these metrics (always 1).', labelNames: ['version', 'nodejs_version'], registers}).set({version: state.build.version, nodejs_version: state.build.nodeVersion}, 1)

  const reading = state.reading
  const poolNames = new Map<string, {space: string; pool: string}>()
  for (const space of state.lastSnapshot?.spaces ?? []) for (const pool of space.pools) poolNames.set(`${space.space.Id}|${pool.Id}`, {space: space.space.Name, pool: pool.Name})
  if (reading) {
    const {snapshot, check, activeLeases} = reading
    const workers = gauge('pool_workers', 'Workers in the pool, by health status (disabled workers included).', ['space', 'worker_pool', 'health'])
    const disabled = gauge('pool_disabled_workers', 'Disabled workers in the pool.', ['space', 'worker_pool'])
    const available = gauge('pool_available_workers', 'Workers Octopus would lease from the pool: enabled, and Healthy or HasWarnings.', ['space', 'worker_pool'])
    const floor = gauge('pool_floor_workers', 'The minimum of available workers the pool must keep (.octoworkers.yaml minWorkers, else 2). Static pools only.', ['space', 'worker_pool'])
    const floorMet = gauge('pool_floor_met', 'Whether the pool has at least its floor of available workers (1) or not (0). Static pools only.', ['space', 'worker_pool'])
    const activeByPool = gauge('pool_active_leases', 'Leases held now on workers of the pool.', ['space', 'worker_pool'])
    const leasedByPool = gauge('pool_leased_workers', 'Workers of the pool holding at least one lease now.', ['space', 'worker_pool'])
    const builtin = gauge('pool_uses_builtin_worker', 'Whether the pool\'s steps would go to the built-in worker (1): the space\'s default pool, static, with no worker registered.', ['space', 'worker_pool'])
    const activeByWorker = gauge('worker_active_leases', 'Leases the worker holds now.', ['space', 'worker'])
    if (snapshot.builtInWorkerEnabled !== undefined) {
      gauge('builtin_worker_enabled', 'Whether the Octopus Server\'s built-in worker is switched on (1) or off (0). Absent when the features document cannot be read.').set(snapshot.builtInWorkerEnabled ? 1 : 0)
    }

    for (const space of snapshot.spaces) {
      const spaceName = space.space.Name
      const leases = activeLeases.filter((l) => l.SpaceId === space.space.Id)
      for (const pool of space.pools) {
        const labels = {space: spaceName, worker_pool: pool.Name}
        const members = space.workers.filter((w) => w.WorkerPoolIds.includes(pool.Id))
        for (const health of HEALTH_STATUSES) {
          workers.set({...labels, health}, members.filter((w) => healthOf(w.HealthStatus) === health).length)
        }
        disabled.set(labels, members.filter((w) => w.IsDisabled).length)
        const availableCount = members.filter(isAvailable).length
        available.set(labels, availableCount)
        if (isStaticPool(pool)) {
          const minimum = state.floorOf(pool)
          floor.set(labels, minimum)
          floorMet.set(labels, availableCount >= minimum ? 1 : 0)
        }
        const poolLeases = leases.filter((l) => l.WorkerPoolId === pool.Id)
        activeByPool.set(labels, poolLeases.length)
        leasedByPool.set(labels, new Set(poolLeases.map((l) => l.WorkerId ?? l.WorkerName)).size)
        builtin.set(labels, fallsBackToBuiltinWorker(pool, members.length) ? 1 : 0)
      }
      for (const worker of space.workers) {
        activeByWorker.set({space: spaceName, worker: worker.Name}, leases.filter((l) => l.WorkerId === worker.Id).length)
      }
    }

    const findings = gauge('check_findings', 'Findings of `octoworkers check` now, by rule and severity (ignored findings left out; the usage/* rules, which read every deployment process, are not run).', ['rule', 'severity'])
    const counts = new Map<string, number>()
    for (const rule of check.Rules) {
      if (rule.Status !== 'ran') continue
      const severity = rule.ConfiguredSeverity && rule.ConfiguredSeverity !== 'off' ? rule.ConfiguredSeverity : rule.DefaultSeverity
      counts.set(`${rule.RuleId}|${severity}`, 0)
    }
    for (const finding of check.Findings) counts.set(`${finding.RuleId}|${finding.Severity}`, (counts.get(`${finding.RuleId}|${finding.Severity}`) ?? 0) + 1)
    for (const [key, count] of counts) {
      const [rule, severity] = key.split('|')
      findings.set({rule, severity}, count)
    }
  }

  const granted = new Counter({name: PREFIX + 'pool_leases_granted_total', help: 'Worker leases granted from the pool since the exporter started, each counted once (from the lease API and the task logs, as `leases tail` reads them).', labelNames: ['space', 'worker_pool'], registers})
  const seconds = new Counter({name: PREFIX + 'pool_lease_seconds_total', help: 'Seconds the pool\'s workers were held by leases that ended since the exporter started (added when a lease ends; time before the exporter started is not counted).', labelNames: ['space', 'worker_pool'], registers})
  const mutexWait = new Counter({name: PREFIX + 'pool_mutex_wait_seconds_total', help: 'Seconds steps waited on another script\'s mutex on a worker (Tentacle\'s "Waiting for the script in task … to finish" lines), attributed to the pool of the lease the step held; added when the task completes (its log read once, as `leases tail` reads it), each task counted once, since the exporter started.', labelNames: ['space', 'worker_pool'], registers})
  const spaceNames = new Map(state.lastSnapshot?.spaces.map((s) => [s.space.Id, s.space.Name]) ?? [])
  for (const totals of state.poolTotals) {
    const known = totals.WorkerPoolId ? poolNames.get(`${totals.SpaceId}|${totals.WorkerPoolId}`) : undefined
    const labels = {space: known?.space ?? spaceNames.get(totals.SpaceId) ?? totals.SpaceId, worker_pool: known?.pool ?? totals.WorkerPoolName ?? totals.WorkerPoolId ?? 'unknown'}
    granted.inc(labels, totals.Granted)
    seconds.inc(labels, totals.Seconds)
    mutexWait.inc(labels, totals.MutexWaitSeconds)
  }
  return {text: await registry.metrics(), contentType: registry.contentType}
}

function healthOf(status: string | null | undefined): (typeof HEALTH_STATUSES)[number] {
  return (HEALTH_STATUSES as readonly string[]).includes(status ?? '') ? (status as (typeof HEALTH_STATUSES)[number]) : 'Unknown'
}
