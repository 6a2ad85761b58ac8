import * as Flags from '@oclif/core/flags'
import {ServerCommand} from '../../cli/server-command.js'
import {allSpacesFlag, durationFlag, flagParser} from '../../cli/flags.js'
import {EstateExporter} from '../../app/metrics/exporter.js'
import {startMetricsServer} from '../../app/metrics/http.js'
import {DEFAULT_LISTEN, parseListen, type ListenAddress} from '../../app/metrics/listen.js'
import {CONFIG_FILE_NAMES, loadConfig} from '../../config/octoworkers-yaml/load.js'
import {CliError, ExitCode} from '../../text/errors.js'
import {formatDuration} from '../../text/duration.js'
import {terminalSafe} from '../../ui/safe.js'
import {exporterNoticeLine} from '../../views/metrics.js'

export default class MetricsServe extends ServerCommand<typeof MetricsServe> {
  static override summary = 'Serve Prometheus metrics of the workers, pools and leases this tool sees.'

  static override description = `A Prometheus exporter: serves /metrics (and /healthz, and a landing page at /) until Ctrl-C or SIGTERM, which exit 0.

What it exports, per space and pool: workers by health, disabled workers, available workers, the pool's floor (.octoworkers.yaml minWorkers, else 2) and whether it is met, active leases, leased workers, whether the pool's steps go to the built-in worker; per worker: active leases; whether the built-in worker is on; \`check\` findings by rule and severity (without the usage/* rules, which read every deployment process); counters of leases granted and lease seconds per pool, from the lease sources \`leases tail\` reads (each lease counted once), and of seconds steps waited on another script's mutex on a worker per pool (from the logs of completed tasks those sources read anyway, each task counted once, on the pool of the lease the step held); octoworkers_up (0 when the last read failed), the last read's duration and time, and build info.

Cost: the server is read once per --min-interval (default 30s), whatever the number of scrapes: per space the four lists \`check\` reads plus two lease requests, the features document and server nodes once, and one log read per task that completed since the last read. Scrapes are answered from the last read.

Credentials come from the environment, the keychain or the profile, as for every command. It binds to 127.0.0.1:9465 unless --listen says otherwise.`

  static override examples = [
    '<%= config.bin %> metrics serve',
    '<%= config.bin %> metrics serve --all-spaces --listen 0.0.0.0:9465 --min-interval 1m',
  ]

  static override flags = {
    listen: Flags.custom<ListenAddress>({description: `Address to serve on, host:port (default ${DEFAULT_LISTEN}; port 0: any free port).`, parse: flagParser((input) => parseListen(input))})(),
    'all-spaces': allSpacesFlag('Export every space (not with --space).'),
    // Faster than a second only floods the server; slower than an hour makes every value stale.
    'min-interval': durationFlag({description: 'Time between reads of the server, from 1s to 1h (e.g. 30s, 1m; a bare number is seconds).', min: '1s', max: '1h', default: '30s'}),
    config: Flags.string({description: `Config file for floors and check settings (default: ${CONFIG_FILE_NAMES[0]} in the current directory or a parent).`}),
  }

  private readonly stop = new AbortController()

  /** Ctrl-C is the normal way to stop: close the server and exit 0. */
  protected override onInterrupt(): void {
    this.stop.abort()
  }

  public async run(): Promise<void> {
    const flags = this.flags
    this.onSignal('SIGTERM', () => this.stop.abort())
    const listen = flags.listen ?? parseListen(DEFAULT_LISTEN)
    const config = await loadConfig({explicitFile: flags.config, cwd: this.context.cwd})
    const {client} = await this.connect()
    const spaces = await this.connectSpaces(flags['all-spaces'])
    const exporter = new EstateExporter({
      client,
      spaces,
      config,
      intervalMs: flags['min-interval'],
      build: {version: this.config.version, nodeVersion: process.versions.node},
      notice: (notice) => this.note(exporterNoticeLine(notice)),
      debug: flags.debug ? this.debugLine : undefined,
    })
    let server
    try {
      server = await startMetricsServer({host: listen.host, port: listen.port, page: () => exporter.current()})
    } catch (error) {
      const code = (error as {code?: string}).code
      if (code === 'EADDRINUSE') throw new CliError(`metrics serve cannot listen on ${listen.host}:${listen.port}: the port is already in use.`, ExitCode.Failure, {hint: 'Choose another --listen port, or port 0 for any free one.'})
      throw new CliError(`metrics serve cannot listen on ${listen.host}:${listen.port}: ${(error as Error).message}`, ExitCode.Failure)
    }
    try {
      const reading = exporter.run(this.stop.signal)
      this.print(this.isJson ? JSON.stringify({Url: server.url, MetricsUrl: `${server.url}/metrics`}) : `Serving metrics at ${server.url}/metrics`)
      this.note(`Reading ${spaces.map((s) => terminalSafe(s.space.Name)).join(', ')} every ${formatDuration(flags['min-interval'])}; Ctrl-C to stop.`)
      await reading
    } finally {
      await server.close()
    }
    this.note('Stopped.')
  }
}
