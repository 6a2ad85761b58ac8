/**
 * The built CLI against servers shaped like real versions (the foreign documents of
 * test/fixtures/octopus/foreign, served by a stub that filters like that version, or not at all):
 * each command's output is exact and its requests use that version's own parameter names.
 */
import {afterEach, describe, expect, it} from 'vitest'
import {parseJson, runCli, type CliResult} from '../../helpers/cli.js'
import {FOREIGN_VERSIONS, startForeignServer, type ForeignServer, type ForeignVersion} from '../../unit/octopus/foreign-server.js'

let server: ForeignServer
afterEach(async () => server?.close())

function octo(args: string[]): Promise<CliResult> {
  return runCli([...args, '--debug'], {env: {OCTOPUS_URL: server.url, OCTOPUS_API_KEY: 'API-FOREIGNTEST0000000000000000'}})
}

/** `GET /api/...` paths a run requested, from its --debug lines. */
function requested(result: CliResult): string[] {
  return result.stderr.split('\n').filter((l) => /^\[debug\] [A-Z]+ \S+ -> /.test(l)).map((l) => {
    const [method, url] = l.replace(/^\[debug\] /, '').split(' ')
    return `${method} ${decodeURIComponent(new URL(url).pathname + new URL(url).search)}`
  })
}

const rows = (stdout: string) => stdout.trim().split('\n').slice(1).map((line) => line.split('\t'))
const poolParam: Record<ForeignVersion, string> = {'2019.7': 'workerpoolIds', '2023.1': 'workerPoolIds', '2026.1': 'workerPoolIds'}

describe.each(FOREIGN_VERSIONS)('commands against a %s server', (version) => {
  it('worker list --pool sends the pool filter in the version\'s spelling and lists only that pool', async () => {
    for (const mode of ['like-the-version', 'ignores-filters'] as const) {
      server = await startForeignServer(version, {mode})
      const result = await octo(['worker', 'list', '--pool', 'Hosted Ubuntu'])
      expect(result.exitCode, result.stderr).toBe(0)
      const expected = server.workers.filter((w) => w.WorkerPoolIds.includes('WorkerPools-2')).map((w) => w.Name).sort()
      expect(rows(result.stdout).map((r) => r[0])).toEqual(expected)
      expect(requested(result)).toContain(`GET /api/Spaces-1/workers?skip=0&take=2147483647&${poolParam[version]}=WorkerPools-2`)
      await server.close()
    }
  })

  it('worker list --type kubernetes and pool view show Kubernetes agents the same way', async () => {
    server = await startForeignServer(version, {mode: 'ignores-filters'})
    const list = await octo(['worker', 'list', '--type', 'kubernetes'])
    expect(list.exitCode, list.stderr).toBe(0)
    const view = await octo(['pool', 'view', 'Hosted Ubuntu'])
    expect(view.exitCode, view.stderr).toBe(0)
    if (version !== '2026.1') {
      expect(list.stdout).toBe('')
      expect(list.stderr).toContain('No workers match.')
      return
    }
    const listed = rows(list.stdout)
    expect(listed.map((r) => r[0])).toEqual(['k8s-01', 'k8s-02'])
    expect(listed[0]).toEqual(['k8s-01', 'Kubernetes', 'Healthy', 'no', 'Hosted Ubuntu', 'poll://kcxzcv2fpsxkn6tk9u6d/'])
    const table = view.stdout.slice(view.stdout.indexOf('\nNAME ') + 1)
    expect(rows(table).find((r) => r[0] === 'k8s-01')).toEqual(['k8s-01', 'Kubernetes', 'Healthy', 'no', 'poll://kcxzcv2fpsxkn6tk9u6d/'])
    expect(view.stdout).toContain('By endpoint:  Polling 1, Kubernetes 2')
  })

  it('worker view, check and worker health take every worker the version sends', async () => {
    server = await startForeignServer(version)
    for (const worker of server.workers) {
      const result = await octo(['worker', 'view', worker.Id])
      expect(result.exitCode, `${worker.Name}: ${result.stderr}`).toBe(0)
      expect(result.stdout).not.toMatch(/undefined/)
    }
    const check = await octo(['check', '--json', '--fail-on', 'never'])
    expect(check.exitCode, check.stderr).toBe(0)
    const upgrades = parseJson(check).Findings.filter((f: {RuleId: string}) => f.RuleId === 'health/upgrade-needed').map((f: {Subject: string}) => f.Subject)
    expect(upgrades).toEqual(version === '2026.1' ? ['k8s-02', 'listening-01', 'ubuntu-01'] : ['listening-01', 'ubuntu-01'])
    const health = await octo(['worker', 'health', version === '2026.1' ? 'k8s-02' : 'ssh-02', '--json'])
    expect(health.exitCode, health.stderr).toBe(0)
    const posted = server.requests.filter((r) => r.method === 'POST')
    expect(posted.map((r) => JSON.parse(r.body).Arguments.MachineIds)).toEqual([[version === '2026.1' ? 'Workers-9' : 'Workers-4']])
  })

  it('worker disable --pool on a server that ignores filters changes only that pool\'s workers', async () => {
    server = await startForeignServer(version, {mode: 'ignores-filters'})
    const result = await octo(['worker', 'disable', '--pool', 'Hosted Ubuntu', '--force', '-y'])
    expect(result.exitCode, result.stderr).toBe(0)
    const members = server.workers.filter((w) => w.WorkerPoolIds.includes('WorkerPools-2')).map((w) => `PUT /api/Spaces-1/workers/${w.Id}`)
    expect(requested(result).filter((r) => !r.startsWith('GET'))).toEqual(members)
  })
})
