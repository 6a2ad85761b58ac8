import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {tempDir} from '../../helpers/temp.js'
import {parseJson, runCli} from '../../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'

describe('leases report: mutex waits from task logs, and recommendations by .octoworkers.yaml', () => {
  let sandbox: Sandbox
  let env: Record<string, string>
  let dir: string

  beforeAll(async () => {
    sandbox = await startTestSandbox({seed: 'demo'})
    env = {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey}
    // Ten tasks; the first step of the 5th and the 10th logs Tentacle's wait line and waits 5 s.
    const seeded = await api(sandbox, 'POST', '/api/sandbox/seed-completed-tasks', {Count: 10, StepsPerTask: 2, MutexWaitEvery: 5})
    expect(seeded.status).toBe(201)
    dir = tempDir('report-mutex')
  })
  afterAll(async () => {
    await sandbox?.close()
  })

  it('counts each wait against the worker the waiting step leased, in JSON and in the MUTEX WAIT column', async () => {
    const tasks = (await api(sandbox, 'GET', '/api/Spaces-1/tasks?take=100')).body.Items.filter((t: any) => t.Description.startsWith('Deploy Sandbox History'))
    const waiting = [] as string[]
    for (const task of tasks) {
      const detail = (await api(sandbox, 'GET', `/api/Spaces-1/tasks/${task.Id}/details`)).body
      const step = detail.ActivityLogs[0].Children[0]
      const lines = step.LogElements.map((e: any) => e.MessageText as string)
      if (lines.some((l: string) => l.startsWith('Waiting for the script in task'))) waiting.push(/^Leased worker (.+) from pool /.exec(lines[0])![1])
    }
    expect(waiting).toHaveLength(2)
    const r = await runCli(['leases', 'report', '--since', '1h', '--json'], {env, cwd: dir})
    expect(r.exitCode).toBe(0)
    const report = parseJson(r)
    const expected: Record<string, number> = {}
    for (const name of waiting) expected[name] = (expected[name] ?? 0) + 5
    expect(Object.fromEntries(report.Workers.filter((w: any) => w.MutexWaitSeconds > 0).map((w: any) => [w.WorkerName, w.MutexWaitSeconds]))).toEqual(expected)
    // Under the default threshold (10m), 5 s of waiting is no recommendation.
    expect(report.Recommendations.filter((x: any) => x.Kind === 'mutex-waits')).toEqual([])
    const table = await runCli(['leases', 'report', '--since', '1h'], {env, cwd: dir})
    expect(table.stdout).toMatch(/^WORKER\tPOOLS\tLEASES\tTASKS\tPEAK CONCURRENT\tMUTEX WAIT\tBUSY/m)
    for (const name of waiting) expect(table.stdout).toMatch(new RegExp(`^${name}\\t[^\\n]*\\t${expected[name]}s\\t`, 'm'))
  })

  it('takes its thresholds from .octoworkers.yaml: the table, JSON and HTML name the waiting worker', async () => {
    writeFileSync(path.join(dir, '.octoworkers.yaml'), 'capacity:\n  mutexWait: 5s\n  idlePercent: 100\n')
    const r = await runCli(['leases', 'report', '--since', '1h', '--json'], {env, cwd: dir})
    const waits = parseJson(r).Recommendations.filter((x: any) => x.Kind === 'mutex-waits')
    expect(waits.length).toBeGreaterThan(0)
    const table = await runCli(['leases', 'report', '--since', '1h'], {env, cwd: dir})
    expect(table.stdout).toContain(`- worker ${waits[0].WorkerName}: ${waits[0].MutexWaitSeconds}s waiting on another script's mutex: run those steps in an execution container or add a worker.`)
    const html = await runCli(['leases', 'report', '--since', '1h', '--format', 'html', '-o', 'capacity.html'], {env, cwd: dir})
    expect(html.exitCode).toBe(0)
    expect(readFileSync(path.join(dir, 'capacity.html'), 'utf8')).toContain(`<li>worker ${waits[0].WorkerName}: ${waits[0].MutexWaitSeconds}s waiting on another script's mutex`)
  })

  it('a bad threshold is exit 2 with one line naming the file and line, before any task is read', async () => {
    writeFileSync(path.join(dir, '.octoworkers.yaml'), 'capacity:\n  allBusy: soon\n')
    const r = await runCli(['leases', 'report', '--since', '1h'], {env, cwd: dir})
    expect(r.exitCode).toBe(2)
    expect(r.stderr.trim().split('\n')[0]).toBe(`Error: Invalid config file ${path.join(dir, '.octoworkers.yaml')}, line 2: capacity.allBusy: 'soon' is not a duration; give one such as 90s, 30m, 1h30m, 7d or 2w`)
  })
})

