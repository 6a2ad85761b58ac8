import {ExitCode} from '../text/errors.js'
import {ClientSettingError, networkFailure, pathOf, protocolMismatch, timeoutFailure, toApiError} from './errors.js'
import {shouldRetry} from './retry.js'
import {anyBody, anyJson, formatBytes, jsonObject, shapeProblem, type ResponseShape} from './response-shapes.js'
import {speaksTls, type ExchangeResponse, type SinkFor, type Transport} from './transport.js'
import {keptOf, ListReader} from './list-reader.js'
import type {TemplateParams} from './uri-template.js'

export interface RequestOptions {
  query?: TemplateParams
  body?: unknown
  /** Statuses returned as a response instead of thrown (e.g. 404 when probing an optional route). */
  allowStatus?: number[]
  /** The shape a 2xx body must have (src/octopus/response-shapes.ts); default: a JSON object for a GET, any JSON otherwise. */
  expect?: ResponseShape
  /**
   * For a list (`expect` an array shape): what to keep of each item, read as it arrives
   * (list-reader.ts); the response's data is then the kept values, in order. Undefined leaves an item out.
   */
  keep?: (item: never) => unknown
}

export interface RawResponse<T> {
  status: number
  data: T
}

/** How one logical request is made: over which transport, to which server, within what time, with how many retries. */
export interface RequestPolicy {
  transport: Transport
  server: string
  timeoutMs: number
  maxRetries: number
  sleep: (ms: number) => Promise<void>
  debug: (line: string) => void
}

/**
 * One logical request to an absolute `target`: attempts, retry waits and read-backs all share
 * one deadline of the request timeout, headers to last byte (docs/ARCHITECTURE.md §4). A 2xx body
 * is checked against `options.expect` (else a JSON object for a GET, any JSON otherwise).
 */
export async function sendRequest<T>(policy: RequestPolicy, method: string, target: string, options: RequestOptions = {}): Promise<RawResponse<T>> {
  const {transport, server, timeoutMs, maxRetries} = policy
  const deadline = performance.now() + timeoutMs
  const upper = method.toUpperCase()
  /** Set once an attempt of this PUT/DELETE failed on the network: the server may have applied it. */
  let responseLost = false
  const sinkFor = listSink(options)
  let renewedAfterRejection = false
  for (let attempt = 1; ; attempt++) {
    const outcome = await transport.exchange(method, target, options.body, deadline, sinkFor)
    const status = outcome.response?.status
    // A 401 is sent before anything is done, so any request may go again once with a renewed token.
    if (status === 401 && !renewedAfterRejection && (await transport.renewAfterRejection(outcome.credential))) {
      renewedAfterRejection = true
      policy.debug(`${method} ${target}: 401; sending it again with a renewed access token`)
      attempt--
      continue
    }
    if (outcome.response) {
      const okStatus = (status! >= 200 && status! < 300) || (options.allowStatus ?? []).includes(status!)
      if (okStatus) {
        const shape = status! >= 200 && status! < 300 ? options.expect ?? (upper === 'GET' ? jsonObject : anyJson) : anyBody
        const data = outcome.response.sink instanceof ListReader
          ? checkList(server, method, target, outcome.response, outcome.response.sink, shape, options.keep!)
          : checkShape(server, method, target, outcome.response, shape)
        return {status: status!, data: data as T}
      }
      // A retried DELETE that finds nothing, after a lost response: the first attempt deleted it.
      if (upper === 'DELETE' && status === 404 && responseLost) {
        policy.debug(`DELETE ${target}: 404 after a lost response, so the earlier attempt deleted it`)
        return {status: 204, data: undefined as T}
      }
    } else if (outcome.timedOut) {
      throw timeoutFailure(server, method, target, timeoutMs / 1000, responseLost || (upper !== 'GET' && upper !== 'HEAD'))
    } else if (upper === 'DELETE' || upper === 'PUT') {
      responseLost = true
      const truth = await readBack(policy, upper, target, options.body, deadline)
      if (truth) return truth as RawResponse<T>
    }

    const networkCode = outcome.error?.code
    if (!outcome.response && !transport.answered && (networkCode === 'ECONNRESET' || networkCode?.startsWith('HPE_')) && server.startsWith('http:')) {
      // A reset before any answer, on plain http: a TLS server says nothing else to a plain request.
      if (await speaksTls(server)) throw protocolMismatch(server, 'http')
    }
    const decision = shouldRetry({
      method,
      attempt,
      maxRetries,
      status,
      networkCode,
      retryAfterHeader: outcome.response?.headers?.['retry-after'] as string | undefined,
      serverHasAnswered: transport.answered,
      timeLeftMs: deadline - performance.now(),
    })
    if (decision.retry) {
      policy.debug(`retrying ${method} ${target} in ${decision.delayMs} ms (attempt ${attempt + 1} of ${maxRetries + 1})`)
      await policy.sleep(decision.delayMs)
      continue
    }
    if (outcome.response) {
      throw toApiError({
        status: outcome.response.status,
        statusText: outcome.response.statusText,
        method,
        url: target,
        body: parseErrorBody(outcome.response),
        hint: decision.beyondDeadlineMs === undefined ? undefined
          : `The server asked to wait ${Math.ceil(decision.beyondDeadlineMs / 1000)}s before retrying, more than is left of the ${timeoutMs / 1000}s request timeout; try again later or raise the request timeout.`,
        setting: 'timeoutSeconds',
      })
    }
    throw networkFailure(server, outcome.error, responseLost)
  }
}

