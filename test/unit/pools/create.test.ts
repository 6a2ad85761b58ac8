import {describe, expect, it} from 'vitest'
import {checkWorkerTypeAllowed, createPool, createPoolBody, decideCreate, equivalentCreateCommand, matchWorkerType} from '../../../src/app/pools/create.js'
import {poolCreateQuestions} from '../../../src/cli/prompts/pool-create.js'
import {emptyDefaultWarning} from '../../../src/views/pools.js'
import {pool} from './fixtures.js'

const types = [
  {Id: 'UbuntuDefault', Type: 'UbuntuDefault', Description: 'Ubuntu (default)'},
  {Id: 'wt-2', Type: 'Windows2022'},
]

describe('matchWorkerType', () => {
  it('matches Type or Id case-insensitively and returns the server spelling', () => {
    expect(matchWorkerType('ubuntudefault', types)).toBe('UbuntuDefault')
    expect(matchWorkerType('WT-2', types)).toBe('Windows2022')
  })
  it('is exit 2 listing the valid types when unknown or missing', () => {
    for (const input of ['Ubuntu1604', undefined, ' ']) {
      expect(() => matchWorkerType(input, types)).toThrow(expect.objectContaining({exitCode: 2, message: expect.stringContaining('Valid worker types: UbuntuDefault, Windows2022.')}))
    }
  })
  it('says so when the server lists no types', () => {
    expect(() => matchWorkerType('UbuntuDefault', [])).toThrow(/lists no dynamic worker types/)
  })
})

describe('checkWorkerTypeAllowed', () => {
  it('rejects --worker-type on a static pool with exit 2', () => {
    expect(() => checkWorkerTypeAllowed('static', 'UbuntuDefault')).toThrow(expect.objectContaining({exitCode: 2, message: expect.stringContaining('only to dynamic pools')}))
    expect(() => checkWorkerTypeAllowed('dynamic', 'UbuntuDefault')).not.toThrow()
    expect(() => checkWorkerTypeAllowed('static', undefined)).not.toThrow()
  })
})

describe('decideCreate', () => {
  const existing = [pool('WorkerPools-1', 'Default Worker Pool'), pool('WorkerPools-2', 'Hosted', {WorkerPoolType: 'DynamicWorkerPool'})]

  it('creates when no pool has the name', () => {
    expect(decideCreate(existing, {name: 'New', type: 'static'})).toEqual({create: true})
  })
  it('--if-not-exists: same name (any case) and type is a no-op that returns the pool', () => {
    const d = decideCreate(existing, {name: 'default worker POOL', type: 'static', ifNotExists: true})
    expect(d).toEqual({create: false, existing: existing[0]})
  })
  it('--if-not-exists: same name with another type fails with exit 1', () => {
    expect(() => decideCreate(existing, {name: 'hosted', type: 'static', ifNotExists: true})).toThrow(
      expect.objectContaining({exitCode: 1, message: "A dynamic pool named 'Hosted' (WorkerPools-2) already exists; it cannot also be static."}),
    )
  })
  it('without --if-not-exists an existing name fails with exit 1 and a hint', () => {
    expect(() => decideCreate(existing, {name: 'Default Worker Pool', type: 'static'})).toThrow(expect.objectContaining({exitCode: 1, hint: expect.stringContaining('--if-not-exists')}))
  })
})

describe('createPoolBody', () => {
  it('builds a static pool body without WorkerType', () => {
    expect(createPoolBody({name: 'A', type: 'static', description: 'd', sortOrder: 0, isDefault: true})).toEqual({Name: 'A', WorkerPoolType: 'StaticWorkerPool', IsDefault: true, Description: 'd', SortOrder: 0})
  })
  it('builds a dynamic pool body with WorkerType and no SortOrder when none is given', () => {
    expect(createPoolBody({name: 'H', type: 'dynamic', workerType: 'UbuntuDefault'})).toEqual({Name: 'H', WorkerPoolType: 'DynamicWorkerPool', IsDefault: false, Description: '', WorkerType: 'UbuntuDefault'})
  })
})

