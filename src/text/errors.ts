/** Exit codes are a stable contract (docs/ARCHITECTURE.md §2); README and --help document them. */
export const ExitCode = {
  Success: 0,
  Failure: 1,
  Usage: 2,
  Auth: 3,
  NotFound: 4,
  /** Refused because the change would be unsafe (e.g. below a pool's floor); nothing was changed. */
  Unsafe: 5,
  Interrupted: 130,
  /**
   * Stopped by SIGTERM (what `timeout` and a cancelled CI job send): 128 + 15, as a shell reports a
   * process the signal killed. Commands that wait (drain, upgrade, delete --drain) report what they
   * leave before exiting with it, as they do for Ctrl-C.
   */
  Terminated: 143,
} as const
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

/** What each exit code means: the one list every help page (src/cli/help.ts) and the README follow. */
export const EXIT_CODE_MEANINGS: ReadonlyArray<readonly [ExitCodeValue, string]> = [
  [ExitCode.Success, 'success'],
  [ExitCode.Failure, 'failure (including `check` findings at or above --fail-on)'],
  [ExitCode.Usage, 'bad usage or malformed input (nothing was changed)'],
  [ExitCode.Auth, 'not logged in, or the server rejected the credentials (401/403)'],
  [ExitCode.NotFound, 'something named does not exist (nothing was changed)'],
  [ExitCode.Unsafe, 'refused because the change would be unsafe (nothing was changed)'],
  [ExitCode.Interrupted, 'interrupted (Ctrl-C, SIGINT)'],
  [ExitCode.Terminated, 'terminated (SIGTERM); a waiting command reports what it leaves first'],
]

/** The exit-code table as help shows it: one `code  meaning` line each, meanings aligned. */
export const EXIT_CODES_TABLE = EXIT_CODE_MEANINGS.map(([code, meaning]) => `${String(code).padEnd(5)}${meaning}`).join('\n')

export interface CliErrorOptions {
  hint?: string
  /** Machine-readable kind, shown in --json error output. */
  code?: string
  /** Extra structured detail for --json output (e.g. candidate names). */
  details?: Record<string, unknown>
  cause?: unknown
}

/** An error meant for the user: one clear line, an exit code, an optional hint. No stack unless --debug. */
export class CliError extends Error {
  readonly exitCode: ExitCodeValue
  readonly hint?: string
  readonly code: string
  readonly details?: Record<string, unknown>

  constructor(message: string, exitCode: ExitCodeValue = ExitCode.Failure, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'CliError'
    this.exitCode = exitCode
    this.hint = options.hint
    this.code = options.code ?? defaultCodeFor(exitCode)
    this.details = options.details
  }
}

function defaultCodeFor(exitCode: ExitCodeValue): string {
  switch (exitCode) {
    case ExitCode.Usage: return 'usage'
    case ExitCode.Auth: return 'auth'
    case ExitCode.NotFound: return 'not-found'
    case ExitCode.Unsafe: return 'unsafe'
    case ExitCode.Interrupted: return 'interrupted'
    case ExitCode.Terminated: return 'terminated'
    default: return 'failure'
  }
}

export const usageError = (message: string, options?: CliErrorOptions) => new CliError(message, ExitCode.Usage, options)
export const notFoundError = (message: string, options?: CliErrorOptions) => new CliError(message, ExitCode.NotFound, options)
export const unsafeError = (message: string, options?: CliErrorOptions) => new CliError(message, ExitCode.Unsafe, options)
export const authError = (message: string, options?: CliErrorOptions) => new CliError(message, ExitCode.Auth, options)

/** Replaces every occurrence of the given secrets in text. Used on everything the tool prints or logs. */
export function redact(text: string, secrets: Array<string | undefined>): string {
  let out = text
  for (const secret of secrets) {
    if (secret && secret.length >= 4 && out.includes(secret)) out = out.split(secret).join('API-***')
  }
  // Anything that looks like an Octopus API key, or a JWT (an OIDC ID token or access token), even one we were not told about.
  if (out.includes('API-')) out = out.replace(/API-[A-Z0-9]{8,}/g, 'API-***')
  return out.includes('eyJ') ? out.replace(/eyJ[\w-]*\.[\w-]+\.[\w-]*/g, 'JWT-***') : out
}

/** The signals a waiting command stops on, and the exit code of each. */
export type StopSignal = 'SIGINT' | 'SIGTERM'

export function exitCodeForSignal(signal: StopSignal): ExitCodeValue {
  return signal === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted
}
