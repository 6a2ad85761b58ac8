import {execFileSync} from 'node:child_process'
import {chmodSync, mkdirSync, readdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {claimsKey, claimStore, parseClaim, type UpgradeClaim} from '../../../src/app/maintenance/upgrade-claims.js'
import {reviewClaims} from '../../../src/app/maintenance/worker-upgrade.js'
import {selectUpgradeTargets} from '../../../src/app/maintenance/upgrade-plan.js'
import type {WorkerResource} from '../../../src/octopus/types.js'
import {tempDir} from '../../helpers/temp.js'
import {upgradeClaimWarningLine} from '../../../src/views/maintenance-progress.js'
import {terminalSafeLine} from '../../../src/ui/safe.js'

const server = 'https://octopus.example'
const store = (root: string, pid: number, alive: Set<number>, warnings: string[] = []) =>
  claimStore({root, server, spaceId: 'Spaces-1', pid, host: 'h1', isAlive: (p) => alive.has(p), warn: (w) => warnings.push(upgradeClaimWarningLine(w)), now: () => new Date('2026-12-01T09:00:00Z')})

describe('upgrade claims', () => {
  it('one live run per worker; a second run is told who holds it; release forgets it', async () => {
    const root = tempDir('claims')
    const alive = new Set([100, 200])
    const a = store(root, 100, alive)
    const b = store(root, 200, alive)
    expect(await a.claim({Id: 'Workers-1', Name: 'w1'}, true)).toEqual({claimed: true})
    const refused = await b.claim({Id: 'Workers-1', Name: 'w1'}, false)
    expect(refused).toMatchObject({claimed: false, owner: {Pid: 100, Host: 'h1', WasEnabled: true, WorkerName: 'w1'}})
    // b's release does not remove a's live claim.
    await b.release('Workers-1')
    expect((await a.list()).map((c) => c.Pid)).toEqual([100])
    await a.release('Workers-1')
    expect(await a.list()).toEqual([])
  })

  it('a claim whose process is gone is an orphan: a rerun takes it over, keeping whether the worker was enabled', async () => {
    const root = tempDir('claims')
    const dead = store(root, 100, new Set([300]))
    await dead.claim({Id: 'Workers-2', Name: 'w2'}, true)
    const rerun = store(root, 300, new Set([300]))
    const [orphan] = await rerun.list()
    expect(rerun.isOrphan(orphan)).toBe(true)
    expect(await rerun.claim({Id: 'Workers-2', Name: 'w2'}, false)).toEqual({claimed: true})
    expect((await rerun.list())[0]).toMatchObject({Pid: 300, WasEnabled: true})
  })

  it('another host\'s claim is never taken for an orphan (its process cannot be checked from here)', async () => {
    const root = tempDir('claims')
    await claimStore({root, server, spaceId: 'Spaces-1', pid: 100, host: 'other', isAlive: () => false}).claim({Id: 'Workers-3', Name: 'w3'}, true)
    const here = store(root, 300, new Set())
    const [claim] = await here.list()
    expect(here.isOrphan(claim)).toBe(false)
    expect(await here.claim({Id: 'Workers-3', Name: 'w3'}, true)).toMatchObject({claimed: false})
  })

  it('keyed by InstallationId where the server gives one, so two URLs of one server share claims', () => {
    expect(claimsKey('https://a.example', 'Spaces-1', 'abc')).toBe(claimsKey('http://proxy:8080/', 'spaces-1', 'ABC'))
    expect(claimsKey('https://a.example/', 'Spaces-1')).toBe(claimsKey('https://A.example', 'Spaces-1'))
    expect(claimsKey('https://a.example', 'Spaces-1')).not.toBe(claimsKey('https://a.example', 'Spaces-2'))
  })

  it('ignores, with a warning, files that are not private regular files of this user, and a FIFO without hanging', async () => {
    const root = tempDir('claims')
    const a = store(root, 100, new Set([100]))
    await a.claim({Id: 'Workers-1', Name: 'w1'}, true)
    const dir = path.join(root, readdirSync(root)[0])
    const planted: UpgradeClaim = {Server: server, SpaceId: 'Spaces-1', WorkerId: 'Workers-5', WorkerName: 'evil', WasEnabled: true, Pid: 999, Host: 'h1', ClaimedAt: 'x'}
    writeFileSync(path.join(dir, 'Workers-5.json'), JSON.stringify(planted))
    chmodSync(path.join(dir, 'Workers-5.json'), 0o666)
    execFileSync('mkfifo', [path.join(dir, 'Workers-6.json')])
    writeFileSync(path.join(dir, 'Workers-7.json'), '{"not": "a claim"}', {mode: 0o600})
    const warnings: string[] = []
    const listed = await store(root, 300, new Set([100, 300]), warnings).list()
    expect(listed.map((c) => c.WorkerId)).toEqual(['Workers-1'])
    expect(warnings).toEqual([
      expect.stringMatching(/Workers-5\.json: not a small private regular file of this user/),
      expect.stringMatching(/Workers-6\.json: not a small private regular file of this user/),
      `ignoring ${path.join(dir, 'Workers-7.json')}: not a valid upgrade claim.`,
    ])
  })

  it('a directory others may write is not used', async () => {
    const root = tempDir('claims')
    const dir = path.join(root, claimsKey(server, 'Spaces-1'))
    mkdirSync(dir, {recursive: true})
    chmodSync(dir, 0o777)
    const warnings: string[] = []
    expect(await store(root, 1, new Set(), warnings).list()).toEqual([])
    expect(warnings).toEqual([`ignoring the upgrade claims in ${dir}: not a private directory of this user.`])
  })

  it('parseClaim rejects wrong shapes', () => {
    expect(parseClaim('[]')).toBeUndefined()
    expect(parseClaim('{"Server":"s","SpaceId":"s","WorkerId":"w","WorkerName":"n","Host":"h","ClaimedAt":"t","WasEnabled":"yes","Pid":1}')).toBeUndefined()
  })
})

const worker = (id: string, extra: Partial<WorkerResource> = {}): WorkerResource => ({
  Id: id, Name: id.toLowerCase(), WorkerPoolIds: ['WorkerPools-1'], IsDisabled: true, HealthStatus: 'Healthy',
  Endpoint: {CommunicationStyle: 'TentaclePassive', TentacleVersionDetails: {Version: '8.3.2886', UpgradeSuggested: false}}, ...extra,
} as unknown as WorkerResource)

describe('reviewClaims: what a rerun does with earlier runs\' claims', () => {
  const claim = (workerId: string, pid: number, wasEnabled = true): UpgradeClaim => ({Server: server, SpaceId: 'Spaces-1', WorkerId: workerId, WorkerName: workerId, WasEnabled: wasEnabled, Pid: pid, Host: 'h1', ClaimedAt: 't'})
  const outdated = {Endpoint: {CommunicationStyle: 'TentaclePassive', TentacleVersionDetails: {Version: '6.3.417', UpgradeSuggested: true}}} as Partial<WorkerResource>
  it('finishes an orphan still outdated, restores one already current, forgets one enabled again or gone, leaves a live run\'s to it', () => {
    const workers = [worker('Workers-1', outdated), worker('Workers-2'), worker('Workers-3', {IsDisabled: false}), worker('Workers-5'), worker('Workers-6', {WorkerPoolIds: ['WorkerPools-9']})]
    const review = reviewClaims({
      claims: [claim('Workers-1', 1), claim('Workers-2', 1, false), claim('Workers-3', 1), claim('Workers-4', 1), claim('Workers-5', 2), claim('Workers-6', 1)],
      isOrphan: (c) => c.Pid === 1, isMine: () => false, workers, kind: 'Tentacle', all: false,
      inScope: (w) => (w.WorkerPoolIds ?? []).includes('WorkerPools-1'),
    })
    expect(review.finish.map((w) => w.Id)).toEqual(['Workers-1'])
    expect(review.restore.map((w) => w.Id)).toEqual(['Workers-2'])
    expect([...review.enabledBefore]).toEqual([['Workers-1', true], ['Workers-2', false]])
    expect(review.forget).toEqual(['Workers-3', 'Workers-4'])
    expect(review.busy.map((b) => b.worker.Id)).toEqual(['Workers-5'])
    expect(review.outside.map((o) => o.worker.Id)).toEqual(['Workers-6'])
  })
})

describe('selectUpgradeTargets and Unavailable workers', () => {
  it('skips an Unavailable worker with the reason unless includeUnavailable', () => {
    const gone = worker('Workers-1', {HealthStatus: 'Unavailable', IsDisabled: false})
    const base = {named: [gone], pools: [], workers: [gone], kind: 'Tentacle' as const, all: false}
    expect(selectUpgradeTargets(base).skipped.map((s) => s.reason)).toEqual(['Unavailable at its last health check (Octopus could not contact it); pass --include-unavailable to upgrade it anyway'])
    expect(selectUpgradeTargets({...base, includeUnavailable: true}).targets.map((w) => w.Id)).toEqual(['Workers-1'])
  })
})

describe('upgradeClaimWarningLine (worker upgrade)', () => {
  it('words each warning as worker upgrade prints it', () => {
    expect(upgradeClaimWarningLine({kind: 'unsafe-directory', dir: '/c/claims/abc'})).toBe('ignoring the upgrade claims in /c/claims/abc: not a private directory of this user.')
    expect(upgradeClaimWarningLine({kind: 'directory-unusable', dir: '/c/claims/abc', message: 'EACCES: permission denied, mkdir \'/c/claims\''}))
      .toBe('cannot use the upgrade claims in /c/claims/abc: EACCES: permission denied, mkdir \'/c/claims\'.')
    expect(upgradeClaimWarningLine({kind: 'untrusted-file', file: '/c/claims/abc/Workers-5.json', reason: 'the file can be written by others (mode 666)'}))
      .toBe('ignoring /c/claims/abc/Workers-5.json: not a small private regular file of this user (the file can be written by others (mode 666)).')
    expect(upgradeClaimWarningLine({kind: 'invalid-claim', file: '/c/claims/abc/Workers-7.json'})).toBe('ignoring /c/claims/abc/Workers-7.json: not a valid upgrade claim.')
    expect(upgradeClaimWarningLine({kind: 'record-failed', workerName: 'w1', dir: '/c/claims/abc', message: 'ENOSPC: no space left on device'}))
      .toBe('cannot record the upgrade of \'w1\' in /c/claims/abc: ENOSPC: no space left on device; a rerun will not know this run disabled it.')
  })

  it('a hostile worker name stays on its line through the warning writer', () => {
    expect(terminalSafeLine(upgradeClaimWarningLine({kind: 'record-failed', workerName: 'evil\n\u001B[31mError: forged', dir: '/c', message: 'EIO'})))
      .toBe('cannot record the upgrade of \'evil\\n\\e[31mError: forged\' in /c: EIO; a rerun will not know this run disabled it.')
  })
})
