/**
 * Foreign documents tier: the documents of real server versions (test/fixtures/octopus/foreign)
 * served by a stub server, run through every read command's lib functions and through the bulk
 * commands' selection. Read: nothing crashes, nothing shows `undefined` or a blank type, and one
 * worker reads the same in worker list, pool view and worker view. Bulk: a server that widens a
 * selection never widens a write.
 */
import {afterEach, describe, expect, it} from 'vitest'
import {findAllByNameOrId, findByNameOrId} from '../../../src/octopus/names.js'
import {deleteWorker, listMachinePolicies, listWorkerPools, listWorkers} from '../../../src/octopus/repositories.js'
import {readSnapshot} from '../../../src/app/estate/read.js'
import {runCheck} from '../../../src/domain/policy/engine.js'
import {countsFromWorkers} from '../../../src/app/pools/counts.js'
import {deleteImpacts} from '../../../src/app/pools/delete.js'
import {POOL_WORKERS_HEAD, poolViewLines, poolWorkerRow} from '../../../src/views/pools.js'
import {poolWorkerSummary} from '../../../src/app/pools/view.js'
import {selectWorkers} from '../../../src/app/workers/bulk.js'
import {disableTargets} from '../../../src/app/maintenance/drain-run.js'
import {healthTarget, healthTaskBody} from '../../../src/app/workers/health.js'
import {poolNames, toWorkerQuery, withPoolNames} from '../../../src/app/workers/list.js'
import {healthRows, WORKER_TABLE_HEAD, workerRow} from '../../../src/views/workers.js'
import {draftFromInput, registerWorker} from '../../../src/app/workers/register.js'
import {workerView} from '../../../src/app/workers/view.js'
import {workerViewLines} from '../../../src/views/workers.js'
import {config} from '../policy/fixtures.js'
import {FOREIGN_VERSIONS, connectForeign, startForeignServer, type ForeignServer} from '../octopus/foreign-server.js'

let server: ForeignServer
afterEach(async () => server?.close())

/** What each worker of the fixtures must read as, in every command's text: [TYPE, HEALTH, DISABLED, ENDPOINT] (Octopus's `None` style reads "no endpoint"). */
const EXPECTED_CELLS: Record<string, [string, string, string, string]> = {
  'listening-01': ['Listening', 'Healthy', 'no', 'https://listening-01.example.com:10933/'],
  'polling-01': ['Polling', 'Unhealthy', 'no', 'poll://ckyhfyfkcbmzjl8sfgch/'],
  'ssh-01': ['SSH', 'Healthy', 'yes', 'ssh://ssh-01.example.com:22/'],
  'ssh-02': ['SSH', 'HasWarnings', 'no', 'ssh://ssh-02.example.com:2222/'],
  'default-01': ['Listening', 'Healthy', 'no', 'https://default-01.example.com:10933/'],
  'ubuntu-01': ['Polling', 'Unavailable', 'no', 'poll://q8w7e6r5t4y3u2i1o0pa/'],
  'orphan-01': ['no endpoint', 'Unknown', 'no', 'https://orphan-01.example.com:10933/'],
  'k8s-01': ['Kubernetes', 'Healthy', 'no', 'poll://kcxzcv2fpsxkn6tk9u6d/'],
  'k8s-02': ['Kubernetes', 'HasWarnings', 'no', 'poll://m3n4b5v6c7x8z9l0k1j2/'],
  'none-01': ['no endpoint', 'Unknown', 'no', ''],
  'future-01': ['QuantumTentacle', 'Healthy', 'no', 'qt://future-01/'],
  'sparse-01': ['Listening', 'Unknown', 'no', 'https://sparse-01.example.com:10933/'],
}

const noUndefined = (text: string) => expect(text).not.toMatch(/undefined|null|\[object Object\]|NaN/)