describe('sandbox simulation with FullIsolation: steps sharing a worker wait on its mutex, and leases report counts it', () => {
  let sandbox: Sandbox
  let env: Record<string, string>

  beforeAll(async () => {
    sandbox = await startTestSandbox({seed: 'demo'})
    env = {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey}
  })
  afterAll(async () => {
    await sandbox?.close()
  })

  it('writes Tentacle\'s wait line naming the holding task, and the report gives each worker the waits its steps logged', async () => {
    const {simulationDone, startSimulation} = await import('./follow.js')
    // Six at a time on one pool of fewer workers: steps share workers and so wait.
    const sim = await startSimulation(sandbox, {Tasks: 12, Concurrency: 6, MinDurationMs: 100, MaxDurationMs: 200, StepsPerTask: 1, WorkerPoolIds: ['WorkerPools-1'], FullIsolation: true} as never)
    const done = await simulationDone(sandbox, sim.Id)
    expect(done.TasksCompleted).toBe(12)
    const expected: Record<string, number> = {}
    let waits = 0
    const taskIds = (await api(sandbox, 'GET', '/api/Spaces-1/tasks?take=100')).body.Items.filter((t: any) => t.Description.startsWith('Deploy Sandbox Simulation')).map((t: any) => t.Id as string)
    expect(taskIds).toHaveLength(12)
    for (const taskId of taskIds) {
      const step = (await api(sandbox, 'GET', `/api/Spaces-1/tasks/${taskId}/details`)).body.ActivityLogs[0].Children[0]
      const elements = step.LogElements as Array<{Category: string; OccurredAt: string; MessageText: string}>
      const wait = elements.find((e) => e.MessageText.startsWith('Waiting'))
      if (!wait) continue
      waits++
      expect(wait.Category).toBe('Wait')
      expect(wait.MessageText).toMatch(/^Waiting (for the script in task \[ServerTasks-\d+\]\(~\/app#\/tasks\/ServerTasks-\d+\) to finish as this script|on scripts in tasks .+ to finish\. This script) requires that no other Octopus scripts are executing on this target at the same time\.$/)
      expect(wait.MessageText).not.toContain(taskId)
      const executing = elements.find((e) => e.MessageText === 'Executing the script.')!
      const worker = /^Leased worker (.+) from pool /.exec(elements[0].MessageText)![1]
      expected[worker] = (expected[worker] ?? 0) + Date.parse(executing.OccurredAt) - Date.parse(wait.OccurredAt) + 100
    }
    expect(waits).toBeGreaterThan(0)
    const report = parseJson(await runCli(['leases', 'report', '--since', '1h', '--json'], {env}))
    const got = Object.fromEntries(report.Workers.filter((w: any) => w.MutexWaitSeconds > 0).map((w: any) => [w.WorkerName, w.MutexWaitSeconds]))
    expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort())
    for (const [worker, ms] of Object.entries(expected)) expect(Math.abs(got[worker] - ms / 1000)).toBeLessThanOrEqual(0.1 * waits)
  })
})
