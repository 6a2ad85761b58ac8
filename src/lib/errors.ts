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
} as const
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

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
    if (secret && secret.length >= 4) out = out.split(secret).join('API-***')
  }
  // Anything that looks like an Octopus API key, even one we were not told about.
  return out.replace(/API-[A-Z0-9]{8,}/g, 'API-***')
}
