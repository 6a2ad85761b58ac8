import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson} from '../../helpers/cli.js'
import {octo} from '../../helpers/octo.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {tempDir} from '../../helpers/temp.js'
import {UsageSeeder} from '../../../src/sandbox/seed/usage-seeder.js'
import {expectRejected, poolByName} from '../pools/helpers.js'

/**
 * Runbooks scoped to environments, as real ones are (a runbook with EnvironmentScope Specified,
 * Environments [Development], whose script step names its pool directly: Octopus's own exporter's
 * "every step" space). Every row of such a runbook's steps carries the runbook's environments:
 * `pool usage --environment`, its table, `pool delete` and `check` all follow the same rows.
 */
describe.each(['2026.1', '2021.2'] as const)('runbook environment scopes (Octopus %s)', (version) => {
  let sb: Sandbox
  beforeAll(async () => {
    sb = await startTestSandbox({seed: 'demo', octopusVersion: version})
    for (const name of ['Runbook Only Pool', 'Lifecycle Runbook Pool']) expect((await octo(sb, ['pool', 'create', name])).exitCode).toBe(0)
    const envs = (await api(sb, 'GET', '/api/Spaces-1/environments/all')).body as Array<{Id: string; Name: string}>
    const env = (name: string) => envs.find((e) => e.Name === name)!.Id
    // The server's own model arranges the estate; the commands below read it over HTTP like any client.
    const seeder = new UsageSeeder(sb.model, 'Spaces-1')
    const lifecycleId = seeder.lifecycle('Development then Staging', [{name: 'Development', automatic: [env('Development')]}, {name: 'Staging', optional: [env('Staging')]}])
    seeder.project({
      name: 'Ops Runbooks', environments: envs, lifecycleId, steps: [],
      runbooks: [
        {name: 'Clean dev temp', environments: [env('Development')], steps: [{name: 'Clean temp', type: 'Octopus.Script', runOnServer: 'true', pool: (await poolByName(sb, 'Runbook Only Pool'))!.Id, script: 'rm -rf /tmp/build'}]},
        {name: 'Dev smoke', environments: [env('Development')], steps: [{name: 'Smoke on the default pool', type: 'Octopus.Script', runOnServer: 'true', script: 'smoke'}]},
        {name: 'Lifecycle maintenance', environmentScope: 'FromProjectLifecycles', steps: [{name: 'Vacuum', type: 'Octopus.Script', runOnServer: 'true', pool: (await poolByName(sb, 'Lifecycle Runbook Pool'))!.Id, script: 'vacuum'}]},
      ],
    })
  })
  afterAll(async () => sb?.close())

  it('a Development runbook whose step names the pool: not listed for --environment Production, listed for Development', async () => {
    const production = await octo(sb, ['pool', 'usage', 'Runbook Only Pool', '--environment', 'Production'])
    expect(production.exitCode, production.stderr).toBe(0)
    expect(production.stdout).toBe("No step that runs in Production uses 'Runbook Only Pool'.\n")
    const development = parseJson(await octo(sb, ['pool', 'usage', 'Runbook Only Pool', '--environment', 'Development', '--json']))
    expect(development.Usage.map((r: any) => [r.ProcessName, r.StepName, r.Via, r.Environments, r.RunbookEnvironmentScope])).toEqual([['Clean dev temp', 'Clean temp', 'direct', ['Development'], 'Specified']])
  })

  it('the table shows the runbook\'s environments, not "all"', async () => {
    const table = await octo(sb, ['pool', 'usage', 'Runbook Only Pool'])
    expect(table.stdout).toMatch(/runbook: Clean dev temp\s+Clean temp\s+direct\s+Development\s+-/)
    expect(table.stdout).not.toMatch(/\ball\b/)
  })

  it('a Development runbook on the default pool: not listed for Production', async () => {
    const processes = async (environment: string) =>
      parseJson(await octo(sb, ['pool', 'usage', 'Default Worker Pool', '--environment', environment, '--json'])).Usage.map((r: any) => r.ProcessName)
    expect(await processes('Production')).not.toContain('Dev smoke')
    expect(await processes('Development')).toContain('Dev smoke')
    const row = parseJson(await octo(sb, ['pool', 'usage', 'Default Worker Pool', '--json'])).Usage.find((r: any) => r.ProcessName === 'Dev smoke')
    expect(row).toMatchObject({Via: 'default', Environments: ['Development']})
  })

  it('a runbook scoped to its project\'s lifecycles runs in the lifecycle\'s environments', async () => {
    const rows = async (environment: string) => parseJson(await octo(sb, ['pool', 'usage', 'Lifecycle Runbook Pool', '--environment', environment, '--json'])).Usage
    expect(await rows('Production')).toEqual([])
    expect((await rows('Staging')).map((r: any) => [r.StepName, r.Environments, r.RunbookEnvironmentScope, r.EnvironmentsResolved])).toEqual([['Vacuum', ['Development', 'Staging'], 'FromProjectLifecycles', true]])
  })

  it('pool delete refuses the pool the Development runbook uses (exit 5, nothing deleted): it is used where it runs', async () => {
    await expectRejected(sb, ['pool', 'delete', 'Runbook Only Pool', '-y'], 5, "1 step action uses 'Runbook Only Pool': 'Clean temp' (Ops Runbooks, runbook 'Clean dev temp', direct)")
  })

  it('check names the runbook steps with the environments they run in', async () => {
    const file = path.join(tempDir('octoworkers-scope-check'), '.octoworkers.yaml')
    writeFileSync(file, 'thresholds:\n  minWorkers: 1\n')
    const doc = parseJson(await octo(sb, ['check', '--json', '--fail-on', 'never', '--config', file]))
    const finding = (pool: string) => doc.Findings.find((f: any) => f.RuleId === 'usage/pool-without-workers' && f.Subject === pool)
    expect(finding('Runbook Only Pool').Message).toContain("'Clean temp' (Ops Runbooks, runbook Clean dev temp in Development)")
    expect(finding('Lifecycle Runbook Pool').Message).toContain("'Vacuum' (Ops Runbooks, runbook Lifecycle maintenance in Development, Staging)")
  })
})
