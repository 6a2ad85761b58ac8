import type {Command} from '@oclif/core'
import {ServerCommand} from '../server-command.js'
import {CliError, exitCodeForSignal, ExitCode, type ExitCodeValue, type StopSignal} from '../lib/errors.js'
import {writeStderr} from '../lib/render/output.js'

/**
 * Base of `worker drain`, `worker upgrade` and `worker delete`, which wait on the server for
 * minutes: their --timeout bounds the wait (each HTTP request keeps the default), and Ctrl-C or
 * SIGTERM (what `timeout` and a cancelled CI job send) during a wait stops waiting, so the command
 * reports the state it leaves and how to undo it, then exits 130 (SIGINT) or 143 (SIGTERM).
 * Outside a wait either signal exits at once.
 */
export abstract class MaintenanceCommand<T extends typeof Command> extends ServerCommand<T> {
  private waiting?: AbortController
  /** The signal that stopped the wait, if one did. */
  protected stoppedBy?: StopSignal

  public override async init(): Promise<void> {
    await super.init()
    this.onSignal('SIGTERM', () => this.onStopSignal('SIGTERM'))
  }

  protected override httpTimeoutFlag(): number | undefined {
    return undefined
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
