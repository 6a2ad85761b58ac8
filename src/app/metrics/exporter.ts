/**
 * `metrics serve`'s reading of the server: every interval, one read of the estate (the read model
 * `check` uses, without the usage/* rules' reads of every deployment process) and one poll of the
 * lease sources `leases tail` uses. Scrapes are answered with the page the last read produced, so
 * the server is read a fixed number of times per interval however often Prometheus scrapes, and
 * the cost of a read does not grow with the number of workers (a fixed number of list requests
 * per space, plus one log read per task that completed since the last read).
 */
import type {OctopusClient, SpaceContext} from '../../octopus/client.js'
import type {PolicyConfig} from '../../config/octoworkers-yaml/load.js'
import {floorFunction} from '../../domain/floor.js'
import {runCheck} from '../../domain/policy/engine.js'
import type {Snapshot} from '../../domain/estate/types.js'
import type {LeaseSource} from '../../domain/leases/types.js'
import {readSnapshot} from '../estate/read.js'
import {NameDirectory} from '../leases/directory.js'
import {chooseSourceKind, createLeaseSource} from '../leases/sources.js'
import {LeaseTally} from './lease-tally.js'
import {renderMetrics, type EstateReading} from './registry.js'
import {abortableSleep} from '../../text/sleep.js'
import type {UnreadableCause, UnreadablePart} from '../unreadable-part.js'

export interface ExporterOptions {
  client: OctopusClient
  spaces: SpaceContext[]
  config: PolicyConfig
  intervalMs: number
  build: {version: string; nodeVersion: string}
  /** Told when reading changes state (a read failed, reads work again) and of each optional part that could not be read, once. */
  notice: (notice: ExporterNotice) => void
  debug?: (line: string) => void
  /** Wall clock, ms since the epoch (lease times are wall-clock times). */
  now?: () => number
}

/**
 * What the exporter tells its operator while it runs; src/views/metrics.ts words each one.
 * `read-failed` carries the error's message without its closing full stop; `part-unavailable`
 * names an optional part of the estate that could not be read and why (src/app/unreadable-part.ts).
 */
export type ExporterNotice =
  | {kind: 'read-failed'; message: string}
  | {kind: 'read-recovered'}
  | {kind: 'part-unavailable'; part: UnreadablePart; cause: UnreadableCause}

export interface MetricsPage {
  text: string
  contentType: string
}

export class EstateExporter {
  private sources: LeaseSource[] | undefined
  private readonly tally: LeaseTally
  private lastSnapshot: Snapshot | undefined
  private lastSuccessAt: number | undefined
  private failure: string | undefined
  private page: MetricsPage | undefined
  private firstPage: Promise<MetricsPage>
  private resolveFirstPage!: (page: MetricsPage) => void
  private readonly now: () => number
  /** Reads made, for --debug and the tests. */
  reads = 0

  constructor(private readonly options: ExporterOptions) {
    this.now = options.now ?? Date.now
    this.tally = new LeaseTally(this.now())
    this.firstPage = new Promise((resolve) => (this.resolveFirstPage = resolve))
  }

  /** The page of the last completed read (waits for the first read to complete). */
  current(): Promise<MetricsPage> {
    return this.page ? Promise.resolve(this.page) : this.firstPage
  }

  /** Reads until the signal, one read per interval measured from one read's start to the next (a read that overran starts the next at once). */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const started = performance.now()
      await this.read()
      await abortableSleep(Math.max(0, started + this.options.intervalMs - performance.now()), signal)
    }
  }

  /** One read of the server, then the page it makes. Never throws: a failed read is `octoworkers_up 0`. */
  async read(): Promise<MetricsPage> {
    const {client, spaces, config} = this.options
    const before = client.requestCount
    const started = performance.now()
    let reading: EstateReading | undefined
    try {
      const [snapshot] = await Promise.all([
        readSnapshot(client, spaces, {usage: false, onUnavailable: (part, cause) => this.once({kind: 'part-unavailable', part, cause})}),
        this.pollLeases(),
      ])
      reading = {snapshot, check: runCheck(snapshot, config), activeLeases: this.tally.activeLeases()}
      this.lastSnapshot = snapshot
      this.lastSuccessAt = this.now()
      if (this.failure !== undefined) this.options.notice({kind: 'read-recovered'})
      this.failure = undefined
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '')
      if (this.failure !== message) this.options.notice({kind: 'read-failed', message})
      this.failure = message
    }
    const readSeconds = (performance.now() - started) / 1000
    this.reads++
    this.options.debug?.(`read ${this.reads}: ${client.requestCount - before} requests, ${readSeconds.toFixed(3)}s, ${reading ? 'ok' : 'failed'}`)
    const page = await renderMetrics({
      reading,
      poolTotals: this.tally.poolTotals(),
      readSeconds,
      lastSuccessAt: this.lastSuccessAt,
      lastSnapshot: this.lastSnapshot,
      intervalSeconds: this.options.intervalMs / 1000,
      floorOf: floorFunction(undefined, config),
      build: this.options.build,
    })
    this.page = page
    this.resolveFirstPage(page)
    return page
  }

  /**
   * The first call starts the sources (what is held now is the baseline, not news); later calls
   * poll them. A source keeps its state across a failed poll, so the next poll reports what
   * happened meanwhile, and each lease is counted once.
   */
  private async pollLeases(): Promise<void> {
    if (!this.sources) {
      const sources: LeaseSource[] = []
      for (const space of this.options.spaces) {
        const kind = await chooseSourceKind(space, 'auto', this.options.debug)
        const source = createLeaseSource(kind, space, await loadedDirectory(space))
        // Mutex waits from the completed tasks' logs the source reads anyway: no extra request.
        source.onCompletedTaskLog = (log) => this.tally.recordTaskLog(log)
        sources.push(source)
      }
      const held = await Promise.all(sources.map((source) => source.start()))
      this.tally.baseline(held.flat())
      this.sources = sources
      return
    }
    const outcomes = await Promise.allSettled(this.sources.map((source) => source.poll()))
    for (const outcome of outcomes) if (outcome.status === 'fulfilled') this.tally.record(outcome.value)
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')
    if (failed) throw failed.reason
  }

  /** The parts already reported unavailable: each is told once per run, not once per read. */
  private readonly told = new Set<string>()
  private once(notice: Extract<ExporterNotice, {kind: 'part-unavailable'}>): void {
    const key = JSON.stringify([notice.part, notice.cause])
    if (this.told.has(key)) return
    this.told.add(key)
    this.options.notice(notice)
  }
}

async function loadedDirectory(space: SpaceContext): Promise<NameDirectory> {
  const directory = new NameDirectory(space)
  await directory.load()
  return directory
}

