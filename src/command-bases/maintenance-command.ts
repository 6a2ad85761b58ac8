import type {Command} from '@oclif/core'
import {ServerCommand} from '../server-command.js'

/**
 * Base of `worker drain` and `worker upgrade`, which wait on the server for minutes: their
 * --timeout bounds the wait (each HTTP request keeps the default), and Ctrl-C during a wait stops
 * waiting (the command then reports the state it leaves) instead of exiting at once.
 */
export abstract class MaintenanceCommand<T extends typeof Command> extends ServerCommand<T> {
  private waiting?: AbortController

  protected override httpTimeoutFlag(): number | undefined {
    return undefined
  }

  protected override onInterrupt(): void {
    if (this.waiting && !this.waiting.signal.aborted) this.waiting.abort()
    else super.onInterrupt()
  }

  /** Called just before the first change: from here Ctrl-C aborts the returned signal. */
  protected startWaiting(): AbortSignal {
    this.waiting = new AbortController()
    return this.waiting.signal
  }

  /** The waits are over: Ctrl-C exits again. */
  protected stopWaiting(): void {
    this.waiting = undefined
  }
}
