import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson} from '../../helpers/cli.js'
import {octo} from '../../helpers/octo.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {tempDir} from '../../helpers/temp.js'
import {expectRejected, poolByName, requestsOf} from '../pools/helpers.js'

const NO_RUNBOOKS = 'this Octopus Server has no runbooks (they arrived in Octopus 2019.11), so only deployment processes were read'
const count = (text: string, part: string) => text.split(part).length - 1

/**
 * An Octopus 2019.7 server has no runbooks: its root links no Runbooks or RunbookProcesses and it
 * answers their routes with 404 (the sandbox's 2019.7 profile does the same). What rests on the
 * usage reads nothing there, reports no runbook rows and says once that the server has none.
 */
describe('usage on an Octopus 2019.7 server (no runbooks)', () => {
  let sb: Sandbox
  beforeAll(async () => {
    sb = await startTestSandbox({seed: 'demo', octopusVersion: '2019.7'})
  })
  afterAll(async () => sb?.close())

  it('pool usage: exit 0, deployment rows only, no runbook route asked, and the note said once', async () => {
    const table = await octo(sb, ['pool', 'usage', '--all-spaces', '--debug'])
    expect(table.exitCode, table.stderr).toBe(0)
    expect(requestsOf(table).filter((r) => /runbook/i.test(r))).toEqual([])
    expect(count(table.stderr, NO_RUNBOOKS)).toBe(1)
    // Before 2020.1 no step takes its pool from a variable: the server shows none of the demo's.
    expect(table.stdout).toMatch(/^Default\s+Staging Linux Worker Pool\s+1\s+0\s+0\s+1\s+1\s*$/m)
    const doc = parseJson(await octo(sb, ['pool', 'usage', '--json']))
    expect(doc.Gaps).toMatchObject({ServerHasRunbooks: false, Note: expect.stringContaining(NO_RUNBOOKS)})
    expect(doc.Usage.length).toBeGreaterThan(0)
    expect(doc.Usage.filter((r: any) => r.ProcessType === 'Runbook')).toEqual([])
    expect(doc.Usage.filter((r: any) => r.Via === 'variable')).toEqual([])
  })

  it('pool view: the usage line, not "unknown"; the note once on stderr', async () => {
    const view = await octo(sb, ['pool', 'view', 'Staging Linux Worker Pool'])
    expect(view.exitCode, view.stderr).toBe(0)
    expect(view.stdout).toContain('Used by:      1 action (1 direct) in 1 project; 1 in a container.\n')
    expect(count(view.stderr, NO_RUNBOOKS)).toBe(1)
    const json = parseJson(await octo(sb, ['pool', 'view', 'test pool', '--json']))
    expect(json.Usage).toMatchObject({Unused: true})
  })

  it('pool delete: a pool nothing uses is deleted (two at once, each by its own command); a used pool is still refused', async () => {
    for (const name of ['Spare pool A', 'Spare pool B']) expect((await octo(sb, ['pool', 'create', name])).exitCode).toBe(0)
    const [a, b] = await Promise.all([octo(sb, ['pool', 'delete', 'Spare pool A', '-y']), octo(sb, ['pool', 'delete', 'Spare pool B', '-y'])])
    for (const result of [a, b]) {
      expect(result.exitCode, result.stderr).toBe(0)
      expect(count(result.stderr, NO_RUNBOOKS)).toBe(1)
    }
    expect(await poolByName(sb, 'Spare pool A')).toBeUndefined()
    expect(await poolByName(sb, 'Spare pool B')).toBeUndefined()
    await expectRejected(sb, ['pool', 'delete', 'Empty Windows Worker Pool', '-y'], 5, "1 step action uses 'Empty Windows Worker Pool': 'Windows smoke test' (Internal Tools, deployment, direct)")
  })

  it('check: the usage rules run (none is skipped as unreadable), and the note is said once for every space', async () => {
    const file = path.join(tempDir('octoworkers-2019-check'), '.octoworkers.yaml')
    writeFileSync(file, 'thresholds:\n  minWorkers: 1\n')
    const result = await octo(sb, ['check', '--all-spaces', '--json', '--config', file])
    const doc = parseJson(result)
    expect(doc.Rules.filter((r: any) => r.RuleId.startsWith('usage/')).map((r: any) => r.Status)).toEqual(['ran', 'ran', 'ran', 'ran', 'ran'])
    expect(doc.Findings.filter((f: any) => f.RuleId === 'usage/pool-without-workers').map((f: any) => f.Subject)).toEqual(['Empty Windows Worker Pool'])
    expect(count(result.stderr, NO_RUNBOOKS)).toBe(1)
    expect(result.stderr).not.toContain('could not read the projects and processes')
  })

  it('the server really has none: its root links none and its runbook routes are 404', async () => {
    expect((await api(sb, 'GET', '/api')).body.Links.Runbooks).toBeUndefined()
    expect((await api(sb, 'GET', '/api/Spaces-1/runbooks/all')).status).toBe(404)
  })
})
