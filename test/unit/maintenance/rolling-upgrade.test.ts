import {describe, expect, it} from 'vitest'
import {rollExitCode} from '../../../src/app/maintenance/worker-upgrade.js'
import {describeWorkerResult} from '../../../src/views/maintenance.js'
import {leftDisabledByRun, remainingWorkers, type RollResult, type RolledWorker} from '../../../src/app/maintenance/rolling-upgrade.js'
import {maintenanceFails, newerVersion, reportsOutdatedCalamari} from '../../../src/sandbox/health.js'
import type {EndpointDoc} from '../../../src/sandbox/endpoints.js'

const result = (name: string, outcome: RolledWorker['Outcome'], extra: Partial<RolledWorker> = {}): RolledWorker => ({
  Id: `Workers-${name}`, Name: name, WasEnabled: true, Batch: 1, Outcome: outcome, VersionBefore: 'Tentacle 6.3.417', VersionAfter: null, LeftDisabled: false, DisabledByOther: false, Message: 'not attempted', ...extra,
})

describe('a stopped roll', () => {
  const roll: RollResult = {
    Outcome: 'failed', Message: 'Stopped at batch 2: b failed.', Batches: [],
    Workers: [
      result('a', 'upgraded', {Message: 'upgraded (Tentacle 6.3.417 -> Tentacle 8.3.2886); available again'}),
      result('b', 'failed', {Batch: 2, Message: 'Upgrade task ServerTasks-9 Failed; enabled again, as it was before'}),
      result('c', 'interrupted', {Batch: 3, LeftDisabled: true, Message: 'drain did not finish; left disabled'}),
      result('d', 'not-attempted', {Batch: 4}),
      result('e', 'upgraded', {WasEnabled: false, LeftDisabled: true, Message: 'upgraded; left disabled as it was'}),
      result('f', 'skipped', {Batch: 5, Message: 'being upgraded by another octoworkers run (process 42 on h since T); left to it'}),
      result('g', 'upgraded', {DisabledByOther: true, Message: 'upgraded (A -> B); disabled meanwhile by another change, left so'}),
    ],
  }

  it('one line per worker', () => {
    expect(roll.Workers.map(describeWorkerResult)).toEqual([
      'a: upgraded (Tentacle 6.3.417 -> Tentacle 8.3.2886); available again (batch 1)',
      'b: FAILED: Upgrade task ServerTasks-9 Failed; enabled again, as it was before (batch 2)',
      'c: interrupted: drain did not finish; left disabled (batch 3)',
      'd: not attempted (batch 4)',
      'e: upgraded; left disabled as it was (batch 1)',
      'f: skipped: being upgraded by another octoworkers run (process 42 on h since T); left to it (batch 5)',
      'g: upgraded (A -> B); disabled meanwhile by another change, left so (batch 1)',
    ])
  })

  it('resumes with the interrupted and not-attempted workers; undoes only what the run disabled (not a failed one put back, nor one another command disabled)', () => {
    expect(remainingWorkers(roll).map((w) => w.Name)).toEqual(['c', 'd'])
    expect(leftDisabledByRun(roll).map((w) => w.Name)).toEqual(['c'])
  })
})

describe('a roll refused at a batch because another change took the pool below its floor', () => {
  const putBack = result('b', 'refused', {Batch: 2, Message: 'not upgraded: another change took the pool below its floor while this batch was disabled; enabled again, as it was before'})
  const refused: RollResult = {
    Outcome: 'refused', Message: "Stopped at batch 2: another change was seen while this command ran: pool 'P' has 1 available worker now (its floor is 2).", Batches: [],
    Workers: [result('a', 'upgraded', {Message: 'upgraded (A -> B); available again'}), putBack, result('c', 'not-attempted', {Batch: 3})],
  }

  it('says so on its line; the refused worker is resumed with the rest and has nothing to undo', () => {
    expect(describeWorkerResult(putBack)).toBe('b: refused: not upgraded: another change took the pool below its floor while this batch was disabled; enabled again, as it was before (batch 2)')
    expect(remainingWorkers(refused).map((w) => w.Name)).toEqual(['b', 'c'])
    expect(leftDisabledByRun(refused)).toEqual([])
  })

  it('is exit 5 when nothing was upgraded; exit 1 once an earlier batch was, or when a worker the refusal could not put back', () => {
    expect(rollExitCode({...refused, Workers: [result('b', 'refused', {Batch: 1}), result('c', 'not-attempted', {Batch: 2})]})).toBe(5)
    expect(rollExitCode(refused)).toBe(1)
    const notPutBack = result('b', 'failed', {Batch: 2, LeftDisabled: true, Message: 'not upgraded: another change took the pool below its floor while this batch was disabled, and it could not be enabled again'})
    expect(rollExitCode({...refused, Workers: [refused.Workers[0], notPutBack]})).toBe(1)
    expect(leftDisabledByRun({...refused, Workers: [notPutBack]}).map((w) => w.Name)).toEqual(['b'])
  })

  it('other endings keep their codes', () => {
    expect(rollExitCode({...refused, Outcome: 'completed'})).toBe(0)
    expect(rollExitCode({...refused, Outcome: 'failed'})).toBe(1)
    expect(rollExitCode({...refused, Outcome: 'timed-out'})).toBe(1)
    expect(rollExitCode({...refused, Outcome: 'interrupted'})).toBe(130)
  })
})

describe('sandbox maintenance rules', () => {
  const listening = (host: string): EndpointDoc => ({CommunicationStyle: 'TentaclePassive', Uri: `https://${host}:10933/`, Thumbprint: 'A'.repeat(40), Id: null, LastModifiedOn: null, LastModifiedBy: null, Links: {}})
  const polling = (id: string): EndpointDoc => ({...listening('x'), CommunicationStyle: 'TentacleActive', Uri: `poll://${id}/`})

  it('a Tentacle never goes back to an older version by itself', () => {
    expect(newerVersion('6.3.417', '8.3.2886')).toBe('8.3.2886')
    expect(newerVersion('8.3.2886', '6.3.417')).toBe('8.3.2886')
    expect(newerVersion('8.10.1', '8.9.99')).toBe('8.10.1')
    expect(newerVersion('6.3.417', null)).toBe('6.3.417')
  })

  it('upgrade-fails hosts and upgradefails polling IDs fail; outdated hosts report an old Calamari', () => {
    expect(maintenanceFails(listening('w1.upgrade-fails.test'))).toBe(true)
    expect(maintenanceFails(listening('upgrade-fails.test.example'))).toBe(false)
    expect(maintenanceFails(polling('upgradefails7x'))).toBe(true)
    expect(maintenanceFails(polling('fine7x'))).toBe(false)
    expect(reportsOutdatedCalamari(listening('w1.outdated.example'))).toBe(true)
    expect(reportsOutdatedCalamari(listening('w1.example'))).toBe(false)
  })
})
