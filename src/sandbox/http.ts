import type {IncomingMessage, ServerResponse} from 'node:http'

export const MAX_BODY_BYTES = 1024 * 1024

/** An error that becomes an Octopus error body (`{ErrorMessage, Errors[]}`) with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: string[] = [],
  ) {
    super(message)
  }
}

/** 400 with Octopus's validation wording and the individual problems in `Errors`. */
export function validationError(...errors: string[]): HttpError {
  return new HttpError(400, 'There was a problem with your request.', errors)
}

export function notFound(kind: string, id: string): HttpError {
  return new HttpError(404, `The ${kind} with ID '${id}' could not be found.`, [`The ${kind} with ID '${id}' could not be found.`])
}

export function routeNotFound(path: string): HttpError {
  return new HttpError(404, `The resource you requested was not found: ${path}`)
}

export function errorBody(error: HttpError): string {
  return JSON.stringify({ErrorMessage: error.message, Errors: error.errors, HelpText: null, FullException: null, Details: null})
}

/** Reads the request body; 413 past 1 MB (the rest of the upload is discarded, not buffered). */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > MAX_BODY_BYTES) {
      req.resume()
      reject(tooLarge())
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let rejected = false
    req.on('data', (chunk: Buffer) => {
      if (rejected) return
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        rejected = true
        reject(tooLarge())
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (!rejected) resolve(Buffer.concat(chunks).toString('utf8'))
    })
    req.on('error', (error) => {
      if (!rejected) reject(error)
    })
  })
}

function tooLarge(): HttpError {
  return new HttpError(413, `The request body is larger than the ${MAX_BODY_BYTES} bytes this server accepts.`)
}

/**
 * Parses a JSON body; malformed JSON is a 400, never a 500. A string holding NUL is refused too:
 * names with NUL collided in the sandbox's name checks (`nul\u0000a` and `nul\u0000b`), and many
 * consumers of a name (C strings, terminals, logs) cut it there. How Octopus treats NUL is not
 * documented; refusing it is the safe reading.
 */
export function parseJson(text: string): unknown {
  if (text.trim() === '') throw new HttpError(400, 'No request body was supplied.', ['No request body was supplied.'])
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new HttpError(400, 'There was a problem with your request.', [`The request body is not valid JSON: ${(error as Error).message}`])
  }
  const nulAt = pathOfNul(parsed, [])
  if (nulAt) throw validationError(`The field '${nulAt.join('.') || '(body)'}' must not contain the NUL character (U+0000).`)
  return parsed
}

/** The path (keys and indexes) of the first string or key that contains NUL, if any. */
function pathOfNul(value: unknown, at: string[]): string[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? at : undefined
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = pathOfNul(value[i], [...at, String(i)])
      if (found) return found
    }
    return undefined
  }
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key.includes('\u0000')) return [...at, key.replaceAll('\u0000', '\\0')]
      const found = pathOfNul(child, [...at, key])
      if (found) return found
    }
  }
  return undefined
}

/** Decodes one percent-encoded path segment; malformed encoding (`%ZZ`, a cut UTF-8 sequence) is a 400. */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw validationError(`The URL path segment '${segment}' is not valid percent-encoding (RFC 3986: '%' followed by two hex digits, forming UTF-8).`)
  }
}

export function sendJsonText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text)})
  res.end(text)
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text)})
  res.end(text)
}

/** Comma-separated and repeated query values both count (`ids=a,b` and `ids=a&ids=b`). */
export function queryList(query: URLSearchParams, name: string): string[] | undefined {
  const values = getAllCaseInsensitive(query, name)
  if (values.length === 0) return undefined
  const items = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)
  return items
}

export function queryValue(query: URLSearchParams, name: string): string | undefined {
  const values = getAllCaseInsensitive(query, name)
  return values.length ? values[0] : undefined
}

function getAllCaseInsensitive(query: URLSearchParams, name: string): string[] {
  const lower = name.toLowerCase()
  const out: string[] = []
  for (const [key, value] of query) if (key.toLowerCase() === lower) out.push(value)
  return out
}

/** Octopus binds skip and take to a .NET Int32: anything past its maximum does not bind. */
export const MAX_QUERY_INT = 2147483647

/** A whole number 0..2147483647 in plain digits (no `1e30`, `-1`, `1.5`, `0x10`); anything else is a 400. */
export function queryInt(query: URLSearchParams, name: string, fallback: number): number {
  const raw = queryValue(query, name)
  if (raw === undefined || raw === '') return fallback
  const n = /^\d{1,10}$/.test(raw) ? Number(raw) : Number.NaN
  if (!(n <= MAX_QUERY_INT)) throw validationError(`The query parameter '${name}' must be a whole number from 0 to ${MAX_QUERY_INT}, not '${raw}'.`)
  return n
}

/**
 * A date-time query value (ISO 8601 or any form Date parses); one that does not parse is a 400
 * naming it, not an `Invalid time value` 500.
 */
export function queryDateTime(query: URLSearchParams, name: string): Date | undefined {
  const raw = queryValue(query, name)
  if (raw === undefined || raw === '') return undefined
  const date = new Date(raw)
  if (Number.isNaN(date.getTime())) throw validationError(`The query parameter '${name}' must be a date-time such as 2026-01-31T12:00:00Z, not '${raw}'.`)
  return date
}

export function queryBool(query: URLSearchParams, name: string): boolean | undefined {
  const raw = queryValue(query, name)
  if (raw === undefined || raw === '') return undefined
  if (/^true$/i.test(raw)) return true
  if (/^false$/i.test(raw)) return false
  throw validationError(`The query parameter '${name}' must be true or false, not '${raw}'.`)
}
