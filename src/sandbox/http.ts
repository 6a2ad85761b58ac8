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

/** Parses a JSON body; malformed JSON is a 400, never a 500. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') throw new HttpError(400, 'No request body was supplied.', ['No request body was supplied.'])
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new HttpError(400, 'There was a problem with your request.', [`The request body is not valid JSON: ${(error as Error).message}`])
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

export function queryInt(query: URLSearchParams, name: string, fallback: number): number {
  const raw = queryValue(query, name)
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0) throw validationError(`The query parameter '${name}' must be a non-negative integer, not '${raw}'.`)
  return n
}

export function queryBool(query: URLSearchParams, name: string): boolean | undefined {
  const raw = queryValue(query, name)
  if (raw === undefined || raw === '') return undefined
  if (/^true$/i.test(raw)) return true
  if (/^false$/i.test(raw)) return false
  throw validationError(`The query parameter '${name}' must be true or false, not '${raw}'.`)
}
