import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {once} from 'node:events'
import {afterEach, describe, expect, it} from 'vitest'
import {binPath, repoRoot, tempConfigHome} from '../../helpers/cli.js'
import {tempDataFile} from '../../helpers/sandbox.js'

/**
 * `sandbox start` takes its API key from OCTOWORKERS_SANDBOX_API_KEY or stdin, where `ps` cannot
 * show it; `--api-key KEY` still works, with a warning that says why not to use it.
 */
const KEY = 'API-HOSTILEKEYTEST1234'

interface Started {
  info: {Url: string; ApiKey: string}
  cmdline: string
  stderr: () => string
  stop: () => Promise<number | null>
}

const running: Started[] = []
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop()
})

/** Starts `sandbox start --json`, waits for its first stdout line (the JSON document), and reads its command line as `ps` would. */
async function startSandboxCli(args: string[], opts: {env?: Record<string, string>; input?: string} = {}): Promise<Started> {
  const env: Record<string, string> = {PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', XDG_CONFIG_HOME: tempConfigHome(), NO_COLOR: '1', ...opts.env}
  const child = spawn(process.execPath, [binPath, 'sandbox', 'start', '--port', '0', '--data', tempDataFile(), '--json', ...args], {env, cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  if (opts.input === undefined) child.stdin.end()
  else child.stdin.end(opts.input)
  const exited = once(child, 'exit')
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0])
    })
    child.on('exit', (code) => reject(new Error(`sandbox start exited ${code} before printing: ${stderr}`)))
  })
  const line = await firstLine
  const started: Started = {
    info: JSON.parse(line),
    cmdline: readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').replaceAll('\u0000', ' '),
    stderr: () => stderr,
    stop: async () => {
      child.kill('SIGTERM')
      const [code] = await exited
      return code as number | null
    },
  }
  running.push(started)
  return started
}

describe('sandbox start takes its API key without showing it in ps', () => {
  it('from OCTOWORKERS_SANDBOX_API_KEY', async () => {
    const sb = await startSandboxCli([], {env: {OCTOWORKERS_SANDBOX_API_KEY: KEY}})
    expect(sb.info.ApiKey).toBe(KEY)
    expect(sb.cmdline).not.toContain(KEY)
    expect((await fetch(`${sb.info.Url}/api/workers`, {headers: {'X-Octopus-ApiKey': KEY}})).status).toBe(200)
    expect(sb.stderr()).not.toMatch(/Warning/)
  })

  it('from stdin with --api-key-stdin', async () => {
    const sb = await startSandboxCli(['--api-key-stdin'], {input: `${KEY}\n`})
    expect(sb.info.ApiKey).toBe(KEY)
    expect(sb.cmdline).not.toContain(KEY)
    expect((await fetch(`${sb.info.Url}/api/workers`, {headers: {'X-Octopus-ApiKey': KEY}})).status).toBe(200)
  })

  it('the old --api-key flag still works, and warns that the key shows in ps', async () => {
    const sb = await startSandboxCli(['--api-key', KEY])
    expect(sb.info.ApiKey).toBe(KEY)
    expect(sb.stderr()).toMatch(/Warning: --api-key puts the key in the process list \(ps\).*OCTOWORKERS_SANDBOX_API_KEY.*--api-key-stdin/)
    expect(await sb.stop()).toBe(0)
  })
})
