import {describe, expect, it} from 'vitest'
import {taskFailure} from '../../../src/domain/task-failure.js'
import type {ActivityElement} from '../../../src/octopus/types.js'

const line = (Category: string, MessageText: string) => ({Category, MessageText, OccurredAt: '2026-01-01T00:00:00Z'})
const node = (Name: string, Status: string, LogElements: ReturnType<typeof line>[] = [], Children: ActivityElement[] = []): ActivityElement => ({Id: Name, Name, Status, Children, LogElements})

describe('taskFailure', () => {
  it('names the failed step and its last error line, searched through its actions', () => {
    const details = {
      Task: {Id: 'ServerTasks-9', ErrorMessage: 'The deployment failed because one or more steps failed.'},
      ActivityLogs: [node('Deploy', 'Failed', [], [
        node('Step 1: Back up', 'Success', [line('Info', 'ok')]),
        node('Step 2: Run migrations', 'Failed', [], [node('worker-01', 'Failed', [line('Error', 'first'), line('Info', 'noise'), line('Fatal', 'The remote script failed with exit code 1')])]),
        node('Step 3: Notify', 'Failed', [line('Error', 'later')]),
      ])],
    }
    expect(taskFailure(details)).toEqual({TaskId: 'ServerTasks-9', Step: 'Step 2: Run migrations', Reason: 'The remote script failed with exit code 1'})
  })

  it('a failed step that logged no error gives the task\'s error message', () => {
    const details = {Task: {Id: 'ServerTasks-3', ErrorMessage: 'Timed out waiting for a worker.'}, ActivityLogs: [node('Deploy', 'Failed', [], [node('Step 1', 'Failed', [line('Info', 'waiting')])])]}
    expect(taskFailure(details)).toEqual({TaskId: 'ServerTasks-3', Step: 'Step 1', Reason: 'Timed out waiting for a worker.'})
  })

  it('no step marked failed: the last error anywhere in the log, with no step named; nothing at all: undefined', () => {
    expect(taskFailure({Task: {Id: 'ServerTasks-4'}, ActivityLogs: [node('Deploy', 'Failed', [line('Error', 'Sandbox error: boom')])]})).toEqual({TaskId: 'ServerTasks-4', Step: null, Reason: 'Sandbox error: boom'})
    expect(taskFailure({Task: {Id: 'ServerTasks-5', ErrorMessage: null}, ActivityLogs: [node('Deploy', 'Success')]})).toBeUndefined()
  })
})
