/** Test helpers for the exporter: Prometheus's own tools and a real Prometheus, when installed. */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import path from 'node:path'
import {tempDir} from '../../helpers/temp.js'

export function installed(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0
}

/** Why the Prometheus tests are skipped here, in one line (undefined when they can run). */
export const NO_PROMETHEUS = installed('prometheus') && installed('promtool') ? undefined : 'prometheus and promtool are not installed (Debian: apt-get install prometheus; .ci/run installs them)'

export function promtool(args: string[], input?: string): {status: number | null; output: string} {
  const result = spawnSync('promtool', args, {input, encoding: 'utf8'})
  return {status: result.status, output: `${result.stdout}${result.stderr}`}
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as {port: number}
      server.close(() => resolve(port))
    })
  })
}

export interface RunningPrometheus {
  url: string
  /** An instant query's samples: labels and value. */
  query(expr: string): Promise<Array<{metric: Record<string, string>; value: number}>>
  stop(): Promise<void>
  log(): string
}

/** A Prometheus scraping `target` (host:port) every second, its storage in a temp dir. */
export async function startPrometheus(target: string, ruleFiles: string[] = []): Promise<RunningPrometheus> {
  const dir = tempDir('octoworkers-prometheus')
  const config = path.join(dir, 'prometheus.yml')
  writeFileSync(config, [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    `rule_files: [${ruleFiles.map((f) => JSON.stringify(f)).join(', ')}]`,
    'scrape_configs:',
    '  - job_name: octoworkers',
    `    static_configs: [{targets: ['${target}']}]`,
    '',
  ].join('\n'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child: ChildProcess = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {stdio: ['ignore', 'pipe', 'pipe']})
  let log = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (log += d))
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d))
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  try {
    await until(async () => (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok === true, 'Prometheus to be ready', () => log)
  } catch (error) {
    await stop()
    throw error
  }
  return {
    url,
    log: () => log,
    stop,
    async query(expr) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`)
      const body = (await response.json()) as {status: string; data: {result: Array<{metric: Record<string, string>; value: [number, string]}>}; error?: string}
      if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error}`)
      return body.data.result.map((r) => ({metric: r.metric, value: Number(r.value[1])}))
    },
  }
}

/** Polls `ready` every 100 ms until it holds (an event with no push notification), or fails after timeoutMs. */
export async function until(ready: () => Promise<boolean>, what: string, detail: () => string = () => '', timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await ready()) return
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${detail()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
