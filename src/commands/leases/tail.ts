import * as Flags from '@oclif/core/flags'
import {ServerCommand} from '../../cli/server-command.js'
import {NameDirectory} from '../../app/leases/directory.js'
import {resolveLeaseFilter} from '../../app/leases/filter.js'
import {formatEventLine, tailNoticeLine} from '../../views/leases/events.js'
import {chooseSourceKind, COMPLETENESS, createLeaseSource, SOURCE_CHOICES, type SourceChoice} from '../../app/leases/sources.js'
import {followLeases} from '../../app/leases/tail.js'
import {allSpacesFlag, countFlag, durationFlag} from '../../cli/flags.js'
import {formatDuration} from '../../text/duration.js'
import {terminalSafe, terminalSafeFields} from '../../ui/safe.js'
import {terminalColumns} from '../../ui/table.js'
import {wrapWords} from '../../ui/wrap.js'

export default class LeasesTail extends ServerCommand<typeof LeasesTail> {
  static override summary = 'Follow worker leases live: which task leased which worker, and when it let go.'

  static override description = `Prints one line per event until Ctrl-C, which exits 0: Leased, Released, and ReleaseFailed (the task log says the server could not release the lease; it stays held until the server clears it). Each line has the time, the event, worker, pool, task ID and description, how long a Released lease was held (held=, from its TakenAt; left out when a time is unknown), space, "exclusive" for exclusive leases, and "(from task log)" for a lease no poll saw (see auto). With --json, one JSON object a line with the fields Event, Time, LeaseId, WorkerId, WorkerName, WorkerPoolId, WorkerPoolName, TaskId, TaskDescription, SpaceId, Exclusive, Source ("api" or "logs": which source saw it), and on a Released event HeldSeconds (when both times are known). On a terminal, an event wider than it goes on over more lines, breaking between fields, so nothing is cut.

Sources (--source): what each reads, and what it can miss.
- auto (default), on a server with the lease API: ${COMPLETENESS['api+logs']} Cost per poll and space: 1 lease-API request and 1 task-list request (plus 1 task lookup when a poll sees a new task), and 1 log read per task completed since the last poll; at start, the logs of the tasks executing then are read once.
- auto on a server without the lease API (404): as logs.
- api: ${COMPLETENESS.api}
- logs: ${COMPLETENESS.logs}

Leases are keyed by lease ID: each is printed Leased once, then Released once (and ReleaseFailed once if its log says the release failed; from the logs alone, no Released follows it). Times are the server's (TakenAt, log lines, step ends), except an API release, which is stamped when a poll first sees it gone. --debug says which source was chosen, and logs each request and each poll's request count.

Network errors, server restarts and answers that are not a lease collection (a login page, a proxy's page) are ridden out: the poll counts as failed, the command says so on stderr, retries (at the interval three times, then backing off), and then reports what happened meanwhile that the server still shows, never printing an event twice.

--max-events N and --duration (e.g. 10m) stop it on their own (exit 0): for scripts, tests and demos.`

  static override examples = [
    '<%= config.bin %> leases tail',
    '<%= config.bin %> leases tail --pool "Linux workers" --json',
    '<%= config.bin %> leases tail --all-spaces --include-active',
    '<%= config.bin %> leases tail --duration 10m --interval 5s',
  ]

  static override flags = {
    source: Flags.string({description: 'Where leases are read from.', options: SOURCE_CHOICES, default: 'auto'}),
    pool: Flags.string({description: 'Only leases from this pool (name or ID; repeatable).', multiple: true}),
    worker: Flags.string({description: 'Only leases of this worker (name or ID; repeatable).', multiple: true}),
    'all-spaces': allSpacesFlag('Follow every space (not with --space).'),
    // Faster than 0.1 s only floods the server; slower than an hour is no longer following.
    interval: durationFlag({description: 'Time between polls, from 100ms to 1h (e.g. 5s, 500ms; a bare number is seconds).', min: '100ms', max: '1h', default: '2s'}),
    'since-now': Flags.boolean({description: 'Only events from now on (the default; not with --include-active).'}),
    'include-active': Flags.boolean({description: 'First print the leases already active as Leased.', exclusive: ['since-now']}),
    'max-events': countFlag({description: 'Stop after printing this many events.', min: 1}),
    duration: durationFlag({description: 'Stop after this long (e.g. 60s, 10m, 1h; a bare number is seconds).'}),
  }

  private readonly interrupted = new AbortController()

  /** Ctrl-C ends the follow cleanly: exit 0, not 130. */
  protected override onInterrupt(): void {
    this.interrupted.abort()
  }

  /** A note wrapped to stderr's width when it is a terminal (one line per note when piped). */
  private wrappedNote(text: string): void {
    this.noteLines(this.io.stderr.isTTY ? wrapWords(text, terminalColumns(this.io.stderr, this.env), {hang: '  '}) : [text])
  }

  public async run(): Promise<void> {
    const flags = this.flags
    const intervalMs = flags.interval
    const maxEvents = flags['max-events']
    const durationMs = flags.duration
    // An explicit --all-spaces outranks the OCTOPUS_SPACE default (as in `check`); only the two flags clash.

    const {client} = await this.connect()
    const spaces = await this.connectSpaces(flags['all-spaces'])

    const directories = spaces.map((space) => new NameDirectory(space))
    const spaceNames = new Map(spaces.map((s) => [s.spaceId, terminalSafe(s.space.Name)]))
    await Promise.all(directories.map((d) => d.load()))
    const filter = resolveLeaseFilter(directories, flags.pool, flags.worker)
    const sources = []
    for (const [i, space] of spaces.entries()) {
      const kind = await chooseSourceKind(space, flags.source as SourceChoice, this.debugLine)
      sources.push(createLeaseSource(kind, space, directories[i]))
    }
    const markLogEvents = sources.some((s) => s.kind === 'api+logs')

    const json = this.isJson
    // On a terminal an event longer than it goes on over more lines, breaking between fields.
    const width = this.io.stdout.isTTY ? this.io.columns : undefined
    const paint = this.io.paint
    const eventPaint = {event: (kind: string, text: string) => (kind === 'Leased' ? paint.green(text) : kind === 'ReleaseFailed' ? paint.yellow(text) : paint.dim(text))}
    await followLeases({
      sources,
      intervalMs,
      includeActive: flags['include-active'],
      filter,
      maxEvents,
      durationMs,
      signal: this.interrupted.signal,
      emit: (event) => this.print(json ? JSON.stringify(event) : formatEventLine(terminalSafeFields(event), eventPaint, {markLogEvents, spaceNames, width})),
      onReady: (active) => {
        // On stderr even with --json: scripts and tests wait for this line before starting work.
        this.wrappedNote(`Following worker leases in ${spaces.map((s) => terminalSafe(s.space.Name)).join(', ')} (${active} active now${flags.pool || flags.worker ? ' matching --pool/--worker' : ''}; every ${formatDuration(intervalMs)}; Ctrl-C to stop)…`)
      },
      notice: (notice) => this.note(tailNoticeLine(notice)),
      debug: flags.debug ? this.debugLine : undefined,
      requestCount: () => client.requestCount,
    })
  }
}
