import {describe, expect, it} from 'vitest'
import {assertNameFree, planWorkerUpdate, requireSingleRename, validateUpdateInput} from '../../../src/app/workers/update.js'
import {NOT_CHECKED_DISABLED, allAvailable, checkedWorkers, healthCheckFailed, healthResult, healthTarget, healthTaskBody, requireTargets, waitForTask} from '../../../src/app/workers/health.js'
import {leasesHeldBy, refuseLeasedWorkers, requireSelection, selectWorkers} from '../../../src/app/workers/bulk.js'
import {renderWorkerBulk} from '../../../src/views/bulk.js'
import {workerView} from '../../../src/app/workers/view.js'
import {workerViewLines} from '../../../src/views/workers.js'
import {runBulk, toBulkResult} from '../../../src/domain/bulk.js'
import {pool, worker} from './fixtures.js'

const p1 = pool('WorkerPools-1', 'Default Worker Pool')
const p2 = pool('WorkerPools-2', 'Linux')
const p3 = pool('WorkerPools-3', 'Windows')

describe('validateUpdateInput (before any request)', () => {
  it.each([
    [{addPool: ['Linux'], removePool: ['linux']}, /both name 'Linux'/],
    [{}, /Nothing to update/],
    [{name: ''}, /must not be empty/],
    [{name: 'x'.repeat(201)}, /limit is 200/],
    [{addPool: [' ']}, /must not be empty/],
    [{machinePolicy: ''}, /must not be empty/],
  ])('%j -> exit 2', (input, message) => {
    expect(() => validateUpdateInput(input)).toThrow(message)
    expect(() => validateUpdateInput(input)).toThrow(expect.objectContaining({exitCode: 2}))
  })
})

describe('planWorkerUpdate', () => {
  const w = worker('Workers-1', 'a', {WorkerPoolIds: ['WorkerPools-1', 'WorkerPools-2']})
  it('moves between pools and keeps the rest of the document', () => {
    const plan = planWorkerUpdate(w, {addPools: [p3], removePools: [p1]})
    expect(plan.worker).toEqual({...w, WorkerPoolIds: ['WorkerPools-2', 'WorkerPools-3']})
    expect(plan.changes).toEqual(["removed from pool 'Default Worker Pool'", "added to pool 'Windows'"])
  })
  it('refuses to leave the worker in no pool (exit 2)', () => {
    expect(() => planWorkerUpdate(w, {addPools: [], removePools: [p1, p2]})).toThrow(expect.objectContaining({exitCode: 2, message: expect.stringMatching(/in no pool/)}))
  })
  it('allows removing every current pool when another is added', () => {
    expect(planWorkerUpdate(w, {addPools: [p3], removePools: [p1, p2]}).worker.WorkerPoolIds).toEqual(['WorkerPools-3'])
  })
  it('refuses the same pool added and removed, by ID after resolution', () => {
    expect(() => planWorkerUpdate(w, {addPools: [p3], removePools: [p3]})).toThrow(expect.objectContaining({exitCode: 2}))
  })
  it('notes no-ops instead of failing', () => {
    const plan = planWorkerUpdate(w, {addPools: [p1], removePools: [p3]})
    expect(plan.changes).toEqual([])
    expect(plan.notes).toHaveLength(2)
  })
  it('renames and changes the machine policy', () => {
    const plan = planWorkerUpdate(w, {name: 'b', addPools: [], removePools: [], machinePolicy: {Id: 'MachinePolicies-2', Name: 'Transient'} as any})
    expect(plan.worker).toMatchObject({Name: 'b', MachinePolicyId: 'MachinePolicies-2'})
    expect(plan.changes).toHaveLength(2)
  })
  it('a rename must not take another worker\'s name (exit 1)', () => {
    expect(() => assertNameFree([w, worker('Workers-2', 'B')], 'b', 'Workers-1')).toThrow(expect.objectContaining({exitCode: 1}))
    expect(() => assertNameFree([w], 'A', 'Workers-1')).not.toThrow()
  })
})