describe('equivalentCreateCommand', () => {
  it('quotes what the shell would split and lists every chosen option', () => {
    const cmd = equivalentCreateCommand('octoworkers', {name: "Bob's pool", type: 'dynamic', workerType: 'UbuntuDefault', description: 'a b', isDefault: true, sortOrder: 3, ifNotExists: true}, {space: 'Spaces-2'})
    expect(cmd).toBe("octoworkers pool create 'Bob'\\''s pool' --type dynamic --worker-type UbuntuDefault --description 'a b' --default --sort-order 3 --if-not-exists --space Spaces-2")
  })
})

describe('createPool before any request', () => {
  /** A prompter that answers from a script and records what it was asked. */
  function scriptedPrompter(answers: string[]) {
    const asked: string[] = []
    const prompter = {
      input: async (message: string, opts: {validate: (v: string) => true | string}) => {
        asked.push(message)
        const answer = answers.shift()!
        const valid = opts.validate(answer)
        if (valid !== true) throw new Error(`validator refused '${answer}': ${valid}`)
        return answer
      },
      select: async <T extends string>(message: string, choices: Array<{value: T}>): Promise<T> => {
        asked.push(message)
        const answer = answers.shift()!
        const chosen = choices.find((c) => c.value === answer)
        if (!chosen) throw new Error(`not a choice: ${answer}`)
        return chosen.value
      },
      checkbox: async () => {
        throw new Error('pool create never asks for a multi-select')
      },
    }
    return {prompter, asked}
  }
  const stopAtConnect = new Error('connect called')
  const request = (draft: Record<string, unknown>, prompter?: ReturnType<typeof scriptedPrompter>['prompter']) => ({
    draft, ask: prompter && poolCreateQuestions(prompter), bin: 'octoworkers', echo: () => '',
    connect: async () => {
      throw stopAtConnect
    },
  })

  it('asks the injected prompter (through the terminal questions) for the name and the type, validating the name, then connects', async () => {
    const {prompter, asked} = scriptedPrompter(['Linux', 'static'])
    await expect(createPool(request({}, prompter))).rejects.toBe(stopAtConnect)
    expect(asked).toEqual(['Pool name:', 'Pool type:'])
  })
  it('the name prompt refuses an empty name with the flag\'s own message', async () => {
    const {prompter} = scriptedPrompter(['  '])
    await expect(createPool(request({}, prompter))).rejects.toThrow("validator refused '  ': Pool name must not be empty.")
  })
  it('asks only for what is missing', async () => {
    const {prompter, asked} = scriptedPrompter(['dynamic'])
    await expect(createPool(request({name: 'Hosted'}, prompter))).rejects.toBe(stopAtConnect)
    expect(asked).toEqual(['Pool type:'])
  })
  it('without a prompter: a missing name is exit 2 and nothing connects; the type defaults to static', async () => {
    await expect(createPool(request({}))).rejects.toMatchObject({exitCode: 2, message: 'Missing the pool name.'})
    await expect(createPool(request({name: 'S', workerType: 'UbuntuDefault'}))).rejects.toMatchObject({exitCode: 2, message: expect.stringContaining('this pool is static')})
  })
})

describe('emptyDefaultWarning', () => {
  it('warns when a new static pool becomes the default, not otherwise', () => {
    expect(emptyDefaultWarning(pool('WorkerPools-9', 'Build pool', {IsDefault: true}), 'octoworkers')).toBe(
      "'Build pool' is now the default worker pool but has no workers: steps that use the default pool have none to run on until you register some " +
      "(e.g. `octoworkers worker register listening <name> --pool 'Build pool' ...`).")
    expect(emptyDefaultWarning(pool('WorkerPools-9', 'Build pool'), 'octoworkers')).toBeUndefined()
    expect(emptyDefaultWarning(pool('WorkerPools-9', 'Hosted', {IsDefault: true, WorkerPoolType: 'DynamicWorkerPool'}), 'octoworkers')).toBeUndefined()
  })
})
