/**
 * `leases report --format html`: one self-contained page (inline CSS and SVG; no script, no font,
 * no image and no link fetched from anywhere) that opens from disk or as a CI artifact. Every chart
 * has a table under it that says the same in text; light and dark follow the reader's system
 * (`prefers-color-scheme`). Every string that came from the server is HTML-escaped.
 */
import type {LeaseReport} from '../../app/leases/report.js'
import type {CapacityStep, PoolCapacity, WorkerHeat} from '../../app/leases/capacity.js'
import {formatDuration} from '../../text/duration.js'
import {recommendationLines} from './recommendations.js'
import {plural} from '../../text/wording.js'

/** Text for HTML element content and double- or single-quoted attribute values. */
export function htmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c]!)
}

const esc = htmlEscape
const HOUR_MS = 3_600_000
const dur = (seconds: number) => formatDuration(seconds * 1000)
/** Times are UTC throughout, as the page says, so a file reads the same wherever it is opened. */
const utc = (ms: number | string) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ')

const STYLE = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1b1f24; --muted: #57606a; --grid: #d0d7de;
  --leases: #0969da; --busy: #8250df; --avail: #1a7f37; --alert: #cf222e; --alert-bg: rgba(207, 34, 46, .16); --heat: 9 105 218; --bar: #0969da; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --grid: #30363d;
    --leases: #4493f8; --busy: #ab7df8; --avail: #3fb950; --alert: #f85149; --alert-bg: rgba(248, 81, 73, .22); --heat: 68 147 248; --bar: #4493f8; }
}
body { background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem auto; max-width: 1100px; padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { margin-top: 2rem; border-bottom: 1px solid var(--grid); } h3 { margin-bottom: .25rem; }
.muted, figcaption { color: var(--muted); }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--grid); padding: .15rem .45rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
svg { width: 100%; height: auto; display: block; }
svg text { fill: var(--muted); font-size: 11px; }
.axis { stroke: var(--grid); }
.series-leases { fill: none; stroke: var(--leases); stroke-width: 2; }
.series-busy { fill: none; stroke: var(--busy); stroke-width: 1.5; stroke-dasharray: 4 2; }
.series-available { stroke: var(--avail); stroke-width: 2; stroke-dasharray: 8 4; }
.all-busy { fill: var(--alert-bg); }
.bar { fill: var(--bar); }
.key span { display: inline-block; margin-right: 1rem; }
.key i { display: inline-block; width: 1.4em; height: .35em; vertical-align: middle; margin-right: .3em; }
.alert { color: var(--alert); font-weight: 600; }
table.heat td { min-width: 1.7em; padding: .1rem .15rem; font-size: 10px; text-align: center; background: rgb(var(--heat) / var(--v, 0)); }
table.heat td.hot { color: #fff; }
ul.recommendations li { margin: .3rem 0; }
details { margin-bottom: 1rem; }
`

export interface HtmlOptions {
  /** The tool's version, named in the page's footer. */
  version?: string
  /** Rows of several spaces: name the space beside each pool and worker. */
  spaceNames?: boolean
}

export function renderLeaseReportHtml(report: LeaseReport, opts: HtmlOptions = {}): string {
  const capacity = report.Capacity
  const named = (x: {SpaceName: string}, name: string) => esc(opts.spaceNames ? `${x.SpaceName} / ${name}` : name)
  const spaces = report.Spaces.map((s) => esc(s.Name)).join(', ')
  const body: string[] = []
  body.push(`<h1>Worker capacity: ${spaces}</h1>`)
  body.push(`<p>${esc(utc(report.Since))} – ${esc(utc(report.Until))} UTC: ${report.Leases} leases in ${report.TasksWithLeases} of ${report.TasksScanned} completed tasks. A lease lasts from its “Leased worker” log line to the end of its step (or else of its task).</p>`)
  const advice = recommendationLines(report.Recommendations, {name: esc, spaceNames: opts.spaceNames})
  body.push('<h2>Recommendations</h2>')
  body.push(advice.length === 0 ? '<p>None: no pool stayed fully busy or idle or kept its steps waiting for a worker, and no worker waited on mutexes, past the thresholds (<code>capacity:</code> in .octoworkers.yaml).</p>' : `<ul class="recommendations">${advice.map((line) => `<li>${line}</li>`).join('')}</ul>`)
  if (!capacity) {
    body.push('<p>This report was made without capacity data.</p>')
  } else {
    body.push('<h2>Pools: concurrent leases against available workers</h2>')
    body.push('<p class="muted">Available workers: the pool’s enabled members now (worker health over time is not recorded). Shaded in red: every available worker held a lease.</p>')
    if (capacity.Pools.length === 0) body.push('<p>No pool.</p>')
    for (const pool of capacity.Pools) body.push(poolSection(pool, named(pool, pool.WorkerPoolName), Date.parse(capacity.Since), Date.parse(capacity.Until)))
    body.push('<h2>Workers: busy time by day and hour (UTC)</h2>')
    body.push('<p class="muted">Minutes of each hour the worker held at least one lease (leases sharing the worker counted once).</p>')
    if (capacity.Workers.length === 0) body.push('<p>No worker held a lease in the window.</p>')
    for (const worker of capacity.Workers) body.push(workerSection(worker, named(worker, worker.WorkerName), Date.parse(capacity.Since), Date.parse(capacity.Until)))
  }
  const waited = report.Workers.filter((w) => w.MutexWaitSeconds > 0).sort((a, b) => b.MutexWaitSeconds - a.MutexWaitSeconds)
  body.push('<h2>Mutex waits</h2>')
  body.push('<p class="muted">Time steps waited for another Octopus script on the same worker (Tentacle’s “Waiting for the script in task … to finish” lines), counted against the worker the step leased.</p>')
  body.push(waited.length === 0
    ? '<p>None logged.</p>'
    : `<table><thead><tr><th scope="col">Worker</th><th scope="col">Pools</th><th scope="col">Leases</th><th scope="col">Mutex wait</th></tr></thead><tbody>${waited.map((w) => `<tr><td>${named(w, w.WorkerName)}</td><td>${w.WorkerPoolNames.map(esc).join(', ')}</td><td>${w.Leases}</td><td>${esc(dur(w.MutexWaitSeconds))}</td></tr>`).join('')}</tbody></table>`)
  const poolsWaited = report.Pools.filter((p) => p.LeaseWaitSeconds > 0).sort((a, b) => b.LeaseWaitSeconds - a.LeaseWaitSeconds)
  body.push('<h2>Waits for a worker</h2>')
  body.push('<p class="muted">Time steps waited for a worker of the pool before their lease was granted (Octopus retries leasing while every healthy worker is leased exclusively): from the step’s start to its “Leased worker” line.</p>')
  body.push(poolsWaited.length === 0
    ? '<p>None logged.</p>'
    : `<table><thead><tr><th scope="col">Pool</th><th scope="col">Workers</th><th scope="col">Leases</th><th scope="col">Waited for a worker</th></tr></thead><tbody>${poolsWaited.map((p) => `<tr><td>${named(p, p.WorkerPoolName)}</td><td>${p.Workers}</td><td>${p.Leases}</td><td>${esc(dur(p.LeaseWaitSeconds))}</td></tr>`).join('')}</tbody></table>`)
  body.push('<h2>Idle workers (never leased in the window)</h2>')
  body.push(report.IdleWorkers.length === 0
    ? '<p>None.</p>'
    : `<ul>${report.IdleWorkers.map((w) => `<li>${named(w, w.WorkerName)}${w.IsDisabled ? ' (disabled)' : ''}</li>`).join('')}</ul>`)
  body.push(`<footer class="muted"><p>Made by octoworkers${opts.version ? ` ${esc(opts.version)}` : ''} <code>leases report --format html</code>.</p></footer>`)
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Worker capacity: ${spaces}</title>
<style>${STYLE}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`
}

