import * as Flags from '@oclif/core/flags'
import * as Errors from '@oclif/core/errors'
import type * as Interfaces from '@oclif/core/interfaces'
import {Command} from '@oclif/core/command'
import {CliError, ExitCode, redact, usageError, type ExitCodeValue} from '../text/errors.js'
import {isBulkResult} from '../domain/bulk.js'
import {describeParseFailure, type ParseFailure} from './parse-errors.js'
import {FlagValueError} from './flags.js'
import {inFlagWords} from './client-errors.js'
import {renderBulk} from '../views/bulk.js'
import type {Rendered, ViewContext} from '../views/format.js'
import {jsonTextWithoutLinks, writeError, writeJsonDocument, writeStderr, writeStderrLine, writeStdout} from '../ui/output.js'
import {colorEnabled} from '../ui/color.js'
import {canPromptIn, currentContext, type CommandContext} from './context.js'

export type {Rendered} from '../views/format.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>

/**
 * Flags and behaviour every command shares: --json, --no-prompt, --debug, --no-color; errors and
 * exit codes; and the command contract (docs/ARCHITECTURE.md §7): `run()` gathers typed inputs,
 * calls one lib function and returns its typed result; this class prints it, as JSON under --json
 * (`toJson`) or through the command's `render` otherwise, and takes the exit code from it
 * (`exitCodeFor`). Streaming commands (`leases tail`, `sandbox start`) print as they go and return
 * nothing.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  /**
   * oclif owns --json: `jsonEnabled()` says whether it is on, before parsing too (so a flag-parsing
   * error is a JSON document), and a `--json` after `--` is an argument, not the flag. The
   * document itself goes through our writer (toSuccessJson, logJson below).
   */
  static override enableJsonFlag = true

  static override baseFlags = {
    // Declared here too for its description: oclif's own --json is replaced by a base flag of that name.
    json: Flags.boolean({description: 'Print one JSON document on stdout (errors too).', helpGroup: 'GLOBAL'}),
    'no-prompt': Flags.boolean({description: 'Never prompt (also when CI is set).', helpGroup: 'GLOBAL'}),
    debug: Flags.boolean({description: 'Log each HTTP request (method, URL, status, ms) to stderr, secrets redacted.', helpGroup: 'GLOBAL'}),
    'no-color': Flags.boolean({description: 'No colour (also NO_COLOR).', helpGroup: 'GLOBAL'}),
  }

  protected flags!: BaseFlags<T>
  protected args!: Interfaces.InferredArgs<T['args']>
  /** Secrets this run knows about, redacted from anything printed. */
  protected secrets: string[] = []

  /**
   * Everything this run gets from outside (docs/ARCHITECTURE.md §7): its terminal, prompter,
   * environment, clock and client factory. Commands read these here, never from `process`.
   */
  protected readonly context: CommandContext = currentContext()
  private stopListening: Array<() => void> = []

  protected get io() {
    return this.context.io
  }

  protected get env() {
    return this.context.env
  }

  public override async init(): Promise<void> {
    await super.init()
    let parsed
    try {
      parsed = await this.parse({
        flags: this.ctor.flags,
        baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
        enableJsonFlag: this.ctor.enableJsonFlag,
        args: this.ctor.args,
        strict: this.ctor.strict,
      })
    } finally {
      // Parsed, if wrongly: oclif would otherwise warn, outside production, on the process's own
      // stderr that this command "did not parse its arguments" after every bad flag.
      this.parsed = true
    }
    const {flags, args, argv} = parsed
    this.flags = flags as BaseFlags<T>
    this.args = args as Interfaces.InferredArgs<T['args']>
    this.argValues = argv as string[]
    this.io.setColorEnabled(!this.jsonEnabled() && colorEnabled({noColorFlag: this.flags['no-color'], env: this.env, isTTY: this.io.stdout.isTTY}))
    this.onSignal('SIGINT', () => this.onInterrupt())
  }

  /** Listens for a signal until this run ends (a run inside another process leaves no listener behind). */
  protected onSignal(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void {
    this.stopListening.push(this.context.onSignal(signal, handler))
  }

  public override async finally(error: Error | undefined): Promise<unknown> {
    for (const stop of this.stopListening.splice(0)) stop()
    for (const text of this.warningsAfterPrompts.splice(0)) this.warnUser(text)
    return super.finally(error)
  }

  /** Every positional argument, parsed once in init(): what variadic commands (strict = false) take. */
  protected argValues: string[] = []

  /** Ctrl-C: exit 130 unless a command (e.g. `leases tail`) handles it. */
  protected onInterrupt(): void {
    writeStderr(this.io, 'Interrupted.')
    this.context.exit(ExitCode.Interrupted)
  }

  protected get interactive(): boolean {
    return canPromptIn(this.context, this.flags?.['no-prompt'])
  }

  protected get isJson(): boolean {
    return this.jsonEnabled()
  }

  /**
   * oclif's rule (OCTOWORKERS_CONTENT_TYPE=json, or a --json before any `--`), read from the run's
   * environment: oclif's own reads process.env, which a run given its own context must not see.
   */
  public override jsonEnabled(): boolean {
    if (!(this.constructor as typeof BaseCommand).enableJsonFlag) return false
    if (this.env.OCTOWORKERS_CONTENT_TYPE?.toLowerCase() === 'json') return true
    const jsonAt = this.argv.indexOf('--json')
    const passThroughAt = this.argv.indexOf('--')
    return jsonAt !== -1 && (passThroughAt === -1 || jsonAt < passThroughAt)
  }

  /** Prints a JSON document (Links stripped) on stdout. */
  protected printJson(doc: unknown): void {
    writeJsonDocument(this.io, doc, (text) => this.clean(text))
  }

  protected print(text: string): void {
    writeStdout(this.io, this.clean(text))
  }

  /**
   * Progress, warnings and notes: stderr, never stdout, one line each. A note is a line by
   * contract, so a newline in it can only have come from a server string and is shown escaped.
   */
  protected note(text: string): void {
    writeStderrLine(this.io, this.clean(text))
  }

  protected noteLines(lines: string[]): void {
    for (const line of lines) this.note(line)
  }

  protected warnUser(text: string): void {
    writeStderrLine(this.io, this.clean(`${this.io.paint.yellow('Warning:')} ${text}`))
  }

  private warnedOnce = new Set<string>()
  private warningsAfterPrompts: string[] = []

  /**
   * A warning that holds for the whole run (a key read from a plain file): printed once however
   * often it is raised, and, in a run that may prompt, after the run rather than between or
   * inside its questions.
   */
  protected warnOnce(text: string): void {
    if (this.warnedOnce.has(text)) return
    this.warnedOnce.add(text)
    if (this.interactive) this.warningsAfterPrompts.push(text)
    else this.warnUser(text)
  }

  protected debugLine = (line: string): void => {
    if (this.flags?.debug) writeStderrLine(this.io, this.clean(`[debug] ${line}`))
  }

  /**
   * Destructive commands ask for the resource's name to be typed, or take -y/--yes. Under
   * --no-prompt (or CI, or no TTY) without --yes they refuse (exit 2) before changing anything.
   */
  protected async confirmDestructive(opts: {yes?: boolean; action: string; names: string[]; details?: string[]}): Promise<void> {
    this.refuseUnconfirmable(opts)
    if (opts.yes) return
    for (const line of opts.details ?? []) this.note(line)
    const expected = opts.names.length === 1 ? opts.names[0] : String(opts.names.length)
    const question = opts.names.length === 1 ? `Type the name '${expected}' to ${opts.action}:` : `Type ${expected} (the number of items) to ${opts.action}:`
    const answer = await this.context.prompter.input(question)
    if (answer.trim() !== expected) throw usageError('Confirmation did not match; nothing was changed.')
  }

  /** The refusal half of confirmDestructive, for commands to call before any request. */
  protected refuseUnconfirmable(opts: {yes?: boolean; action: string}): void {
    if (opts.yes || this.interactive) return
    throw usageError(`Refusing to ${opts.action} without confirmation: prompts are off (--no-prompt, CI, or no terminal).`, {hint: 'Pass -y/--yes to confirm.'})
  }

  protected clean(text: string): string {
    return redact(text, this.secrets)
  }

  /** The human form of a result returned by run(). Bulk results have one shared form. */
  protected render(result: unknown): Rendered | Promise<Rendered> {
    if (isBulkResult(result)) return renderBulk(result)
    return {stdout: jsonTextWithoutLinks(result)}
  }

  /** What a view needs of this run to render a result of this command in any of its formats (src/views/format.ts). */
  protected viewContext<R>(): ViewContext<R> {
    return {json: (result) => this.toJson(result), table: this.io.table, paint: this.io.paint}
  }

  /** The --json document of a result returned by run(): by default the result itself (Links removed). */
  protected toJson(result: unknown): unknown {
    return result
  }

  /** The exit code of a run that returned `result`: a bulk run that stopped at a failure is 1. */
  protected exitCodeFor(result: unknown): ExitCodeValue {
    return isBulkResult(result) && result.Failed > 0 ? ExitCode.Failure : ExitCode.Success
  }

  /** The --json document oclif prints after a run that returned `result`. */
  public override toSuccessJson(result: unknown): unknown {
    return this.toJson(result)
  }

  /** oclif's printing of a --json document, through our writer (Links stripped, secrets redacted). */
  public override logJson(json: unknown): void {
    this.printJson(json)
  }

  /**
   * oclif's own run loop (init, run, catch, finally, and under --json the document), then the
   * human form and the exit code: the one place a result is printed.
   */
  public override async _run<U>(): Promise<U> {
    let result: U
    try {
      result = await super._run<U>()
    } catch (error) {
      // A failure printing the --json document (oclif's catch has already handled the run's own).
      await this.catch(error as Error)
      return undefined as U
    }
    if (result === undefined) return result
    try {
      if (!this.jsonEnabled()) {
        const rendered = await this.render(result)
        if ('document' in rendered) this.printJson(rendered.document)
        else if (rendered.stdout) this.print(rendered.stdout)
        for (const line of rendered.stderr ?? []) this.note(line)
      }
      const exitCode = this.exitCodeFor(result)
      if (exitCode !== ExitCode.Success) this.context.setExitCode(exitCode)
    } catch (error) {
      await this.catch(error as Error)
    }
    return result
  }

  /** The long flags this command shows in --help: the candidates for "Did you mean --x?". */
  private visibleFlagNames(): string[] {
    const flags = {...(this.ctor as unknown as {baseFlags?: Record<string, {hidden?: boolean}>}).baseFlags, ...this.ctor.flags} as Record<string, {hidden?: boolean}>
    return Object.entries(flags).filter(([, flag]) => !flag.hidden).map(([name]) => name)
  }

  /** One clear line (plus a hint) and the documented exit code; JSON on stdout with --json. */
  protected override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}; code?: string}): Promise<void> {
    if (error instanceof Errors.ExitError || error?.code === 'EEXIT') throw error
    let cliError: CliError
    if (error instanceof FlagValueError) cliError = error.reason
    else if (error instanceof CliError) cliError = error
    else if (error?.name === 'ExitPromptError' || error?.name === 'AbortPromptError') {
      // Ctrl-C at an inquirer prompt.
      cliError = new CliError('Interrupted; nothing was changed.', ExitCode.Interrupted)
    }
    // Our code throws no oclif errors, so one here is the parser's: an unknown flag, a missing
    // argument, a value not among a flag's options, flags that exclude each other...
    else if (error instanceof Errors.CLIError) {
      const described = describeParseFailure(parseFailureOf(error), this.visibleFlagNames())
      cliError = new CliError(described.message, ExitCode.Usage, {
        hint: `See \`${[this.config.bin, this.id?.replaceAll(':', ' '), '--help'].filter(Boolean).join(' ')}\`.`,
        details: described.suggestions.length ? {suggestions: described.suggestions} : undefined,
      })
    } else {
      cliError = new CliError(`Unexpected error: ${firstLine(error?.message ?? String(error))}`, ExitCode.Failure, {hint: this.flags?.debug ? undefined : 'Run again with --debug for details.'})
    }
    cliError = inFlagWords(cliError)
    writeError(this.io, cliError, {json: this.jsonEnabled(), clean: (text) => this.clean(text)})
    if (this.flags?.debug && error?.stack) writeStderr(this.io, this.clean(error.stack))
    this.context.setExitCode(cliError.exitCode)
  }
}

/**
 * The plain facts of an oclif parse error, for describeParseFailure (below src/cli nothing knows oclif).
 * @oclif/core exports none of its parser's error classes (only Errors.CLIError, their base), so
 * each is told by the fields its declaration gives it: NonExistentFlagsError's `flags`,
 * RequiredArgsError's and UnexpectedArgsError's `args`.
 */
function parseFailureOf(error: Error & {flags?: unknown; args?: unknown}): ParseFailure {
  const list = (value: unknown): unknown[] | undefined => (Array.isArray(value) && value.length > 0 ? value : undefined)
  const flags = list(error.flags)
  const args = list(error.args)
  return {
    message: error.message,
    unknownFlags: flags?.every((f) => typeof f === 'string') ? (flags as string[]) : undefined,
    // RequiredArgsError lists argument definitions; UnexpectedArgsError the words given.
    missingArgs: args?.every((a) => typeof a === 'object' && a !== null && 'name' in a) ? args.map((a) => String((a as {name: string}).name)) : undefined,
    unexpectedArgs: args?.every((a) => typeof a === 'string') ? (args as string[]) : undefined,
  }
}

function firstLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean)
  return lines.slice(0, 2).join(' ')
}
