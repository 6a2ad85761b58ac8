import type {Command} from '@oclif/core'
import {ServerCommand} from '../server-command.js'
import {CliError, exitCodeForSignal, ExitCode, type ExitCodeValue, type StopSignal} from '../../text/errors.js'
import {writeStderr} from '../../ui/output.js'
import {flagSpellingsUsed} from '../flags.js'

/**
 * Base of `worker drain`, `worker upgrade` and `worker delete`, which wait on the server for
 * minutes: --wait-timeout bounds the wait (and --timeout, as everywhere, each HTTP request), and
 * Ctrl-C or SIGTERM (what `timeout` and a cancelled CI job send) during a wait stops waiting, so the
 * command reports the state it leaves and how to undo it, then exits 130 (SIGINT) or 143 (SIGTERM).
 * Outside a wait either signal exits at once.
 */
export abstract class MaintenanceCommand<T extends typeof Command> extends ServerCommand<T> {
  /**
   * Whether scripts may pass --timeout to this command meaning the wait: it is the HTTP bound, and
   * the wait keeps its default, so a note says where the wait is for such a script to be fixed.
   */
  protected static timeoutUsedToBeTheWait = false

  private waiting?: AbortController
  /** The signal that stopped the wait, if one did. */
  protected stoppedBy?: StopSignal

  public override async init(): Promise<void> {
    await super.init()
    this.onSignal('SIGTERM', () => this.onStopSignal('SIGTERM'))
    this.noteOldSpellings()
  }

  /** One stderr line for each old spelling of a flag this run used, naming the new one. */
  private noteOldSpellings(): void {
    const flags = this.ctor.flags as Record<string, {aliases?: string[]}>
    for (const {used, name} of flagSpellingsUsed(this.argv, flags).filter((u) => u.used !== u.name)) this.note(`Note: --${used} is deprecated and will be removed; use --${name}.`)
    const timeoutWasTheWait = (this.ctor as unknown as {timeoutUsedToBeTheWait?: boolean}).timeoutUsedToBeTheWait
    const used = flagSpellingsUsed(this.argv, {timeout: {}, 'wait-timeout': {}}).map((u) => u.name)
    if (timeoutWasTheWait && used.includes('timeout') && !used.includes('wait-timeout')) {
      this.note('Note: --timeout is the HTTP timeout of each request; the wait is --wait-timeout (default 30m).')
    }
  }

  protected override onInterrupt(): void {
    this.onStopSignal('SIGINT')
  }

  private onStopSignal(signal: StopSignal): void {
    if (this.waiting && !this.waiting.signal.aborted) {
      this.stoppedBy = signal
      this.waiting.abort()
      return
    }
    writeStderr(this.io, signal === 'SIGTERM' ? 'Terminated.' : 'Interrupted.')
    this.context.exit(exitCodeForSignal(signal))
  }

  /** Called just before the first change: from here Ctrl-C and SIGTERM abort the returned signal. */
  protected startWaiting(): AbortSignal {
    this.waiting = new AbortController()
    return this.waiting.signal
  }

  /** The waits are over: the signals exit again. */
  protected stopWaiting(): void {
    this.waiting = undefined
  }

  /** A result's exit code, with 130 turned into 143 when SIGTERM (not Ctrl-C) stopped the wait. */
  protected signalAware(code: ExitCodeValue): ExitCodeValue {
    return code === ExitCode.Interrupted && this.stoppedBy ? exitCodeForSignal(this.stoppedBy) : code
  }

  /** An error carrying the interrupted exit code of the signal that stopped the wait. */
  protected interruptedError(message: string, details?: Record<string, unknown>): CliError {
    return new CliError(message, exitCodeForSignal(this.stoppedBy ?? 'SIGINT'), {code: this.stoppedBy === 'SIGTERM' ? 'terminated' : 'interrupted', details})
  }
}
