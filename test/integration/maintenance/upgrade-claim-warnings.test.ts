/**
 * `worker upgrade` leaves alone a claim file it cannot trust, and says so once on stderr, in its
 * own words, while the upgrade goes on.
 */
import {readdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {octo} from '../../helpers/octo.js'
import {startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {tempDir} from '../../helpers/temp.js'
import {addPool} from './helpers.js'

let sb: Sandbox
beforeAll(async () => {
  sb = await startTestSandbox({seed: 'empty', taskTiming: {healthCheckMs: 20}})
})
afterAll(async () => {
  await sb?.close()
})

describe('a file in the claims directory that is not a claim', () => {
  it('is ignored with one warning line naming it; the upgrade still succeeds', async () => {
    await addPool(sb, 'Claims Pool', 'cl', ['a.outdated.example', 'b.outdated.example', 'c.outdated.example'])
    const stateHome = tempDir('octoworkers-state')
    const env = {XDG_STATE_HOME: stateHome}
    const first = await octo(sb, ['worker', 'upgrade', 'cl-01', '--rolling', '--keep-healthy', '1', '-y'], env)
    expect(first.exitCode, first.stderr).toBe(0)
    const root = path.join(stateHome, 'octoworkers', 'upgrade-claims')
    const [dir] = readdirSync(root)
    const planted = path.join(root, dir, 'Workers-99.json')
    writeFileSync(planted, '{"not": "a claim"}', {mode: 0o600})
    const second = await octo(sb, ['worker', 'upgrade', 'cl-02', '--rolling', '--keep-healthy', '1', '-y'], env)
    expect(second.exitCode, second.stderr).toBe(0)
    expect(second.stderr.split('\n').filter((line) => line.startsWith('Warning:'))).toEqual([`Warning: ignoring ${planted}: not a valid upgrade claim.`])
  })
})