describe('health task', () => {
  const a = worker('Workers-1', 'a', {WorkerPoolIds: ['WorkerPools-1']})
  const b = worker('Workers-2', 'b', {WorkerPoolIds: ['WorkerPools-2']})
  const c = worker('Workers-3', 'c', {WorkerPoolIds: ['WorkerPools-2', 'WorkerPools-3']})
  const all = [a, b, c]
  it('one pool alone -> WorkerpoolId, reporting on its workers', () => {
    const target = healthTarget({workers: [], pools: [p2], allWorkers: all})
    expect(target.workers.map((w) => w.Id)).toEqual(['Workers-2', 'Workers-3'])
    expect(healthTaskBody(target)).toEqual({
      Name: 'Health', Description: 'Health check of pool Linux',
      Arguments: {Timeout: '00:05:00', MachineTimeout: '00:01:00', WorkerpoolId: 'WorkerPools-2', MachineIds: [], RestrictedTo: 'Workers'},
    })
  })
  it('named workers plus pools -> MachineIds, each once', () => {
    const target = healthTarget({workers: [a, c], pools: [p2, p3], allWorkers: all})
    expect(healthTaskBody(target).Arguments).toEqual({Timeout: '00:05:00', MachineTimeout: '00:01:00', MachineIds: ['Workers-1', 'Workers-3', 'Workers-2'], RestrictedTo: 'Workers'})
  })
  it('nothing named -> every worker of the space', () => {
    expect(healthTaskBody(healthTarget({workers: [], pools: [], allWorkers: all})).Arguments.MachineIds).toEqual(['Workers-1', 'Workers-2', 'Workers-3'])
  })
  it('an empty selection is bad usage (exit 2)', () => {
    expect(() => requireTargets(healthTarget({workers: [], pools: [p3], allWorkers: [a]}))).toThrow(expect.objectContaining({exitCode: 2, message: "Nothing to check: pool 'Windows' has no workers."}))
  })
  it('reports the workers as they are afterwards; available is Healthy or HasWarnings', () => {
    const after = checkedWorkers({workers: [a, b]}, [{...b, HealthStatus: 'Unavailable'}, {...a, HealthStatus: 'Healthy'}])
    expect(after.map((w) => w.HealthStatus)).toEqual(['Healthy', 'Unavailable'])
    expect(allAvailable(after)).toBe(false)
    expect(allAvailable([{...a, HealthStatus: 'HasWarnings'}, {...b, HealthStatus: 'Healthy'}])).toBe(true)
    expect(allAvailable([{...a, HealthStatus: 'Unknown'}])).toBe(false)
  })
  it('a waited result names each worker that is not available and why; disabled ones are not attempted', () => {
    const off = worker('Workers-9', 'off', {WorkerPoolIds: ['WorkerPools-2'], IsDisabled: true})
    const target = healthTarget({workers: [], pools: [p2], allWorkers: [b, c, off]})
    const task = {Id: 'ServerTasks-5', State: 'Failed'} as any
    const checked = [{...b, HealthStatus: 'HasWarnings' as const, StatusSummary: 'Low disk'}, {...c, HealthStatus: 'Unavailable' as const, StatusSummary: 'The machine could not be reached.'}]
    const result = healthResult({target, task, checked, pools: [p2, p3]})
    expect(result.Results).toEqual([
      {Id: 'Workers-2', Name: 'b', Status: 'done', Message: 'HasWarnings'},
      {Id: 'Workers-3', Name: 'c', Status: 'failed', Message: 'Unavailable: The machine could not be reached.'},
      {Id: 'Workers-9', Name: 'off', Status: 'skipped', Message: NOT_CHECKED_DISABLED},
    ])
    expect(result).toMatchObject({Action: 'checked', Done: 1, Unchanged: 0, Failed: 1, NotAttempted: 1, Waited: true})
    expect(result.Workers.map((w) => w.WorkerPoolNames)).toEqual([['Linux'], ['Linux', 'Windows']])
    expect(healthCheckFailed(result)).toBe(true)
  })
  it('a waited check fails when the task did not succeed, even with every worker available; an unwaited one never fails', () => {
    const target = healthTarget({workers: [b], pools: [], allWorkers: [b]})
    const healthyB = {...b, HealthStatus: 'Healthy' as const}
    expect(healthCheckFailed(healthResult({target, task: {Id: 'ServerTasks-6', State: 'Success'} as any, checked: [healthyB], pools: []}))).toBe(false)
    expect(healthCheckFailed(healthResult({target, task: {Id: 'ServerTasks-6', State: 'TimedOut'} as any, checked: [healthyB], pools: []}))).toBe(true)
    const started = healthResult({target, task: {Id: 'ServerTasks-7', State: 'Queued'} as any, pools: []})
    expect(started).toMatchObject({Action: 'check started', Done: 1, Failed: 0, Waited: false, Results: [{Name: 'b', Status: 'done', Message: 'check started (ServerTasks-7)'}]})
    expect(healthCheckFailed(started)).toBe(false)
  })
  it('waitForTask polls until the task finishes, reporting progress', async () => {
    const states = ['Queued', 'Executing', 'Executing', 'Success']
    let clock = 0
    const seen: string[] = []
    const task = await waitForTask(async () => ({Id: 'ServerTasks-1', State: states.shift()!, IsCompleted: states.length === 0}) as any, {
      intervalMs: 1000, timeoutMs: 60_000, now: () => clock, sleep: async (ms) => void (clock += ms), onProgress: (t) => seen.push(t.State),
    })
    expect(task.State).toBe('Success')
    expect(seen).toEqual(['Queued', 'Executing', 'Executing', 'Success'])
  })
  it('waitForTask gives up after the wait timeout with exit 1', async () => {
    let clock = 0
    await expect(waitForTask(async () => ({Id: 'ServerTasks-1', State: 'Executing', IsCompleted: false}) as any, {
      intervalMs: 1000, timeoutMs: 3000, now: () => clock, sleep: async (ms) => void (clock += ms),
    })).rejects.toThrow(expect.objectContaining({exitCode: 1, message: expect.stringMatching(/ServerTasks-1 is still Executing after 3s/)}))
  })
})

