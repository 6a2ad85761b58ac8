import {describe, expect, it} from 'vitest'
import {refuseAll} from '../../../src/app/pools/delete.js'
import {CliError, unsafeError, usageError} from '../../../src/text/errors.js'

describe('refuseAll', () => {
  it('nothing refused: resolves', async () => {
    await expect(refuseAll([() => undefined, async () => undefined])).resolves.toBeUndefined()
  })

  it('one reason: that error, unchanged', async () => {
    const only = usageError('only reason; nothing was deleted.', {code: 'worker-in-no-pool'})
    await expect(refuseAll([() => undefined, () => {
      throw only
    }])).rejects.toBe(only)
  })

  it('several reasons: one error naming every reason, the unsafe ones first, exit 5 when any is unsafe, each reason in the details', async () => {
    const error = await refuseAll([
      () => {
        throw usageError("'A' is the only pool of 1 worker (w1): a worker must stay in at least one pool, so nothing was deleted.", {code: 'worker-in-no-pool', hint: 'Move it.'})
      },
      async () => {
        throw unsafeError("1 step action uses 'A': 'Deploy' (P, deployment, direct). Deleting it would make those steps fail; nothing was deleted.", {code: 'pool-in-use', hint: 'Or --force.'})
      },
    ]).catch((e: CliError) => e)
    expect(error).toBeInstanceOf(CliError)
    expect(error).toMatchObject({exitCode: 5, code: 'several-refusals', hint: 'Or --force. Move it.'})
    expect((error as CliError).message).toBe("Refusing for 2 reasons; nothing was deleted: (1) 1 step action uses 'A': 'Deploy' (P, deployment, direct). Deleting it would make those steps fail; (2) 'A' is the only pool of 1 worker (w1): a worker must stay in at least one pool.")
    expect((error as CliError).details?.reasons).toEqual([expect.objectContaining({Code: 'pool-in-use', ExitCode: 5}), expect.objectContaining({Code: 'worker-in-no-pool', ExitCode: 2})])
  })

  it('an unexpected error is not swallowed', async () => {
    await expect(refuseAll([() => {
      throw new TypeError('boom')
    }])).rejects.toThrow('boom')
  })
})