describe.each(FOREIGN_VERSIONS)('read commands on %s documents', (version) => {
  it('worker list: every worker has its type, health, state and endpoint in the one form', async () => {
    server = await startForeignServer(version)
    const space = await connectForeign(server)
    const pools = await listWorkerPools(space)
    const rows = (await listWorkers(space)).map((w) => workerRow(withPoolNames(w, poolNames(pools))))
    expect(rows).toHaveLength(server.workers.length)
    for (const row of rows) {
      expect(row).toHaveLength(WORKER_TABLE_HEAD.length)
      const [name, type, health, disabled, poolNames, endpoint] = row
      expect([type, health, disabled, endpoint], name).toEqual(EXPECTED_CELLS[name])
      expect(type).not.toBe('')
      expect(poolNames).not.toBe('')
      noUndefined(row.join(' '))
    }
    // --json: the documents as the server sent them (unknown fields kept), plus pool names.
    const json = JSON.parse(JSON.stringify((await listWorkers(space)).map((w) => withPoolNames(w, poolNames(pools)))))
    // The JSON keeps Octopus's own name for a worker with no endpoint.
    if (version === '2026.1') expect(poolWorkerSummary(json.find((w: {Name: string}) => w.Name === 'none-01')).Type).toBe('None')
    if (version === '2026.1') expect(json.find((w: {Name: string}) => w.Name === 'future-01')).toMatchObject({FutureField: {Nested: [1, 2, 3]}, WorkerPoolNames: ['Linux Workers']})
  })

  it('worker list --type kubernetes lists exactly the Kubernetes agents', async () => {
    server = await startForeignServer(version)
    const space = await connectForeign(server)
    const workers = await listWorkers(space, toWorkerQuery({type: 'kubernetes'}))
    expect(workers.map((w) => w.Name)).toEqual(version === '2026.1' ? ['k8s-01', 'k8s-02'] : [])
  })

  it('pool view: each member reads exactly as worker list shows it; header has labels, not raw styles', async () => {
    server = await startForeignServer(version)
    const space = await connectForeign(server)
    const pools = await listWorkerPools(space)
    for (const pool of pools.filter((p) => p.WorkerPoolType !== 'DynamicWorkerPool')) {
      const members = await listWorkers(space, {workerPoolIds: [pool.Id]})
      expect(members.every((w) => w.WorkerPoolIds.includes(pool.Id))).toBe(true)
      for (const worker of members) {
        const listRow = workerRow(withPoolNames(worker, poolNames(pools)))
        const poolRow = poolWorkerRow(poolWorkerSummary(worker))
        expect(POOL_WORKERS_HEAD).toEqual(WORKER_TABLE_HEAD.filter((h) => h !== 'POOLS'))
        expect(poolRow).toEqual(listRow.filter((_, i) => WORKER_TABLE_HEAD[i] !== 'POOLS'))
      }
      const lines = poolViewLines(pool, countsFromWorkers(members), space.webUrl(`infrastructure/workerpools/${pool.Id}`)).join('\n')
      noUndefined(lines)
      expect(lines).not.toMatch(/TentaclePassive|TentacleActive|KubernetesTentacle/)
    }
  })

  it('worker view: every worker renders; Kubernetes agents show their agent details', async () => {
    server = await startForeignServer(version)
    const space = await connectForeign(server)
    const [workers, pools, machinePolicies] = await Promise.all([listWorkers(space), listWorkerPools(space), listMachinePolicies(space)])
    for (const worker of workers) {
      const view = workerView(worker, {pools, machinePolicies, webUrl: space.webUrl(`infrastructure/machines/${worker.Id}/settings`)})
      const lines = Object.fromEntries(workerViewLines(view))
      const [type, health, disabled, endpoint] = EXPECTED_CELLS[worker.Name]
      expect([lines.Type, lines.Health, lines.Disabled], worker.Name).toEqual([type, health, disabled])
      if (endpoint) expect(lines.Endpoint).toBe(endpoint)
      noUndefined(Object.values(lines).join(' '))
    }
    if (version !== '2026.1') return
    const agent = Object.fromEntries(workerViewLines(workerView(findByNameOrId(workers, 'k8s-02', 'worker'), {pools, machinePolicies, webUrl: ''})))
    expect(agent).toMatchObject({'Agent version': '2.2.1', 'Helm release': 'octopus-agent-k8s', Namespace: 'octopus-agent-k8s', 'Upgrade status': 'UpgradeRequired', 'Upgrade locked': 'no', 'Tentacle version': '8.1.1995 (upgrade required)', 'Communication mode': 'Polling'})
    expect(workerView(findByNameOrId(workers, 'k8s-02', 'worker'), {pools, machinePolicies, webUrl: ''})).toMatchObject({KubernetesAgentUpgradeStatus: 'UpgradeRequired', TentacleUpgradeRequired: true})
    expect(Object.fromEntries(workerViewLines(workerView(findByNameOrId(workers, 'orphan-01', 'worker'), {pools, machinePolicies, webUrl: ''})))['Tentacle version']).toMatch(/unknown/)
  })

  it('check: the whole rule set runs over the documents; upgrade advice comes from Tentacles and Kubernetes agents', async () => {
    server = await startForeignServer(version)
    const client = await server.client()
    const space = await client.resolveSpace()
    const report = runCheck(await readSnapshot(client, [space]), config())
    for (const finding of report.Findings) noUndefined(finding.Message)
    const upgrades = report.Findings.filter((f) => f.RuleId === 'health/upgrade-needed').map((f) => f.Subject)
    expect(upgrades).toEqual(version === '2026.1' ? ['k8s-02', 'listening-01', 'ubuntu-01'] : ['listening-01', 'ubuntu-01'])
    const unhealthy = report.Findings.filter((f) => f.RuleId === 'health/unhealthy-worker').map((f) => f.Subject)
    expect(unhealthy).toEqual(['polling-01', 'ubuntu-01'])
  })

  it('worker health: the task names only enabled workers of the selection; results render', async () => {
    server = await startForeignServer(version)
    const space = await connectForeign(server)
    const [allWorkers, pools] = await Promise.all([listWorkers(space), listWorkerPools(space)])
    const linux = findByNameOrId(pools, 'Linux Workers', 'worker pool')
    const target = healthTarget({workers: [], pools: [linux], allWorkers})
    expect(healthTaskBody(target).Arguments).toMatchObject({WorkerpoolId: linux.Id, RestrictedTo: 'Workers'})
    expect(target.skipped.map((w) => w.Name)).toEqual(['ssh-01'])
    const named = healthTarget({workers: findAllByNameOrId(allWorkers, version === '2026.1' ? ['k8s-02', 'future-01'] : ['ssh-02'], 'worker'), pools: [], allWorkers})
    expect(healthTaskBody(named).Arguments.MachineIds).toEqual(version === '2026.1' ? ['Workers-9', 'Workers-11'] : ['Workers-4'])
    for (const row of healthRows(allWorkers)) noUndefined(row.join(' '))
  })
})

