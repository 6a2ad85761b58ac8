import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {mutexWaitsOfStep, parseMutexWaitLine} from '../../../src/domain/leases/mutex-wait.js'
import {flattenActivityLogs, leasesFromLog} from '../../../src/domain/leases/parse.js'

const fixture = new Map(readFileSync(new URL('../../fixtures/octopus/tentacle-mutex-wait-lines.txt', import.meta.url), 'utf8')
  .split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t') as [string, string]))
const line = (name: string) => fixture.get(name)!

describe('parseMutexWaitLine: the lines Tentacle writes', () => {
  it('reads each waiting form, with the tasks it names', () => {
    expect(parseMutexWaitLine(line('one-task-this'))).toEqual({blockingTasks: ['ServerTasks-123']})
    expect(parseMutexWaitLine(line('one-task-that'))).toEqual({blockingTasks: ['ServerTasks-124']})
    expect(parseMutexWaitLine(line('several-tasks'))).toEqual({blockingTasks: ['ServerTasks-1', 'ServerTasks-2', 'ServerTasks-3']})
    expect(parseMutexWaitLine(line('this-task'))).toEqual({blockingTasks: ['This Task']})
    expect(parseMutexWaitLine(line('task-not-found'))).toEqual({blockingTasks: ['(error - task not found)']})
    expect(parseMutexWaitLine(line('short-id'))).toEqual({blockingTasks: ['x7Kq2']})
    expect(parseMutexWaitLine(line('older-form'))).toEqual({blockingTasks: ['ServerTasks-1039387']})
    // As a raw log shows it, after a time and level prefix.
    expect(parseMutexWaitLine(`12:00:01   Info     |   ${line('one-task-this')}`)).toEqual({blockingTasks: ['ServerTasks-123']})
  })

  it('is not fooled by the acquire, cancel and time-out lines, nor by a lease line', () => {
    for (const name of ['not-a-wait-acquire', 'not-a-wait-canceled', 'not-a-wait-timed-out']) expect(parseMutexWaitLine(line(name))).toBeUndefined()
    expect(parseMutexWaitLine('Leased worker linux-01 from pool Linux (lease WorkerTaskLeases-1)')).toBeUndefined()
  })
})

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString()

describe('mutexWaitsOfStep', () => {
  it('runs a wait from its first line (less the first attempt) to the next other line; repeated lines are one wait', () => {
    const waits = mutexWaitsOfStep([
      {occurredAt: at(0), text: 'Leased worker w1 from pool P (lease L-1)'},
      {occurredAt: at(1), text: line('one-task-this')},
      {occurredAt: at(601), text: line('several-tasks')},
      {occurredAt: at(700), text: 'Running script'},
    ], at(800))
    expect(waits).toEqual([{start: Date.parse(at(1)) - 100, end: Date.parse(at(700)), blockingTasks: ['ServerTasks-123', 'ServerTasks-1', 'ServerTasks-2', 'ServerTasks-3'], firstLine: 1}])
  })

  it('ends a wait no line follows at the step\'s end, and leaves it out while the step runs', () => {
    const lines = [{occurredAt: at(10), text: line('one-task-that')}]
    expect(mutexWaitsOfStep(lines, at(70))).toEqual([{start: Date.parse(at(10)) - 100, end: Date.parse(at(70)), blockingTasks: ['ServerTasks-124'], firstLine: 0}])
    expect(mutexWaitsOfStep(lines, null)).toEqual([])
  })
})

describe('leasesFromLog: mutex waits go to the worker the step leased', () => {
  it('attributes each step\'s wait to that step\'s lease, not to another step\'s', () => {
    const activities = [{Ended: at(500), LogElements: [], Children: [
      {Ended: at(200), LogElements: [
        {OccurredAt: at(0), MessageText: 'Leased worker w1 from pool P (lease L-1)'},
        {OccurredAt: at(1), MessageText: line('one-task-this')},
        {OccurredAt: at(61), MessageText: 'script output'},
      ]},
      {Ended: at(400), LogElements: [
        {OccurredAt: at(100), MessageText: 'Leased worker w2 from pool P (lease L-2)'},
        {OccurredAt: at(110), MessageText: 'script output'},
      ]},
      {Ended: at(450), LogElements: [
        // A step with no lease line of its own: its wait is the task's latest lease's (w2's).
        {OccurredAt: at(420), MessageText: line('this-task')},
        {OccurredAt: at(430), MessageText: 'script output'},
      ]},
    ]}]
    const leases = leasesFromLog('ServerTasks-9', flattenActivityLogs(activities))
    expect(leases.map((l) => [l.workerName, l.mutexWaitMs])).toEqual([['w1', 60_100], ['w2', 10_100]])
  })
})