const CHART = {width: 900, height: 220, left: 40, right: 10, top: 10, bottom: 28}

/** The step chart of one pool: leases (solid), busy workers (dashed), available workers (long dashes), all-busy spans shaded. */
export function poolChart(pool: PoolCapacity, since: number, until: number): string {
  const {width, height, left, right, top, bottom} = CHART
  const span = Math.max(1, until - since)
  const yMax = Math.max(1, pool.AvailableWorkers, ...pool.Steps.map((s) => s.Leases))
  const x = (ms: number) => (left + ((Math.min(until, Math.max(since, ms)) - since) / span) * (width - left - right)).toFixed(1)
  const y = (n: number) => (top + (1 - n / yMax) * (height - top - bottom)).toFixed(1)
  const path = (value: (s: CapacityStep) => number) => {
    let d = ''
    pool.Steps.forEach((s, n) => {
      d += n === 0 ? `M${x(s.At)},${y(value(s))}` : `H${x(s.At)}V${y(value(s))}`
    })
    return `${d}H${x(until)}`
  }
  const shaded: string[] = []
  pool.Steps.forEach((s, n) => {
    if (pool.AvailableWorkers > 0 && s.BusyWorkers >= pool.AvailableWorkers) {
      const end = n + 1 < pool.Steps.length ? pool.Steps[n + 1].At : until
      shaded.push(`<rect class="all-busy" x="${x(s.At)}" y="${top}" width="${(Number(x(end)) - Number(x(s.At))).toFixed(1)}" height="${height - top - bottom}"/>`)
    }
  })
  const ticks: string[] = []
  for (let k = 0; k <= 4; k++) {
    const at = since + (span * k) / 4
    // Seconds on the axis of a window shorter than an hour, where minutes would repeat.
    const label = span < HOUR_MS ? new Date(at).toISOString().slice(11, 19) : utc(at)
    ticks.push(`<text x="${x(at)}" y="${height - 8}" text-anchor="${k === 0 ? 'start' : k === 4 ? 'end' : 'middle'}">${esc(label)}</text>`)
  }
  const yTicks = [...new Set([0, Math.ceil(yMax / 2), yMax])].map((n) => `<text x="${left - 6}" y="${Number(y(n)) + 4}" text-anchor="end">${n}</text><line class="axis" x1="${left}" x2="${width - right}" y1="${y(n)}" y2="${y(n)}"/>`)
  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Concurrent leases over time against ${pool.AvailableWorkers} available workers">
<g data-series="all-busy">${shaded.join('')}</g>
${yTicks.join('')}
${ticks.join('')}
<line class="series-available" data-series="available" x1="${left}" x2="${width - right}" y1="${y(pool.AvailableWorkers)}" y2="${y(pool.AvailableWorkers)}"/>
<path class="series-busy" data-series="busy-workers" d="${path((s) => s.BusyWorkers)}"/>
<path class="series-leases" data-series="leases" d="${path((s) => s.Leases)}"/>
</svg>`
}

/** Per hour with any lease: the most leases and busy workers seen, and how long every worker was busy. */
export function hourlyPeaks(pool: PoolCapacity, until: number): Array<{Hour: number; Leases: number; BusyWorkers: number; AllBusyMs: number}> {
  const hours = new Map<number, {Hour: number; Leases: number; BusyWorkers: number; AllBusyMs: number}>()
  pool.Steps.forEach((s, n) => {
    const end = n + 1 < pool.Steps.length ? pool.Steps[n + 1].At : until
    if (s.Leases === 0) return
    for (let h = Math.floor(s.At / HOUR_MS); h * HOUR_MS < Math.max(end, s.At + 1); h++) {
      const row = hours.get(h) ?? {Hour: h * HOUR_MS, Leases: 0, BusyWorkers: 0, AllBusyMs: 0}
      row.Leases = Math.max(row.Leases, s.Leases)
      row.BusyWorkers = Math.max(row.BusyWorkers, s.BusyWorkers)
      if (pool.AvailableWorkers > 0 && s.BusyWorkers >= pool.AvailableWorkers) row.AllBusyMs += Math.max(0, Math.min(end, (h + 1) * HOUR_MS) - Math.max(s.At, h * HOUR_MS))
      hours.set(h, row)
    }
  })
  return [...hours.values()].sort((a, b) => a.Hour - b.Hour)
}

/** Horizontal bars of the lease-duration buckets (one series). */
export function durationChart(pool: PoolCapacity): string {
  const buckets = pool.Durations.Buckets
  const max = Math.max(1, ...buckets.map((b) => b.Leases))
  const rowHeight = 18
  const height = buckets.length * rowHeight + 4
  const bars = buckets.map((b, n) => {
    const w = ((b.Leases / max) * 600).toFixed(1)
    return `<text x="110" y="${n * rowHeight + 13}" text-anchor="end">${esc(bucketLabel(b.UpToSeconds, n === 0 ? null : buckets[n - 1].UpToSeconds))}</text><rect class="bar" x="116" y="${n * rowHeight + 3}" width="${w}" height="${rowHeight - 6}"/><text x="${(122 + Number(w)).toFixed(1)}" y="${n * rowHeight + 13}">${b.Leases}</text>`
  })
  return `<svg viewBox="0 0 900 ${height}" role="img" aria-label="Lease durations"><g data-series="durations">${bars.join('')}</g></svg>`
}

function bucketLabel(upTo: number | null, previous: number | null): string {
  if (upTo === null) return `over ${dur(previous ?? 0)}`
  return previous === null ? `up to ${dur(upTo)}` : `${dur(previous)} – ${dur(upTo)}`
}

function poolSection(pool: PoolCapacity, name: string, since: number, until: number): string {
  const allBusy = pool.AllBusySeconds > 0 ? `<span class="alert">every worker busy for ${esc(dur(pool.AllBusySeconds))}</span>` : 'never every worker busy'
  const idle = pool.IdleFraction === null ? 'no available worker' : `workers idle ${Math.floor(pool.IdleFraction * 1000) / 10}% of the window`
  const hourly = hourlyPeaks(pool, until)
  const d = pool.Durations
  return `<section class="pool">
<h3>Pool ${name}</h3>
<p>${plural(pool.AvailableWorkers, 'available worker')}; peak ${plural(pool.PeakConcurrentLeases, 'concurrent lease')}; ${allBusy}; ${idle}.</p>
<figure>
${poolChart(pool, since, until)}
<figcaption class="key"><span><i style="background: var(--leases)"></i>leases open</span><span><i style="background: var(--busy)"></i>workers busy</span><span><i style="background: var(--avail)"></i>available workers</span><span><i style="background: var(--alert-bg)"></i>every worker busy</span></figcaption>
</figure>
<details><summary>The chart as a table: per hour with a lease (UTC)</summary>
<table><thead><tr><th scope="col">Hour (UTC)</th><th scope="col">Most leases open</th><th scope="col">Most workers busy</th><th scope="col">Every worker busy</th></tr></thead>
<tbody>${hourly.length === 0 ? '<tr><td colspan="4">No lease in the window.</td></tr>' : hourly.map((h) => `<tr><td>${esc(utc(h.Hour))}</td><td>${h.Leases}</td><td>${h.BusyWorkers}</td><td>${h.AllBusyMs > 0 ? esc(formatDuration(h.AllBusyMs)) : ''}</td></tr>`).join('')}</tbody></table>
</details>
<h4>Lease durations in ${name}</h4>
${durationChart(pool)}
<table><caption class="muted">${plural(d.Count, 'lease')}</caption><thead><tr><th scope="col">Median</th><th scope="col">90th percentile</th><th scope="col">99th percentile</th><th scope="col">Longest</th></tr></thead>
<tbody><tr><td>${esc(dur(d.P50))}</td><td>${esc(dur(d.P90))}</td><td>${esc(dur(d.P99))}</td><td>${esc(dur(d.Max))}</td></tr></tbody></table>
<table><thead><tr><th scope="col">Duration</th><th scope="col">Leases</th></tr></thead>
<tbody>${d.Buckets.map((b, n) => `<tr><td>${esc(bucketLabel(b.UpToSeconds, n === 0 ? null : d.Buckets[n - 1].UpToSeconds))}</td><td>${b.Leases}</td></tr>`).join('')}</tbody></table>
</section>`
}

/** The days a heatmap shows: every day of the window, or only days with a lease when the window is longer than a month. */
function heatDays(worker: WorkerHeat, since: number, until: number): string[] {
  const busyDays = [...new Set(worker.Cells.map((c) => c.Day))]
  const first = Math.floor(since / 86_400_000)
  const last = Math.floor(Math.max(since, until - 1) / 86_400_000)
  if (last - first > 31) return busyDays
  const days: string[] = []
  for (let d = first; d <= last; d++) days.push(new Date(d * 86_400_000).toISOString().slice(0, 10))
  return days
}

/** A heatmap as a table: shaded cells, each with its busy minutes in it, so the table is its own text alternative. */
function workerSection(worker: WorkerHeat, name: string, since: number, until: number): string {
  const cells = new Map(worker.Cells.map((c) => [`${c.Day} ${c.Hour}`, c.BusySeconds]))
  const hours = Array.from({length: 24}, (_, h) => h)
  const rows = heatDays(worker, since, until).map((day) => `<tr><th scope="row">${day}</th>${hours.map((h) => {
    const busy = cells.get(`${day} ${h}`) ?? 0
    const share = Math.min(1, busy / 3600)
    const minutes = busy > 0 ? Math.max(1, Math.round(busy / 60)) : 0
    return `<td${busy > 0 ? ` style="--v: ${share.toFixed(2)}"${share > 0.5 ? ' class="hot"' : ''} title="${day} ${String(h).padStart(2, '0')}:00: busy ${esc(dur(busy))}"` : ''}>${minutes > 0 ? minutes : ''}</td>`
  }).join('')}</tr>`)
  return `<section class="worker">
<h3>Worker ${name}</h3>
<p class="muted">Pools: ${worker.WorkerPoolNames.map(esc).join(', ') || 'none'}; busy ${esc(dur(worker.BusySeconds))} in the window${worker.MutexWaitSeconds > 0 ? `; <span class="alert">${esc(dur(worker.MutexWaitSeconds))} waiting on another script’s mutex</span>` : '; no mutex wait logged'}.</p>
<table class="heat"><caption class="muted">Busy minutes per hour (UTC)</caption><thead><tr><th scope="col">Day</th>${hours.map((h) => `<th scope="col">${String(h).padStart(2, '0')}</th>`).join('')}</tr></thead>
<tbody>${rows.join('')}</tbody></table>
</section>`
}