describe.each(FOREIGN_VERSIONS)('bulk selection on a %s server that ignores every filter', (version) => {
  it('enable/disable --pool changes only that pool\'s workers', async () => {
    server = await startForeignServer(version, {mode: 'ignores-filters'})
    const space = await connectForeign(server)
    const [workers, pools] = await Promise.all([listWorkers(space), listWorkerPools(space)])
    const targets = selectWorkers({workers, names: [], pools, poolInputs: ['Hosted Ubuntu']})
    const members = server.workers.filter((w) => w.WorkerPoolIds.includes('WorkerPools-2')).map((w) => w.Id)
    expect(targets.map((w) => w.Id)).toEqual(members)
    const {applied} = await disableTargets(space, targets)
    expect(applied.map((a) => a.before.Id)).toEqual(members)
    const puts = server.requests.filter((r) => r.method === 'PUT').map((r) => r.url.split('/').pop())
    expect(puts).toEqual(members)
    expect(server.workers.filter((w) => w.IsDisabled).map((w) => w.Id).sort()).toEqual([...members, 'Workers-3'].sort())
  })

  it('a selection read through a filtered list is exact before it reaches a write', async () => {
    server = await startForeignServer(version, {mode: 'ignores-filters'})
    const space = await connectForeign(server)
    const unhealthy = await listWorkers(space, {healthStatuses: ['Unhealthy'], workerPoolIds: ['WorkerPools-3']})
    expect(unhealthy.map((w) => w.Name)).toEqual(['polling-01'])
    await disableTargets(space, unhealthy)
    expect(server.requests.filter((r) => r.method === 'PUT').map((r) => r.url)).toEqual(['/api/Spaces-1/workers/Workers-2'])
  })

  it('delete acts on the named workers only', async () => {
    server = await startForeignServer(version, {mode: 'ignores-filters'})
    const space = await connectForeign(server)
    const targets = findAllByNameOrId(await listWorkers(space), ['SSH-01', 'Workers-5'], 'worker')
    for (const target of targets) await deleteWorker(space, target.Id)
    expect(server.requests.filter((r) => r.method === 'DELETE').map((r) => r.url)).toEqual(['/api/Spaces-1/workers/Workers-3', '/api/Spaces-1/workers/Workers-5'])
  })

  it('pool delete: the impact list holds only the pools\' own workers', async () => {
    server = await startForeignServer(version, {mode: 'ignores-filters'})
    const space = await connectForeign(server)
    const pools = await listWorkerPools(space)
    const targets = findAllByNameOrId(pools, ['Hosted Ubuntu'], 'worker pool')
    const [impact] = deleteImpacts(targets, await listWorkers(space, {workerPoolIds: targets.map((p) => p.Id)}))
    const members = server.workers.filter((w) => w.WorkerPoolIds.includes('WorkerPools-2'))
    expect(impact.workers.map((w) => w.Name)).toEqual(members.map((w) => w.Name))
    expect(impact.stranded.map((w) => w.Name)).toEqual(members.filter((w) => w.WorkerPoolIds.length === 1).map((w) => w.Name))
  })

  it('worker register: a same-name look-up the server ignored neither updates another worker nor blocks the create', async () => {
    server = await startForeignServer(version, {mode: 'ignores-filters'})
    const deps = {interactive: false, connect: () => connectForeign(server), askForMissing: () => Promise.reject(new Error('no prompt without a terminal'))}
    const created = await registerWorker(draftFromInput('listening', {name: 'brand-new', pool: ['Linux Workers'], url: 'https://brand-new.example.com:10933/', thumbprint: 'A'.repeat(40)}), deps)
    expect(created.action).toBe('created')
    expect(server.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.url}`)).toEqual(['POST /api/Spaces-1/workers'])
    const forced = await registerWorker(draftFromInput('ssh', {name: 'ssh-02', pool: ['Linux Workers'], host: 'ssh-02.example.com', port: 2222, fingerprint: 'SHA256:fJt7dWUBaVuYp1sQ3ZGZ8qW3k9a2bx1Lr3vN5cT0pQs', account: 'deploy-key', force: true}), deps)
    expect(forced.worker.Id).toBe('Workers-4')
    expect(server.requests.filter((r) => r.method === 'PUT').map((r) => r.url)).toEqual(['/api/Spaces-1/workers/Workers-4'])
  })
})