describe('bulk selection and reports', () => {
  const a = worker('Workers-1', 'a', {WorkerPoolIds: ['WorkerPools-1']})
  const b = worker('Workers-2', 'b', {WorkerPoolIds: ['WorkerPools-2']})
  const c = worker('Workers-3', 'c', {WorkerPoolIds: ['WorkerPools-2']})
  it('selects named workers and every worker of --pool, once each', () => {
    expect(selectWorkers({workers: [a, b, c], names: ['C', 'Workers-1'], pools: [p1, p2], poolInputs: ['Linux']}).map((w) => w.Name)).toEqual(['c', 'a', 'b'])
  })
  it('resolves everything first: any unknown name is exit 4', () => {
    expect(() => selectWorkers({workers: [a, b], names: ['a', 'zz'], pools: [p1], poolInputs: []})).toThrow(expect.objectContaining({exitCode: 4}))
    expect(() => selectWorkers({workers: [a, b], names: ['a'], pools: [p1], poolInputs: ['nope']})).toThrow(expect.objectContaining({exitCode: 4}))
  })
  it('needs a name or a pool (exit 2)', () => expect(() => requireSelection([], [])).toThrow(expect.objectContaining({exitCode: 2})))
  it('says what was done and what was not after a failure', async () => {
    const report = await runBulk([a, b, c], async (w) => {
      if (w === a) return {unchanged: 'already disabled'}
      if (w === b) throw new Error('HTTP 500')
      return {result: w}
    })
    const result = toBulkResult(report, 'disabled')
    expect(result).toEqual({
      Action: 'disabled',
      Results: [
        {Id: 'Workers-1', Name: 'a', Status: 'unchanged', Message: 'already disabled'},
        {Id: 'Workers-2', Name: 'b', Status: 'failed', Message: 'HTTP 500'},
        {Id: 'Workers-3', Name: 'c', Status: 'skipped', Message: 'not attempted (an earlier item failed)'},
      ],
      Done: 0, Unchanged: 1, Failed: 1, NotAttempted: 1,
    })
    const rendered = renderWorkerBulk(result, 'disabled')
    expect(rendered.stdout).toBe('a: already disabled\nb: FAILED: HTTP 500\nc: not attempted (an earlier item failed)')
    expect(rendered.stderr[0]).toMatch(/^Stopped after a failure: 0 disabled, 1 already so, 1 failed, 1 not attempted\./)
  })
  it('renders server names terminal-safe, and an empty selection as one note', () => {
    const result = toBulkResult({results: [{item: {Id: 'Workers-1', Name: 'evil\nError: forged'}, outcome: {status: 'done', result: 1}}], failed: false}, 'deleted')
    expect(renderWorkerBulk(result, 'deleted').stdout?.split('\n')).toHaveLength(1)
    expect(renderWorkerBulk(toBulkResult({results: [], failed: false}, 'deleted'), 'deleted')).toEqual({stderr: ['No workers selected (the pool has none); nothing was deleted.']})
  })
  it('a done item can carry its own message (worker update: the changes)', async () => {
    const report = await runBulk([a], async () => ({result: "added to pool 'Linux'"}))
    expect(toBulkResult(report, 'updated', (changes) => changes).Results[0].Message).toBe("added to pool 'Linux'")
  })
  it('--name renames one worker: several names or a pool is exit 2', () => {
    expect(() => requireSingleRename({name: 'x'}, {names: ['a', 'b'], poolInputs: []})).toThrow(expect.objectContaining({exitCode: 2}))
    expect(() => requireSingleRename({name: 'x'}, {names: [], poolInputs: ['Linux']})).toThrow(/--name renames one worker/)
    expect(() => requireSingleRename({name: 'x'}, {names: ['a'], poolInputs: []})).not.toThrow()
    expect(() => requireSingleRename({addPool: ['Linux']}, {names: ['a', 'b'], poolInputs: ['Linux']})).not.toThrow()
  })
  it('refuses to delete leased workers, naming task and lease', () => {
    const lease = {Id: 'WorkerTaskLeases-4', WorkerId: 'Workers-2', ServerTaskId: 'ServerTasks-9', Exclusive: false, Name: 'x', SpaceId: 'Spaces-1', TakenAt: '', WorkerPoolId: 'WorkerPools-2'}
    const held = leasesHeldBy([a, b], [lease, {...lease, WorkerId: 'Workers-9'}])
    expect([...held.keys()]).toEqual([b])
    expect(() => refuseLeasedWorkers(held)).toThrow(/'b' is leased by task ServerTasks-9 \(WorkerTaskLeases-4\)/)
    // Deleting a leased worker is refused as unsafe.
    expect(() => refuseLeasedWorkers(held)).toThrow(expect.objectContaining({exitCode: 5, code: 'worker-leased'}))
    expect(() => refuseLeasedWorkers(leasesHeldBy([a], [lease]))).not.toThrow()
  })
})

