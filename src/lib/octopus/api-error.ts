import {CliError, ExitCode, type ExitCodeValue} from '../errors.js'
import type {OctopusErrorBody} from './types.js'

/** An HTTP error from the Octopus API, mapped to the CLI's exit codes (docs/ARCHITECTURE.md §2, §4). */
export class OctopusApiError extends CliError {
  readonly status: number
  readonly method: string
  readonly url: string
  readonly body?: OctopusErrorBody

  constructor(args: {status: number; method: string; url: string; body?: OctopusErrorBody; message: string; hint?: string; exitCode: ExitCodeValue}) {
    super(args.message, args.exitCode, {hint: args.hint, code: `http-${args.status}`, details: {status: args.status, errors: args.body?.Errors ?? []}})
    this.status = args.status
    this.method = args.method
    this.url = args.url
    this.body = args.body
  }
}

export function exitCodeForStatus(status: number): ExitCodeValue {
  if (status === 401 || status === 403) return ExitCode.Auth
  if (status === 404) return ExitCode.NotFound
  return ExitCode.Failure
}

export function hintForStatus(status: number, method: string): string | undefined {
  switch (status) {
    case 401: return 'Check the API key: it may be wrong, expired or revoked. Run `octoworkers login` again, or set OCTOPUS_API_KEY.'
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

export function toApiError(args: {status: number; statusText: string; method: string; url: string; body: unknown; hint?: string}): OctopusApiError {
  const {message, parsed} = messageFromBody(args.status, args.statusText, args.body)
  return new OctopusApiError({
    status: args.status,
    method: args.method,
    url: args.url,
    body: parsed,
    message: `HTTP ${args.status} from ${args.method} ${pathOf(args.url)}: ${message}`,
    hint: args.hint ?? hintForStatus(args.status, args.method),
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
