import {CliError, ExitCode, usageError, type CliErrorOptions, type ExitCodeValue} from '../text/errors.js'
import type {OctopusErrorBody} from './types.js'

/** The client settings (ClientOptions keys) an error's remedy lies in. */
export type ClientSetting = 'server' | 'timeoutSeconds' | 'caCertFile'

/** An HTTP error from the Octopus API, mapped to the CLI's exit codes (docs/ARCHITECTURE.md §2, §4). */
export class OctopusApiError extends CliError {
  readonly status: number
  readonly method: string
  readonly url: string
  readonly body?: OctopusErrorBody
  /** The client setting the hint's remedy lies in, when it names one (see ClientSettingError). */
  readonly setting?: ClientSetting

  constructor(args: {status: number; method: string; url: string; body?: OctopusErrorBody; message: string; hint?: string; setting?: ClientSetting; exitCode: ExitCodeValue}) {
    super(args.message, args.exitCode, {hint: args.hint, code: `http-${args.status}`, details: {status: args.status, errors: args.body?.Errors ?? []}})
    this.status = args.status
    this.method = args.method
    this.url = args.url
    this.body = args.body
    this.setting = args.setting
  }
}

export function exitCodeForStatus(status: number): ExitCodeValue {
  if (status === 401 || status === 403) return ExitCode.Auth
  if (status === 404) return ExitCode.NotFound
  return ExitCode.Failure
}

export function hintForStatus(status: number, method: string): string | undefined {
  switch (status) {
    // Where the key came from, and so the way out, is the caller's to add (it knows the source).
    case 401: return 'Check the API key: it may be wrong, expired or revoked.'
    case 403: return method === 'GET'
      ? 'The key\'s user lacks a permission to read this (workers need WorkerView; server settings need AdministerSystem).'
      : 'The key\'s user lacks a permission to change this (workers and pools need WorkerEdit or ConfigureServer; server features need AdministerSystem).'
    case 404: return 'Check that the server URL is the Octopus Server root (e.g. https://octopus.example.com), not a page under it.'
    case 429: return 'The server is rate-limiting requests; try again later.'
    default: return undefined
  }
}

/** Picks Octopus's own message out of an error body; falls back to the status text. */
export function messageFromBody(status: number, statusText: string, body: unknown): {message: string; parsed?: OctopusErrorBody} {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const parsed = body as OctopusErrorBody
    const errors = (parsed.Errors ?? []).filter((e) => typeof e === 'string' && e.length > 0)
    const head = typeof parsed.ErrorMessage === 'string' && parsed.ErrorMessage ? parsed.ErrorMessage : undefined
    if (head || errors.length > 0) {
      const tail = errors.filter((e) => e !== head)
      const text = [head, ...tail].filter(Boolean).join(' ')
      return {message: text, parsed}
    }
  }
  return {message: `${status} ${statusText || 'HTTP error'}`.trim()}
}

export function toApiError(args: {status: number; statusText: string; method: string; url: string; body: unknown; hint?: string; setting?: ClientSetting}): OctopusApiError {
  const {message, parsed} = messageFromBody(args.status, args.statusText, args.body)
  return new OctopusApiError({
    status: args.status,
    method: args.method,
    url: args.url,
    body: parsed,
    message: `HTTP ${args.status} from ${args.method} ${pathOf(args.url)}: ${message}`,
    hint: args.hint ?? hintForStatus(args.status, args.method),
    setting: args.hint === undefined ? undefined : args.setting,
    exitCode: exitCodeForStatus(args.status),
  })
}

/** The path and query of a URL, for messages (the whole text when it is not a URL). */
export function pathOf(url: string): string {
  try {
    const u = new URL(url)
    return u.pathname + u.search
  } catch {
    return url
  }
}

/**
 * An error whose remedy is one of the client's settings. The client names the setting, not a
 * flag: the caller that took the setting from the user words the hint in its own terms.
 */
export class ClientSettingError extends CliError {
  constructor(message: string, exitCode: ExitCodeValue, readonly setting: ClientSetting, options: CliErrorOptions & {value?: string} = {}) {
    super(message, exitCode, options)
    this.value = options.value
  }