/**
 * After a PUT or DELETE whose answer was lost, reads the resource back and reports what is
 * true: a 404 after a DELETE is "deleted"; a PUT whose read-back holds every field that was
 * sent is "updated". Undefined when the read-back cannot tell (then the write is retried).
 */
async function readBack(policy: RequestPolicy, method: 'PUT' | 'DELETE', target: string, sent: unknown, deadline: number): Promise<RawResponse<unknown> | undefined> {
  const outcome = await policy.transport.exchange('GET', target, undefined, deadline)
  const status = outcome.response?.status
  if (status === undefined) return undefined
  if (method === 'DELETE') {
    if (status === 404) {
      policy.debug(`DELETE ${target}: the response was lost; read back 404, so it is deleted`)
      return {status: 204, data: undefined}
    }
    return undefined
  }
  if (status < 200 || status >= 300) return undefined
  let got: unknown
  try {
    got = checkShape(policy.server, 'GET', target, outcome.response!, anyJson)
  } catch {
    return undefined
  }
  if (!holdsSent(sent, got)) return undefined
  policy.debug(`PUT ${target}: the response was lost; the read-back equals what was sent, so it is updated`)
  return {status: 200, data: got}
}

/** Whether a read-back holds every field a PUT sent (the server may add fields, e.g. Links, LastModifiedOn). */
export function holdsSent(sent: unknown, got: unknown): boolean {
  if (Array.isArray(sent)) return Array.isArray(got) && got.length === sent.length && sent.every((v, i) => holdsSent(v, got[i]))
  if (sent && typeof sent === 'object') {
    if (!got || typeof got !== 'object' || Array.isArray(got)) return false
    return Object.entries(sent).every(([k, v]) => k === 'Links' || k === 'LastModifiedOn' || k === 'LastModifiedBy' || v === undefined || holdsSent(v, (got as Record<string, unknown>)[k]))
  }
  return sent === got
}

/**
 * A list read as it arrives, for a GET of a list shape that says what to keep of each item: only
 * for a 2xx JSON body (anything else is read whole, and decoded and described as any body is).
 */
function listSink(options: RequestOptions): SinkFor | undefined {
  const {keep, expect} = options
  if (!keep || !expect || !ListReader.splits(expect)) return undefined
  return (status, headers) => (status >= 200 && status < 300 && saysJson(contentTypeOf(headers)) ? new ListReader(expect, keep) : undefined)
}

