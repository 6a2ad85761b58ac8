/**
 * Everything a command run gets from outside (gh's Factory): the terminal (streams, TTYs, width,
 * colour), the prompter, the environment as a plain record, the clock, the working directory, how
 * a client for the Octopus API is made, and the process facilities a run uses (its exit code,
 * signals). Built once per run by the CLI base (`BaseCommand.context`), from this process by
 * default; a program that runs commands inside itself (the tests) hands each run a context of its
 * own with `runWithContext`, so that runs share nothing and can go at the same time.
 *
 * Only this module and the terminal layer (src/ui/io.ts) read process.env, stdout, stderr and stdin.
 */
import {AsyncLocalStorage} from 'node:async_hooks'
import {OctopusClient, type ClientOptions} from '../octopus/client.js'
import {maxResponseBytesFromEnv} from '../octopus/transport.js'
import {canPrompt} from '../ui/prompt.js'
import {processStreams, type Env, type IOStreams} from '../ui/io.js'
import {inquirerPrompter, noPrompter, type Prompter} from '../ui/prompter.js'

export type {Env}

export type StopSignal = 'SIGINT' | 'SIGTERM'

export interface CommandContext {
  readonly io: IOStreams
  readonly prompter: Prompter
  readonly env: Env
  /** Wall-clock milliseconds (Date.now in a real run). */
  now(): number
  readonly cwd: string
  /** The API client for a server, with this run's settings (the response size cap from the environment). */
  createClient(options: ClientOptions): OctopusClient
  /** The run's exit code, set by the CLI base when a result or an error says so. */
  setExitCode(code: number): void
  /** Calls `handler` when the signal arrives; the returned function stops listening. */
  onSignal(signal: StopSignal, handler: () => void): () => void
  /** Ends the run at once with `code` (a signal's handler, outside a wait). */
  exit(code: number): never
}

/** The client factory of a context whose environment is `env`. */
export function clientFactory(env: Env): (options: ClientOptions) => OctopusClient {
  return (options) => new OctopusClient({maxResponseBytes: maxResponseBytesFromEnv(env), ...options})
}

/** The context of a run in this process, on its own streams: what bin/run.js gives every command. */
export function processContext(): CommandContext {
  const env: Env = process.env
  const io = processStreams(env)
  return {
    io,
    // Questions are only ever asked where canPrompt holds; inquirer is loaded on the first one.
    prompter: io.promptStreams ? inquirerPrompter(io.promptStreams) : noPrompter,
    env,
    now: () => Date.now(),
    cwd: process.cwd(),
    createClient: clientFactory(env),
    setExitCode: (code) => {
      process.exitCode = code
    },
    onSignal: (signal, handler) => {
      process.once(signal, handler)
      return () => void process.removeListener(signal, handler)
    },
    exit: (code) => process.exit(code),
  }
}

/**
 * One store per process, even where this module is loaded twice (the tests load the sources both
 * through vitest and through oclif's own import of the commands).
 */
const STORE_KEY = Symbol.for('octoworkers.commandContext')
const injected: AsyncLocalStorage<CommandContext> = ((globalThis as Record<symbol, unknown>)[STORE_KEY] ??= new AsyncLocalStorage<CommandContext>()) as AsyncLocalStorage<CommandContext>
let ownContext: CommandContext | undefined

/**
 * Runs `run` (e.g. oclif's `run(argv, config)`) with every command inside it using `context`.
 * @public for programs that run commands inside themselves: the tests load it through Node's own
 * import (test/helpers/native-import.cjs), which knip cannot follow.
 */
export function runWithContext<T>(context: CommandContext, run: () => Promise<T>): Promise<T> {
  return injected.run(context, run)
}

/** The context of the run this code is part of: the one injected around it, else this process's. */
export function currentContext(): CommandContext {
  return injected.getStore() ?? (ownContext ??= processContext())
}

/** Whether a run may ask questions: a human at a terminal (stdin and stdout TTYs), prompts not turned off. */
export function canPromptIn(context: CommandContext, noPromptFlag: boolean | undefined): boolean {
  return canPrompt({noPrompt: noPromptFlag, env: context.env, stdinTTY: context.io.stdin.isTTY, stdoutTTY: context.io.stdout.isTTY})
}
