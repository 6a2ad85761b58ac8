import http from 'node:http'
import {tempDir} from './temp.js'
import path from 'node:path'
import {startSandbox, type Sandbox, type SandboxOptions} from '../../src/sandbox/index.js'

export type {Sandbox, SandboxOptions}

/** A fresh temp path for a sandbox data file (the directory is new and empty). */
export function tempDataFile(): string {
  return path.join(tempDir('octoworkers-sandbox'), 'sandbox.sqlite')
}

/**
 * Starts an in-process sandbox on 127.0.0.1, a random port, over a fresh temp SQLite file (unless
 * `dataFile` is given): the tests run against the store users run, WAL, file locks and all, not an
 * in-memory database. Call `close()` in afterAll.
 */
export async function startTestSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({host: '127.0.0.1', port: 0, dataFile: tempDataFile(), taskTiming: {healthCheckMs: 50, leaseRetryMs: 300}, ...options})
}

/**
 * A small HTTP client for tests: JSON in, parsed JSON (or text) out, with the sandbox's key by
 * default. node:http, not fetch: fetch loads undici into every test process, which costs more CPU
 * than the requests themselves. The sandbox neither redirects nor compresses.
 */
export async function api(sandbox: Sandbox, method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}): Promise<{status: number; body: any; text: string}> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
  const {status, text} = await new Promise<{status: number; text: string}>((resolve, reject) => {
    const request = http.request(sandbox.url + urlPath, {
      method,
      headers: {'X-Octopus-ApiKey': sandbox.apiKey, ...(payload === undefined ? {} : {'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload))}), ...headers},
    }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('error', reject)
      response.on('end', () => resolve({status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8')}))
    })
    request.on('error', reject)
    request.end(payload)
  })
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    // plain-text responses (task raw logs) stay text
  }
  return {status, body: parsed, text}
}
