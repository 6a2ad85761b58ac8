import {Flags} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {usageError} from '../../lib/errors.js'
import {NameDirectory} from '../../lib/leases/directory.js'
import {resolveLeaseFilter} from '../../lib/leases/filter.js'
import {formatEventLine} from '../../lib/leases/format.js'
import {chooseSourceKind, createLeaseSource, SOURCE_CHOICES, type SourceChoice} from '../../lib/leases/sources.js'
import {followLeases} from '../../lib/leases/tail.js'
import {parsePositiveInteger, parsePositiveSeconds} from '../../lib/leases/time.js'
import {allSpaceContexts} from '../../lib/policy/snapshot.js'
import {paint} from '../../lib/render/color.js'
import {terminalSafe, terminalSafeFields} from '../../lib/render/safe.js'

export default class LeasesTail extends ServerCommand<typeof LeasesTail> {
  static override summary = 'Follow worker leases live: which task leased which worker, and when it let go.'

  static override description = `Prints one line per event (Leased/Released) until Ctrl-C, which exits 0. Each line
has the time, the event, worker, pool, task ID and description, space, and "exclusive" for
exclusive leases. With --json, one JSON object a line with the fields Event, Time, LeaseId,
WorkerId, WorkerName, WorkerPoolId, WorkerPoolName, TaskId, TaskDescription, SpaceId, Exclusive,
Source.

Sources (--source): "api" polls /api/{space}/workertaskleases and compares snapshots (newer
servers; a release is stamped when it is first seen gone; a lease shorter than one poll interval
is never seen). "logs" reads the logs of tasks as
they start and complete (older servers, where that route is 404): a lease line
"Leased worker <name> from pool <pool> (lease <id>)", and Released at a release line or when
the task completes. "auto" (default) uses the lease API where the server has it; --debug says
which was chosen and logs each request and each poll's request count.

Network errors and server restarts are ridden out: the command backs off, says so on stderr,
reconnects, and then reports what happened meanwhile that the server still shows, never
printing an event twice.

--max-events N and --duration S stop it on their own (exit 0): for scripts, tests and demos.

${EXIT_CODES_HELP}`

  static override examples = [
    '<%= config.bin %> leases tail',
    '<%= config.bin %> leases tail --pool "Linux workers" --json',
    '<%= config.bin %> leases tail --all-spaces --include-active',
    '<%= config.bin %> leases tail --duration 60 --interval 5',
  ]

  static override flags = {
    source: Flags.string({description: 'Where leases are read from.', options: SOURCE_CHOICES, default: 'auto'}),
    pool: Flags.string({description: 'Only leases from this pool (name or ID; repeatable).', multiple: true}),
    worker: Flags.string({description: 'Only leases of this worker (name or ID; repeatable).', multiple: true}),
    'all-spaces': Flags.boolean({description: 'Follow every space (instead of --space).'}),
    interval: Flags.string({description: 'Seconds between polls (fractions allowed).', default: '2'}),
    'since-now': Flags.boolean({description: 'Only events from now on (the default).'}),
    'include-active': Flags.boolean({description: 'First print the leases already active as Leased.'}),
    'max-events': Flags.string({description: 'Stop after printing this many events.'}),
    duration: Flags.string({description: 'Stop after this many seconds.'}),
  }

  private readonly interrupted = new AbortController()

  /** Ctrl-C ends the follow cleanly: exit 0, not 130. */
  protected override onInterrupt(): void {
    this.interrupted.abort()
  }

  public async run(): Promise<void> {
    const flags = this.flags
    const intervalMs = parsePositiveSeconds('interval', flags.interval) * 1000
    const maxEvents = flags['max-events'] === undefined ? undefined : parsePositiveInteger('max-events', flags['max-events'])
    const durationMs = flags.duration === undefined ? undefined : parsePositiveSeconds('duration', flags.duration) * 1000
    if (flags['since-now'] && flags['include-active']) throw usageError('--since-now and --include-active contradict each other; give one.')
    // An explicit --all-spaces outranks the OCTOPUS_SPACE default (as in `check`); only the two flags clash.
    if (flags['all-spaces'] && flags.space !== undefined) throw usageError('--all-spaces and --space contradict each other; give one.')

    const {client} = await this.connect()
    const spaces = flags['all-spaces'] ? await allSpaceContexts(client) : [(await this.connectSpace()).space]

    const directories = spaces.map((space) => new NameDirectory(space))
    await Promise.all(directories.map((d) => d.load()))
    const filter = resolveLeaseFilter(directories, flags.pool, flags.worker)
    const sources = []
    for (const [i, space] of spaces.entries()) {
      const kind = await chooseSourceKind(space, flags.source as SourceChoice, this.debugLine)
      sources.push(createLeaseSource(kind, space, directories[i]))
    }

    const json = this.isJson
    const eventPaint = {event: (kind: string, text: string) => (kind === 'Leased' ? paint.green(text) : paint.dim(text))}
    await followLeases({
      sources,
      intervalMs,
      includeActive: flags['include-active'],
      filter,
      maxEvents,
      durationMs,
      signal: this.interrupted.signal,
      emit: (event) => this.print(json ? JSON.stringify(event) : formatEventLine(terminalSafeFields(event), eventPaint)),
      onReady: (active) => {
        // On stderr even with --json: scripts and tests wait for this line before starting work.
        this.note(`Following worker leases in ${spaces.map((s) => terminalSafe(s.space.Name)).join(', ')} (${active} active now; every ${intervalMs / 1000}s; Ctrl-C to stop)…`)
      },
      notice: (message) => this.note(message),
      debug: flags.debug ? this.debugLine : undefined,
      requestCount: () => client.requestCount,
    })
  }
}
