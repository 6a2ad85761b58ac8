import {EventEmitter} from 'node:events'
import {clientFactory, type CommandContext, type Env, type StopSignal} from '../../src/cli/context.js'
import {CapturedOutput, IOStreams, pipedInput} from '../../src/ui/io.js'
import {noPrompter, type Prompter} from '../../src/ui/prompter.js'

/** Thrown by a test context's exit(): the run ends there, with this code. */
export class ExitRequested extends Error {
  constructor(readonly code: number) {
    super(`exit(${code})`)
  }
}

/** A test's command context and what the run left in it: its output and exit code. */
export interface TestContext extends CommandContext {
  readonly stdout: CapturedOutput
  readonly stderr: CapturedOutput
  readonly exitCode: number | undefined
  /** Delivers a signal to the run, as the terminal or a supervisor would. */
  signal(signal: StopSignal): void
}

/**
 * A context for one command run inside a test: output captured, stdin a finished pipe holding
 * `input`, no terminal unless `stdoutColumns` makes stdout one (so no prompts), the given environment and nothing of the test
 * process's own. Runs with contexts of their own share nothing and can go at the same time.
 * @public loaded by test/helpers/cli.ts through Node's own import (native-import.cjs), which knip cannot follow.
 */
export function testContext(options: {env?: Env; input?: string; cwd?: string; prompter?: Prompter; now?: () => number; stdoutColumns?: number} = {}): TestContext {
  const env = options.env ?? {}
  // stdout as a terminal that wide, when asked (stdin and stderr stay pipes: still no prompts).
  const stdout = new CapturedOutput(options.stdoutColumns)
  const stderr = new CapturedOutput()
  const io = new IOStreams(stdout, stderr, pipedInput(options.input), env)
  const signals = new EventEmitter()
  let exitCode: number | undefined
  return {
    io,
    stdout,
    stderr,
    get exitCode() {
      return exitCode
    },
    prompter: options.prompter ?? noPrompter,
    env,
    now: options.now ?? (() => Date.now()),
    cwd: options.cwd ?? process.cwd(),
    createClient: clientFactory(env),
    setExitCode: (code) => {
      exitCode = code
    },
    onSignal: (signal, handler) => {
      signals.once(signal, handler)
      return () => void signals.removeListener(signal, handler)
    },
    signal: (signal) => void signals.emit(signal),
    exit: (code) => {
      exitCode = code
      throw new ExitRequested(code)
    },
  }
}

/** Streams alone, for renderers and writers: captured, no terminal, colour as asked. */
export function testStreams(options: {colour?: boolean; env?: Env} = {}): IOStreams & {stdout: CapturedOutput; stderr: CapturedOutput} {
  const io = new IOStreams(new CapturedOutput(), new CapturedOutput(), pipedInput(), options.env ?? {})
  io.setColorEnabled(options.colour ?? false)
  return io as IOStreams & {stdout: CapturedOutput; stderr: CapturedOutput}
}
