import {Flags} from '@oclif/core'
import {ServerCommand} from '../../server-command.js'
import {usageError} from '../../lib/errors.js'
import {NameDirectory} from '../../lib/leases/directory.js'
import {resolveLeaseFilter} from '../../lib/leases/filter.js'
import {formatEventLine} from '../../lib/leases/format.js'
import {chooseSourceKind, COMPLETENESS, createLeaseSource, SOURCE_CHOICES, type SourceChoice} from '../../lib/leases/sources.js'
import {followLeases} from '../../lib/leases/tail.js'
import {INTERVAL_RANGE, parsePositiveInteger, parsePositiveSeconds} from '../../lib/leases/time.js'
import {allSpaceContexts} from '../../lib/estate/spaces.js'
import {terminalSafe, terminalSafeFields} from '../../lib/render/safe.js'

export default class LeasesTail extends ServerCommand<typeof LeasesTail> {
  static override summary = 'Follow worker leases live: which task leased which worker, and when it let go.'

  static override description = `Prints one line per event until Ctrl-C, which exits 0: Leased, Released, and ReleaseFailed (the task log says the server could not release the lease; it stays held until the server clears it). Each line has the time, the event, worker, pool, task ID and description, space, "exclusive" for exclusive leases, and "(from task log)" for a lease no poll saw (see auto). With --json, one JSON object a line with the fields Event, Time, LeaseId, WorkerId, WorkerName, WorkerPoolId, WorkerPoolName, TaskId, TaskDescription, SpaceId, Exclusive, Source ("api" or "logs": which source saw it).

Sources (--source): what each reads, and what it can miss.
- auto (default), on a server with the lease API: ${COMPLETENESS['api+logs']} Cost per poll and space: 1 lease-API request and 1 task-list request (plus 1 task lookup when a poll sees a new task), and 1 log read per task completed since the last poll; at start, the logs of the tasks executing then are read once.
- auto on a server without the lease API (404): as logs.
- api: ${COMPLETENESS.api}
- logs: ${COMPLETENESS.logs}

Leases are keyed by lease ID: each is printed Leased once, then Released once (and ReleaseFailed once if its log says the release failed; from the logs alone, no Released follows it). Times are the server's (TakenAt, log lines, step ends), except an API release, which is stamped when a poll first sees it gone. --debug says which source was chosen, and logs each request and each poll's request count.

Network errors, server restarts and answers that are not a lease collection (a login page, a proxy's page) are ridden out: the poll counts as failed, the command says so on stderr, retries (at the interval three times, then backing off), and then reports what happened meanwhile that the server still shows, never printing an event twice.

--max-events N and --duration S stop it on their own (exit 0): for scripts, tests and demos.`

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
    interval: Flags.string({description: 'Seconds between polls, from 0.1 to 3600 (fractions allowed).', default: '2'}),
    'since-now': Flags.boolean({description: 'Only events from now on (the default).'}),
    'include-active': Flags.boolean({description: 'First print the leases already active as Leased.'}),
    'max-events': Flags.string({description: 'Stop after printing this many events.'}),
    duration: Flags.string({description: 'Stop after this many seconds (at most 2147483).'}),
  }

  private readonly interrupted = new AbortController()

  /** Ctrl-C ends the follow cleanly: exit 0, not 130. */
  protected override onInterrupt(): void {
    this.interrupted.abort()
  }

  public async run(): Promise<void> {
    const flags = this.flags
    const intervalMs = parsePositiveSeconds('interval', flags.interval, INTERVAL_RANGE) * 1000
    const maxEvents = flags['max-events'] === undefined ? undefined : parsePositiveInteger('max-events', flags['max-events'])
    const durationMs = flags.duration === undefined ? undefined : parsePositiveSeconds('duration', flags.duration) * 1000
    if (flags['since-now'] && flags['include-active']) throw usageError('--since-now and --include-active contradict each other; give one.')
    // An explicit --all-spaces outranks the OCTOPUS_SPACE default (as in `check`); only the two flags clash.
    if (flags['all-spaces'] && flags.space !== undefined) throw usageError('--all-spaces and --space contradict each other; give one.')

    const {client} = await this.connect()
    const spaces = flags['all-spaces'] ? await allSpaceContexts(client) : [(await this.connectSpace()).space]

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
      emit: (event) => this.print(json ? JSON.stringify(event) : formatEventLine(terminalSafeFields(event), eventPaint, {markLogEvents, spaceNames})),
      onReady: (active) => {
        // On stderr even with --json: scripts and tests wait for this line before starting work.
        this.note(`Following worker leases in ${spaces.map((s) => terminalSafe(s.space.Name)).join(', ')} (${active} active now${flags.pool || flags.worker ? ' matching --pool/--worker' : ''}; every ${intervalMs / 1000}s; Ctrl-C to stop)…`)
      },
      notice: (message) => this.note(message),
      debug: flags.debug ? this.debugLine : undefined,
      requestCount: () => client.requestCount,
    })
  }
}