const contentTypeOf = (headers: Record<string, unknown>) => String(headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
const saysJson = (contentType: string) => /[/+]json\b/.test(contentType)

/** A list read item by item: what was kept, or the same one line as `checkShape` gives for the list read whole. */
function checkList(server: string, method: string, target: string, response: ExchangeResponse, reader: ListReader<unknown, unknown>, shape: ResponseShape, keep: (item: never) => unknown): unknown {
  const read = reader.end()
  if (read.kind === 'whole') {
    const whole = checkShape(server, method, target, {...response, bytes: read.body}, shape)
    if (Array.isArray(whole)) return keptOf(whole as never[], keep)
    const collection = whole as {Items: never[]}
    return {...collection, Items: keptOf(collection.Items, keep)}
  }
  if (read.kind === 'collection') return read.document
  const contentType = contentTypeOf(response.headers)
  if (read.kind === 'malformed') throw badResponse(server, method, target, shape, `malformed JSON (${contentType || 'no content type'}, ${formatBytes(read.bytes)})`, contentType, read.bytes, false)
  if (read.kind === 'problem') throw badResponse(server, method, target, shape, `${read.problem} (${formatBytes(read.bytes)})`, contentType, read.bytes, false)
  return read.items
}

/** Decodes a 2xx body and checks it has the shape the caller needs; a mismatch is one line naming server, URL and what came back. */
function checkShape(server: string, method: string, target: string, response: ExchangeResponse, shape: ResponseShape): unknown {
  const contentType = contentTypeOf(response.headers)
  const decoded = decodeBody(response.bytes, contentType)
  const size = formatBytes(response.bytes.length)
  let got: string | undefined
  if (decoded.kind === 'malformed') got = `malformed JSON (${contentType || 'no content type'}, ${size})`
  else if (decoded.kind === 'text' && !shape.anyBody) got = `${contentType || 'a body with no content type'}, ${size}`
  else if (decoded.kind === 'empty' && shape.schema) got = 'an empty body'
  else {
    const problem = decoded.kind === 'json' ? shapeProblem(shape, decoded.value) : undefined
    if (problem) got = `${problem} (${size})`
  }
  if (got !== undefined) throw badResponse(server, method, target, shape, got, contentType, response.bytes.length, decoded.kind === 'text' && /html/.test(contentType))
  return decoded.kind === 'json' || decoded.kind === 'text' ? decoded.value : undefined
}

function badResponse(server: string, method: string, target: string, shape: ResponseShape, got: string, contentType: string, bytes: number, looksLikeAPage: boolean): ClientSettingError {
  return new ClientSettingError(`Unexpected answer from ${server}: ${method} ${pathOf(target)} got ${got}, not ${shape.what}; is this the Octopus Server's root URL?`, ExitCode.Failure, 'server', {
    hint: looksLikeAPage ? 'An HTML page usually means a proxy, a login page or a URL that is not the API; check the server URL.' : undefined,
    code: 'bad-response',
    details: {url: target, contentType: contentType || null, bytes},
  })
}

/** An error body as Octopus's JSON when it is JSON, else nothing (the status text is used). */
function parseErrorBody(response: ExchangeResponse): unknown {
  const decoded = decodeBody(response.bytes, contentTypeOf(response.headers))
  return decoded.kind === 'json' ? decoded.value : undefined
}

type Decoded = {kind: 'json'; value: unknown} | {kind: 'text'; value: string} | {kind: 'empty'} | {kind: 'malformed'}

/** JSON when the server says so, or when a typeless/text body parses as JSON; text otherwise. */
function decodeBody(bytes: Buffer, contentType: string): Decoded {
  if (bytes.length === 0) return {kind: 'empty'}
  const text = bytes.toString('utf8')
  const json = saysJson(contentType)
  // Sniffing is for servers that mislabel JSON.
  if (json || /^\s*[[{"]/.test(text)) {
    try {
      return {kind: 'json', value: JSON.parse(text)}
    } catch {
      if (json) return {kind: 'malformed'}
    }
  }
  return {kind: 'text', value: text}
}

/** `url` with `query` appended (arrays comma-separated, as Octopus takes them; empty values left out). */
export function appendQuery(url: string, query: TemplateParams): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue
    if (Array.isArray(value)) {
      if (value.length) search.set(key, value.join(','))
    } else search.set(key, String(value))
  }
  const qs = search.toString()
  if (!qs) return url
  return url + (url.includes('?') ? '&' : '?') + qs
}
