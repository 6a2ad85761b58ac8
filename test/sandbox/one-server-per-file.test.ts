/**
 * One sandbox serves a data file at a time: a second `sandbox start` on a file another sandbox
 * serves is refused (exit 2) naming that one's URL and PID, and changes nothing; a sandbox killed
 * with `kill -9` does not keep the file locked. `sandbox start` tells a human the next step.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {createInterface} from 'node:readline'
import {afterEach, describe, expect, it} from 'vitest'
import {binPath, runCli} from '../helpers/cli.js'
import {api, startTestSandbox, tempDataFile} from '../helpers/sandbox.js'
import {DataFileInUseError} from '../../src/sandbox/index.js'

interface Started {
  child: ChildProcess
  Url: string
  ApiKey: string
  stderr: () => string
  exited: Promise<number | null>
}

const children: ChildProcess[] = []
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
})

/** `sandbox start --json` as a process of its own; resolves with its first line (URL and key). */
function startCli(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [binPath, 'sandbox', 'start', '--json', '--port', '0', ...args], {stdio: ['ignore', 'pipe', 'pipe'], env: {PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1'}})
  children.push(child)
  let stderr = ''
  let stdout = ''
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    createInterface({input: child.stdout!}).on('line', (line) => {
      stdout += line + '\n'
      // The start line is one JSON object on one line; an error document spans several.
      if (/^\{".*\}$/.test(line)) resolve({child, ...JSON.parse(line), stderr: () => stderr, exited})
    })
    void exited.then((code) => reject(new Error(`sandbox start exited ${code}: ${stdout}${stderr}`)))
  })
}

const start = (dataFile: string, ...extra: string[]) => runCli(['sandbox', 'start', '--port', '0', '--data', dataFile, ...extra], {spawn: true, timeoutMs: 30_000})

describe('one sandbox per data file', () => {
  it('a second start on a served file is refused (exit 2) naming the first one\'s URL and PID; the first is unaffected', async () => {
    const dataFile = tempDataFile()
    const first = await startCli(['--data', dataFile, '--seed', 'empty'])
    const before = (await fetch(`${first.Url}/api/Spaces-1/workerpools/all`, {headers: {'X-Octopus-ApiKey': first.ApiKey}}).then((r) => r.json())) as unknown[]

    const second = await start(dataFile, '--seed', 'demo')
    expect(second.exitCode, second.stderr).toBe(2)
    expect(second.stdout).toBe('')
    const [error, hint] = second.stderr.trim().split('\n')
    expect(error).toBe(`Error: Refusing to start: ${dataFile} is already served by the sandbox at ${first.Url} (PID ${first.child.pid}); two servers over one data file would not see each other's changes.`)
    expect(hint).toMatch(/--data FILE, or --data :memory:/)

    // The first still serves, its estate untouched (--seed demo was not applied to it).
    const info = await fetch(`${first.Url}/api/sandbox/info`, {headers: {'X-Octopus-ApiKey': first.ApiKey}}).then((r) => r.json())
    expect(info).toMatchObject({Seed: 'empty'})
    expect(await fetch(`${first.Url}/api/Spaces-1/workerpools/all`, {headers: {'X-Octopus-ApiKey': first.ApiKey}}).then((r) => r.json())).toEqual(before)

    const json = await runCli(['sandbox', 'start', '--port', '0', '--data', dataFile, '--json'], {spawn: true, timeoutMs: 30_000})
    expect(json.exitCode).toBe(2)
    expect(JSON.parse(json.stdout).Error).toMatchObject({Code: 'data-file-in-use', Url: first.Url, Pid: first.child.pid})

    // Another file, or memory, starts fine beside it.
    const other = await startCli(['--data', ':memory:'])
    expect(other.Url).not.toBe(first.Url)
  })

  it.each([1, 2, 3, 4, 5])('two starts at once on a new file: exactly one serves, the other is refused (round %i)', async () => {
    const dataFile = tempDataFile()
    const outcomes = await Promise.allSettled([startCli(['--data', dataFile]), startCli(['--data', dataFile])])
    const served = outcomes.filter((o): o is PromiseFulfilledResult<Started> => o.status === 'fulfilled')
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')
    expect(served).toHaveLength(1)
    expect(refused).toHaveLength(1)
    const refusal = /exited 2: (\{[\s\S]*\})/.exec(String(refused[0].reason))?.[1]
    expect(JSON.parse(refusal!).Error).toMatchObject({Code: 'data-file-in-use', Pid: served[0].value.child.pid})
    expect([served[0].value.Url, null]).toContain(JSON.parse(refusal!).Error.Url)
    served[0].value.child.kill('SIGTERM')
    expect(await served[0].value.exited).toBe(0)
  })

  it('after kill -9 of the sandbox the file is not left locked: the next start takes it over', async () => {
    const dataFile = tempDataFile()
    const first = await startCli(['--data', dataFile, '--seed', 'demo'])
    expect(JSON.parse(readFileSync(`${dataFile}.lock`, 'utf8'))).toMatchObject({Pid: first.child.pid, Url: first.Url})
    first.child.kill('SIGKILL')
    await first.exited
    const again = await startTestSandbox({dataFile})
    try {
      expect(again.seeded).toBe(false)
      expect(again.seed).toBe('demo')
      expect((await api(again, 'GET', '/api')).status).toBe(200)
      expect(JSON.parse(readFileSync(`${dataFile}.lock`, 'utf8'))).toMatchObject({Pid: process.pid, Url: again.url})
    } finally {
      await again.close()
    }
    expect(existsSync(`${dataFile}.lock`)).toBe(false)
  })

  it('in one process too: a second sandbox on the same file is refused until the first closes', async () => {
    const dataFile = tempDataFile()
    const first = await startTestSandbox({dataFile})
    const refused = await startTestSandbox({dataFile}).then(() => 'started', (error: unknown) => error)
    expect(refused).toBeInstanceOf(DataFileInUseError)
    expect(refused).toMatchObject({holder: {Pid: process.pid, Url: first.url}})
    await first.close()
    const second = await startTestSandbox({dataFile})
    await second.close()
  })
})

describe('sandbox start tells a human the next step', () => {
  it('on stderr: the export line for this URL and key, and the login command; --json keeps its one line', async () => {
    const child = spawn(process.execPath, [binPath, 'sandbox', 'start', '--port', '0', '--data', ':memory:'], {stdio: ['ignore', 'pipe', 'pipe'], env: {PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1'}})
    children.push(child)
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    await new Promise<void>((resolve) => child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
      if (stderr.includes('Sandbox running')) resolve()
    }))
    const url = /^Url:\s+(\S+)$/m.exec(stdout)![1]
    const key = /^ApiKey:\s+(\S+)$/m.exec(stdout)![1]
    expect(stderr).toContain(`  export OCTOPUS_URL=${url} OCTOPUS_API_KEY=${key}\n`)
    expect(stderr).toContain(`or save it as a profile: printf '%s' ${key} | octoworkers login --server ${url} --api-key-stdin\n`)
    expect(stdout).not.toContain('export')
    child.kill('SIGTERM')

    const json = await startCli(['--data', ':memory:'])
    await new Promise<void>((resolve) => {
      const check = () => json.stderr().includes('Sandbox running') && resolve()
      json.child.stderr!.on('data', check)
      check()
    })
    expect(json.stderr()).not.toContain('export OCTOPUS_URL')
  })
})