  /** The setting's value, when the message is about it (e.g. the CA file that cannot be read). */
  readonly value?: string
}

/** The Octopus API is not what answered at `server`: a wrong URL, not a server fault. */
export function notOctopus(server: string, why: string): CliError {
  return usageError(`${server} does not look like an Octopus Server (${why}).`, {
    hint: 'Check that the URL is the Octopus Server root, e.g. https://octopus.example.com, not a page under it.',
    code: 'not-octopus',
  })
}

/** What a lost answer means for a change: the user must know it may have happened. */
const MAY_HAVE_APPLIED = ' The change may or may not have been applied; check before retrying.'

export function timeoutFailure(server: string, method: string, target: string, timeoutSeconds: number, write: boolean): CliError {
  return new ClientSettingError(`Timed out after ${timeoutSeconds}s waiting for ${server} (${method} ${pathOf(target)}).${write ? MAY_HAVE_APPLIED : ''}`, ExitCode.Failure, 'timeoutSeconds', {
    hint: 'Raise the request timeout, or check the network path to the server.',
    code: 'timeout',
  })
}

/** Nothing listened where the request went: the server is down, or it moved to another port. */
export function isConnectionRefused(error: unknown): boolean {
  return error instanceof CliError && error.code === 'network' && (error.cause as {code?: string} | undefined)?.code === 'ECONNREFUSED'
}

/** TLS spoken to a plain-HTTP port, or the reverse: say which scheme to use, not OpenSSL's words. */
export function protocolMismatch(server: string, scheme: 'http' | 'https'): CliError {
  const other = scheme === 'https' ? server.replace(/^https:/, 'http:') : server.replace(/^http:/, 'https:')
  const message = scheme === 'https'
    ? `The server at ${server} is not speaking TLS; did you mean ${other}?`
    : `The server at ${server} is speaking TLS; did you mean ${other}?`
  return new ClientSettingError(message, ExitCode.Failure, 'server', {hint: 'Use the scheme the server listens with.', code: 'tls-mismatch'})
}

/** OpenSSL's words for a ClientHello answered by something that is not TLS (e.g. `HTTP/1.1 400`). */
const NOT_TLS = /wrong version number|packet length too long|unknown protocol|record layer failure|ERR_SSL_WRONG_VERSION_NUMBER|ERR_SSL_PACKET_LENGTH_TOO_LONG|HTTP_REQUEST/i

/** The CA file given to trust cannot be read: a usage error, before any request. */
export function caFileUnreadable(file: string): CliError {
  return new ClientSettingError(`Cannot read the CA certificate file '${file}'.`, ExitCode.Usage, 'caCertFile', {
    hint: 'Give the path of a PEM file with the CA certificate(s) to trust.',
    value: file,
  })
}

export function networkFailure(server: string, error: (Error & {code?: string}) | undefined, writeLost: boolean): CliError {
  const code = error?.code ?? ''
  const lost = writeLost ? MAY_HAVE_APPLIED : ''
  if (server.startsWith('https:') && (NOT_TLS.test(code) || NOT_TLS.test(error?.message ?? ''))) {
    return protocolMismatch(server, 'https')
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new CliError(`Cannot resolve the host of ${server}.`, ExitCode.Failure, {hint: 'Check the server URL and your DNS.', code: 'network'})
  }
  if (code === 'ECONNREFUSED') {
    return new CliError(`Connection refused by ${server}.${lost}`, ExitCode.Failure, {hint: 'Is the server running, and is the port right?', code: 'network', cause: error})
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return new ClientSettingError(`TLS verification failed for ${server}: ${error?.message ?? code}.`, ExitCode.Failure, 'caCertFile', {
      hint: 'If the server uses a private CA, trust its certificate (a CA file, or NODE_EXTRA_CA_CERTS). Verification is never switched off.',
      code: 'tls',
    })
  }
  return new CliError(`Cannot reach ${server}: ${error?.message ?? 'network error'}.${lost}`, ExitCode.Failure, {code: 'network'})
}
