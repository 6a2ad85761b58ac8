// The command context (docs/ARCHITECTURE.md §7): a run writes to, reads from and takes its
// environment and exit code from its own context, never from the process, so that runs inside
// one process share nothing and can go at the same time.
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'
import {parseJson, runCli} from '../../helpers/cli.js'
import {startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'

let first: Sandbox
let second: Sandbox

beforeAll(async () => {
  ;[first, second] = await Promise.all([startTestSandbox({seed: 'demo'}), startTestSandbox({seed: 'empty'})])
})
afterAll(async () => {
  await Promise.all([first?.close(), second?.close()])
})

const envFor = (sandbox: Sandbox, apiKey = sandbox.apiKey) => ({OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: apiKey})

describe('runs inside one process', () => {
  it('go at the same time, each with its own environment, output and exit code', async () => {
    const runs = await Promise.all([
      runCli(['pool', 'list', '--json'], {env: envFor(first)}),
      runCli(['pool', 'list', '--json'], {env: envFor(second)}),
      runCli(['pool', 'list', '--json'], {env: envFor(first, 'API-WRONGKEY00000000000000000')}),
      runCli(['pool', 'list', '--no-such-flag'], {env: envFor(second)}),
    ])
    const [demo, empty, wrongKey, badFlag] = runs
    expect(demo.exitCode, demo.stderr).toBe(0)
    expect(empty.exitCode, empty.stderr).toBe(0)
    const names = (result: typeof demo) => parseJson<Array<{Name: string}>>(result).map((p) => p.Name)
    expect(names(demo).length).toBeGreaterThan(names(empty).length)
    expect(wrongKey.exitCode).toBe(3)
    expect(parseJson(wrongKey).Error.ExitCode).toBe(3)
    expect(badFlag.exitCode).toBe(2)
    expect(badFlag.stdout).toBe('')
    expect(badFlag.stderr).toMatch(/^Error: Unknown flag: --no-such-flag\./)
  })

  it('write nothing to the process\'s own streams and leave its environment and exit code alone', async () => {
    const stdout = vi.spyOn(process.stdout, 'write')
    const stderr = vi.spyOn(process.stderr, 'write')
    const exitCodeBefore = process.exitCode
    try {
      const result = await runCli(['worker', 'list', '--no-such-flag'], {env: envFor(first)})
      expect(result.exitCode).toBe(2)
      expect(result.stderr).toContain('Unknown flag')
      const ok = await runCli(['pool', 'list'], {env: envFor(first)})
      expect(ok.exitCode, ok.stderr).toBe(0)
      expect(ok.stdout).toMatch(/^NAME/)
      // Node's own process warnings aside: under vitest (NODE_ENV=test) oclif emits one when a
      // command stops before its flags are parsed, and Node prints it to the process's stderr.
      const written = (spy: typeof stdout) => spy.mock.calls.map(([chunk]) => String(chunk)).filter((text) => !/^\(node:\d+\) \[\w+\] Warning:/.test(text))
      expect(written(stdout)).toEqual([])
      expect(written(stderr)).toEqual([])
      expect(process.env.OCTOPUS_URL).toBeUndefined()
      expect(process.exitCode).toBe(exitCodeBefore)
    } finally {
      stdout.mockRestore()
      stderr.mockRestore()
    }
  })

  it('see a terminal only where their context has one: the table is fitted to its width, whatever the process\'s stdout is', async () => {
    // worker list cuts its text columns with … to fit (pool list wraps its names instead).
    const piped = await runCli(['worker', 'list'], {env: envFor(first)})
    const terminal = await runCli(['worker', 'list'], {env: envFor(first), stdoutColumns: 40})
    expect(piped.exitCode, piped.stderr).toBe(0)
    expect(terminal.exitCode, terminal.stderr).toBe(0)
    expect(piped.stdout.split('\n').some((line) => line.length > 40)).toBe(true)
    expect(piped.stdout).not.toContain('…')
    expect(terminal.stdout).toContain('…')
  })
})
