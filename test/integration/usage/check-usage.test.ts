import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson} from '../../helpers/cli.js'
import {octo} from '../../helpers/octo.js'
import {startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {tempDir} from '../../helpers/temp.js'

const USAGE_RULES = ['usage/pool-without-workers', 'usage/missing-variable-value', 'usage/default-pool', 'usage/unused-pool', 'usage/no-execution-container']

function configFile(lines: string[]): string {
  const file = path.join(tempDir('octoworkers-usage-check'), '.octoworkers.yaml')
  writeFileSync(file, lines.join('\n') + '\n')
  return file
}

describe('check: the usage rules against the demo estate', () => {
  let sb: Sandbox
  beforeAll(async () => {
    sb = await startTestSandbox({seed: 'demo'})
  })
  afterAll(async () => sb?.close())

  it('each usage rule reports what the demo estate shows', async () => {
    const doc = parseJson(await octo(sb, ['check', '--all-spaces', '--json', '--config', configFile(['thresholds:', '  minWorkers: 1'])]))
    const of = (rule: string) => doc.Findings.filter((f: any) => f.RuleId === rule).map((f: any) => `${f.SpaceName}/${f.Subject}`)
    expect(of('usage/pool-without-workers')).toEqual(['Default/Empty Windows Worker Pool'])
    expect(of('usage/missing-variable-value')).toEqual(['Default/Billing Database'])
    expect(of('usage/default-pool').sort()).toEqual(['Default/Default Worker Pool', 'Platform Team/Default Worker Pool'])
    // The demo's pools that no step names: its Kubernetes agents' and imported workers' pools, and test pool.
    expect(of('usage/unused-pool').sort()).toEqual(['Default/Imported Worker Pool', 'Default/Kubernetes Agent Worker Pool', 'Default/test pool'])
    expect(of('usage/no-execution-container').sort()).toEqual(['Default/Billing Database', 'Default/Customer Portal', 'Default/Internal Tools', 'Platform Team/Cluster Bootstrap'])
    const find = (rule: string, space: string) => doc.Findings.find((f: any) => f.RuleId === rule && f.SpaceName === space)
    expect(find('usage/pool-without-workers', 'Default')).toMatchObject({Severity: 'error', Message: expect.stringContaining("'Windows smoke test' (Internal Tools)")})
    expect(find('usage/missing-variable-value', 'Default').Message).toContain("which has no value for Production")
    expect(find('usage/default-pool', 'Platform Team')).toMatchObject({Severity: 'warning', Message: expect.stringContaining('runs on the built-in worker on the Octopus Server')})
    const unusedTestPool = doc.Findings.find((f: any) => f.RuleId === 'usage/unused-pool' && f.SpaceName === 'Default' && String(f.Fix).includes("'test pool'"))
    expect(unusedTestPool).toMatchObject({Severity: 'note', Fix: "octoworkers pool usage 'test pool' --space Default"})
  })

  it('with every usage rule off, check makes none of the process reads', async () => {
    const on = parseJson(await octo(sb, ['check', '--all-spaces', '--json', '--fail-on', 'never']))
    const off = parseJson(await octo(sb, ['check', '--all-spaces', '--json', '--fail-on', 'never', '--config', configFile(['severities:', ...USAGE_RULES.map((id) => `  ${id}: off`)])]))
    expect(off.Rules.filter((r: any) => r.RuleId.startsWith('usage/')).map((r: any) => r.Status)).toEqual(USAGE_RULES.map(() => 'off'))
    expect(off.Findings.some((f: any) => f.RuleId.startsWith('usage/'))).toBe(false)
    // 9 list reads per space (2 spaces) plus the version-controlled project's process in git.
    expect(on.HttpRequests - off.HttpRequests).toBe(2 * 9 + 1)
    const oneOn = parseJson(await octo(sb, ['check', '--all-spaces', '--json', '--fail-on', 'never', '--config', configFile(['severities:', ...USAGE_RULES.slice(1).map((id) => `  ${id}: off`)])]))
    expect(oneOn.HttpRequests).toBe(on.HttpRequests)
  })
})
