/**
 * A worker whose Tentacle upgrades are locked (TentacleVersionDetails.UpgradeLocked, set the way
 * Octopus's own scripts do: GET, set, PUT) is never planned by `worker upgrade`, which lists it as
 * skipped and locked; `check` reports it as a note that says so, and the workers `check` tells to
 * run `octoworkers worker upgrade` are exactly those `worker upgrade` plans.
 */
import {afterEach, describe, expect, it} from 'vitest'
import {parseJson} from '../../helpers/cli.js'
import {octo} from '../../helpers/octo.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {addPool, workersOf} from './helpers.js'

let sb: Sandbox | undefined
afterEach(async () => {
  await sb?.close()
  sb = undefined
})

const HOSTS = ['l1.outdated.example', 'l2.outdated.example', 'l3.outdated.example', 'l4.outdated.example']
const LOCKED_REASON = 'its Tentacle upgrades are locked (UpgradeLocked); unlock them on its Connectivity page in the portal first'

async function lockUpgrades(s: Sandbox, workerId: string): Promise<void> {
  const worker = (await api(s, 'GET', `/api/Spaces-1/workers/${workerId}`)).body
  const res = await api(s, 'PUT', `/api/Spaces-1/workers/${workerId}`, {...worker, Endpoint: {...worker.Endpoint, TentacleVersionDetails: {...worker.Endpoint.TentacleVersionDetails, UpgradeLocked: true}}})
  expect(res.status, res.text).toBe(200)
}

async function upgradeTasks(s: Sandbox): Promise<Array<Record<string, any>>> {
  return (await api(s, 'GET', '/api/tasks?take=100')).body.Items.filter((t: any) => t.Name === 'Upgrade')
}

describe('a locked Tentacle', () => {
  it('check says it is locked; worker upgrade --rolling plans exactly the others check names, and skips it as locked', async () => {
    sb = await startTestSandbox({seed: 'empty', taskTiming: {healthCheckMs: 30}})
    const {workerIds} = await addPool(sb, 'Locked Pool', 'lock', HOSTS)
    await lockUpgrades(sb, workerIds[1])

    const check = parseJson(await octo(sb, ['check', '--json', '--fail-on', 'never']))
    const upgrades = check.Findings.filter((f: any) => f.RuleId === 'health/upgrade-needed')
    const locked = upgrades.find((f: any) => f.Subject === 'lock-02')
    // Its Calamari can still be updated, so the finding stays a warning; the Tentacle part says it is locked.
    expect(locked).toMatchObject({Severity: 'warning', Message: "Worker 'lock-02' needs an upgrade of Tentacle (runs 6.3.417; upgrade suggested) and Calamari. Its Tentacle upgrades are locked (UpgradeLocked): `octoworkers worker upgrade` leaves its Tentacle alone."})
    expect(locked.Fix).toBe(`octoworkers worker upgrade lock-02 --calamari --space Default; for its Tentacle, unlock its upgrades on its Connectivity page (${sb.url}/app#/Spaces-1/infrastructure/workers/${workerIds[1]}/connection), then: octoworkers worker upgrade lock-02 --space Default`)
    // The workers check tells to run a Tentacle upgrade now: its fix starts with that command.
    const toldToUpgrade = upgrades.filter((f: any) => f.Fix.startsWith(`octoworkers worker upgrade ${f.Subject} --space Default`)).map((f: any) => f.Subject).sort()
    expect(toldToUpgrade).toEqual(['lock-01', 'lock-03', 'lock-04'])
    expect(upgrades.find((f: any) => f.Subject === 'lock-01').Fix).toBe('octoworkers worker upgrade lock-01 --space Default && octoworkers worker upgrade lock-01 --calamari --space Default')

    const result = await octo(sb, ['worker', 'upgrade', '--pool', 'Locked Pool', '--rolling', '--keep-healthy', '1', '-y', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toContain(`skipping 'lock-02': ${LOCKED_REASON}.`)
    const doc = parseJson(result)
    expect(doc.Skipped).toEqual([{Id: workerIds[1], Name: 'lock-02', Reason: LOCKED_REASON}])
    expect(doc.Workers.map((w: any) => w.Name).sort()).toEqual(toldToUpgrade)
    const after = new Map((await workersOf(sb)).map((w) => [w.Id, w]))
    expect(after.get(workerIds[1])).toMatchObject({IsDisabled: false, Endpoint: {TentacleVersionDetails: {UpgradeLocked: true, Version: '6.3.417'}}})
    expect((await upgradeTasks(sb)).flatMap((t) => t.Arguments.MachineIds)).not.toContain(workerIds[1])
  })

  it('named, alone or with its pool and --all: skipped as locked, never in an Upgrade task', async () => {
    sb = await startTestSandbox({seed: 'empty', taskTiming: {healthCheckMs: 30}})
    const {workerIds} = await addPool(sb, 'Locked Pool', 'lock', HOSTS)
    await lockUpgrades(sb, workerIds[0])
    for (const args of [['worker', 'upgrade', 'lock-01', '-y'], ['worker', 'upgrade', 'lock-01', '--pool', 'Locked Pool', '--all', '-y', '--json']]) {
      const before = await workersOf(sb)
      const result = await octo(sb, args)
      expect(result.exitCode, result.stdout + result.stderr).toBe(0)
      expect(result.stderr).toContain(`skipping 'lock-01': ${LOCKED_REASON}.`)
      if (args.includes('--json')) {
        const doc = parseJson(result)
        expect(doc.Skipped).toEqual([{Id: workerIds[0], Name: 'lock-01', Reason: LOCKED_REASON}])
        expect(doc.Workers.map((w: any) => w.Name)).not.toContain('lock-01')
      }
      else {
        expect(result.stdout).toContain('Nothing to upgrade:')
        expect(result.stdout).toContain('1 skipped')
        expect(await workersOf(sb)).toEqual(before)
      }
    }
    expect((await upgradeTasks(sb)).flatMap((t) => t.Arguments.MachineIds)).not.toContain(workerIds[0])
  })

  it('with a current Calamari, check reports it as a note, with the way to unlock it; its Calamari update was not blocked by the lock', async () => {
    sb = await startTestSandbox({seed: 'empty', taskTiming: {healthCheckMs: 30}})
    const {workerIds} = await addPool(sb, 'Locked Pool', 'lock', HOSTS.slice(0, 2))
    await lockUpgrades(sb, workerIds[0])
    const calamari = await octo(sb, ['worker', 'upgrade', 'lock-01', '--calamari', '-y'])
    expect(calamari.exitCode, calamari.stderr).toBe(0)
    expect(calamari.stderr).not.toContain('skipping')
    const check = parseJson(await octo(sb, ['check', '--json', '--fail-on', 'never']))
    expect(check.Findings.find((f: any) => f.RuleId === 'health/upgrade-needed' && f.Subject === 'lock-01')).toEqual(expect.objectContaining({
      Severity: 'note',
      Message: "Worker 'lock-01' needs an upgrade of Tentacle (runs 6.3.417; upgrade suggested). Its Tentacle upgrades are locked (UpgradeLocked): `octoworkers worker upgrade` leaves it alone.",
      Fix: `Unlock its Tentacle upgrades on its Connectivity page (${sb.url}/app#/Spaces-1/infrastructure/workers/${workerIds[0]}/connection), then: octoworkers worker upgrade lock-01 --space Default`,
    }))
  })
})
