import {tempDir} from './temp.js'
import path from 'node:path'
import {startSandbox, type Sandbox, type SandboxOptions} from '../../src/sandbox/index.js'

export type {Sandbox, SandboxOptions}

/** A fresh temp path for a sandbox data file (the directory is new and empty). */
export function tempDataFile(): string {
  return path.join(tempDir('octoworkers-sandbox'), 'sandbox.sqlite')
}

/**
 * Starts an in-process sandbox on 127.0.0.1, a random port, with a fresh temp SQLite file
 * (unless `dataFile` is given). Call `close()` in afterAll.
 */
export async function startTestSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({host: '127.0.0.1', port: 0, dataFile: tempDataFile(), taskTiming: {healthCheckMs: 50, leaseRetryMs: 300}, ...options})
}

/** Small fetch wrapper for tests: JSON in, parsed JSON (or text) out, with the sandbox's key by default. */
export async function api(sandbox: Sandbox, method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}): Promise<{status: number; body: any; text: string}> {
  const response = await fetch(sandbox.url + urlPath, {
    method,
    headers: {'X-Octopus-ApiKey': sandbox.apiKey, ...(body === undefined ? {} : {'Content-Type': 'application/json'}), ...headers},
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await response.text()
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    // plain-text responses (task raw logs) stay text
  }
  return {status: response.status, body: parsed, text}
}