describe('workerView', () => {
  it('names every reference and keeps the resource fields', () => {
    const w = worker('Workers-9', 's', {WorkerPoolIds: ['WorkerPools-2'], Endpoint: {CommunicationStyle: 'Ssh', Host: 'h', Port: 22, Uri: 'ssh://h:22/', Fingerprint: 'SHA256:x', AccountId: 'Accounts-1', ProxyId: 'Proxies-1'}})
    const view = workerView(w, {pools: [p2], machinePolicies: [{Id: 'MachinePolicies-1', Name: 'Default Machine Policy'}], accounts: [{Id: 'Accounts-1', Name: 'Key'}], proxies: [{Id: 'Proxies-1', Name: 'Corp'}], webUrl: 'http://x/app#/Spaces-1/infrastructure/workers/Workers-9/settings'})
    expect(view).toMatchObject({Id: 'Workers-9', WorkerPoolNames: ['Linux'], MachinePolicyName: 'Default Machine Policy', AccountName: 'Key', ProxyName: 'Corp', TentacleVersion: null})
    const lines = Object.fromEntries(workerViewLines(view))
    expect(lines).toMatchObject({Type: 'SSH', Endpoint: 'ssh://h:22/', Account: 'Key', Proxy: 'Corp', Pools: 'Linux', 'Tentacle version': 'n/a (SSH)'})
  })
  it('shows the thumbprint and upgrade advice of a Tentacle', () => {
    const w = worker('Workers-2', 't', {Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: 'https://t:10933/', Thumbprint: 'AB'.repeat(20), TentacleVersionDetails: {Version: '6.3.417', UpgradeSuggested: true}}})
    const view = workerView(w, {pools: [p1], machinePolicies: [], webUrl: 'u'})
    expect(view).toMatchObject({TentacleVersion: '6.3.417', TentacleUpgradeSuggested: true, TentacleUpgradeRequired: false, MachinePolicyName: 'MachinePolicies-1'})
    expect(Object.fromEntries(workerViewLines(view))).toMatchObject({Thumbprint: 'AB'.repeat(20), 'Tentacle version': '6.3.417 (upgrade suggested)'})
  })
})
