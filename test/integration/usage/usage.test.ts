import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson} from '../../helpers/cli.js'
import {octo} from '../../helpers/octo.js'
import {startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {expectRejected, poolsOf} from '../pools/helpers.js'

/** The demo estate's projects are documented in src/sandbox/index.ts (DEMO ESTATE, Projects). */
const EXPECTED_SUMMARY = {
  'Default Worker Pool': {Direct: 0, Variable: 0, Default: 2, Projects: 1, Containers: 0, Disabled: 0, Unused: false, BuiltInWorker: false},
  'Production Database Omaha Worker Pool': {Direct: 2, Variable: 1, Default: 0, Projects: 1, Containers: 1, Disabled: 1, Unused: false},
  'Azure Central US Production Worker Pool': {Direct: 0, Variable: 2, Default: 0, Projects: 1, Containers: 1, Unused: false},
  'Staging Linux Worker Pool': {Direct: 1, Variable: 3, Default: 0, Projects: 3, Containers: 2, Unused: false},
  'test pool': {Direct: 0, Variable: 0, Default: 0, Projects: 0, Unused: true},
  'Hosted Ubuntu': {Direct: 1, Variable: 0, Default: 0, Projects: 1, Unused: false},
  'Empty Windows Worker Pool': {Direct: 1, Variable: 0, Default: 0, Projects: 1, Unused: false},
}

describe.each(['2026.1', '2021.2'] as const)('pool usage against the demo estate (Octopus %s)', (version) => {
  let sb: Sandbox
  beforeAll(async () => {
    sb = await startTestSandbox({seed: 'demo', octopusVersion: version})
  })
  afterAll(async () => sb?.close())

  it('without a pool: every pool with its counts, and the one nothing uses', async () => {
    const result = await octo(sb, ['pool', 'usage', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const doc = parseJson(result)
    expect(doc.Spaces).toEqual([{Id: 'Spaces-1', Name: 'Default'}])
    for (const [name, expected] of Object.entries(EXPECTED_SUMMARY)) {
      expect(doc.Pools.find((p: any) => p.PoolName === name), name).toMatchObject(expected)
    }
    // Release snapshots (listed on 2021.2) and script modules (2021.2 ignores contentType) are not counted.
    expect(doc.Usage.some((r: any) => r.PoolName === 'test pool')).toBe(false)
    expect(doc.Problems.map((p: any) => [p.Kind, p.ProjectName, p.ProcessName, p.Environments])).toEqual([['missing-variable-value', 'Billing Database', 'Refresh test data', ['Production']]])
    expect(doc.Gaps).toMatchObject({VersionControlledProjects: 1, RunbooksInGitProjects: 0, TenantSuppliedActions: 0, SnapshotsRead: false})
    const table = await octo(sb, ['pool', 'usage'])
    expect(table.stdout).toMatch(/^test pool\t0\t0\t0\t0\t0\tUNUSED$/m)
    // A pool that steps use but that has no worker says so (check's usage/pool-without-workers); disabled steps are steps.
    expect(table.stdout).toMatch(/^Empty Windows Worker Pool\t1\t0\t0\t1\t0\tNO WORKERS: its steps fail$/m)
    expect(table.stdout).toMatch(/^Production Database Omaha Worker Pool\t.*\t1 disabled step$/m)
    expect(table.stderr).toContain('1 version-controlled project was read on the default branch only')
    expect(table.stderr).toContain("'Project.RefreshPool', which has no value for Production")
  })

  it('a pool reached through a variable by environment: one row per action, the environments it resolves in, the container and its feed', async () => {
    const doc = parseJson(await octo(sb, ['pool', 'usage', 'azure central us production worker pool', '--json']))
    expect(doc.Usage.map((r: any) => [r.ProjectName, r.StepName, r.Via, r.Variable, r.Environments, r.Container?.Image ?? null, r.Container?.FeedName ?? null])).toEqual([
      ['Customer Portal', 'Deploy web app', 'variable', 'Project.WorkerPool', ['Production'], 'octopuslabs/azure-workertools', 'Docker Hub'],
      ['Customer Portal', 'Smoke test', 'variable', 'Project.WorkerPool', ['Production'], null, null],
    ])
    // Steps that never run on a worker (manual intervention, email, an IIS target step) are not rows.
    const all = parseJson(await octo(sb, ['pool', 'usage', '--json']))
    expect(all.Usage.filter((r: any) => ['Octopus.Manual', 'Octopus.Email', 'Octopus.IIS'].includes(r.ActionType))).toEqual([])
    expect(all.Usage.find((r: any) => r.ActionType === 'Octopus.AzureAppService').RunsOnWorker).toBe('yes')
    expect(all.Usage.find((r: any) => r.ActionType === 'Octopus.AwsUploadS3')).toMatchObject({RunsOnWorker: 'likely', PoolName: 'Hosted Ubuntu'})
  })

  it('direct, library variable, disabled and version-controlled uses are told apart', async () => {
    const omaha = parseJson(await octo(sb, ['pool', 'usage', 'WorkerPools-2', '--json'])).Usage
    expect(omaha.map((r: any) => [r.StepName, r.Via, r.VariableSource, r.IsDisabled])).toEqual([
      ['Back up database', 'variable', 'Worker Pools', false],
      ['Run migrations', 'direct', null, false],
      ['Rebuild indexes', 'direct', null, true],
    ])
    const staging = parseJson(await octo(sb, ['pool', 'usage', 'Staging Linux Worker Pool', '--json'])).Usage
    expect(staging.find((r: any) => r.ProjectName === 'Platform Config')).toMatchObject({Via: 'direct', VersionControlled: true, GitRef: 'refs/heads/main', StepName: 'Terraform apply'})
    expect(staging.find((r: any) => r.ProjectName === 'Customer Portal' && r.StepName === 'Smoke test').Environments).toEqual(['Development', 'Staging'])
    expect(staging.find((r: any) => r.ProcessType === 'Runbook')).toMatchObject({ProcessName: 'Refresh test data', Environments: ['Staging'], Variable: 'Project.RefreshPool'})
    const table = await octo(sb, ['pool', 'usage', 'Production Database Omaha Worker Pool'])
    expect(table.stdout).toMatch(/\tRebuild indexes\tdirect\tall\t-\tstep disabled$/m)
    expect(table.stdout).toMatch(/Back up database\s+variable Shared\.DatabasePool \(Worker Pools\)/)
  })

  it('--environment keeps what runs there', async () => {
    const prod = parseJson(await octo(sb, ['pool', 'usage', 'Staging Linux Worker Pool', '--environment', 'Production', '--json']))
    expect(prod.Usage.map((r: any) => r.ProjectName)).toEqual(['Platform Config'])
    const empty = await octo(sb, ['pool', 'usage', 'Empty Windows Worker Pool', '--environment', 'development'])
    expect(empty.exitCode).toBe(0)
    expect(empty.stdout).toBe("No step that runs in development uses 'Empty Windows Worker Pool'.\n")
    const staging = parseJson(await octo(sb, ['pool', 'usage', 'Empty Windows Worker Pool', '--environment', 'Staging', '--json']))
    expect(staging.Usage.map((r: any) => r.StepName)).toEqual(['Windows smoke test'])
  })

  it('--all-spaces: the empty default pool of Platform Team runs its steps on the built-in worker', async () => {
    const doc = parseJson(await octo(sb, ['pool', 'usage', 'Default Worker Pool', '--all-spaces', '--json']))
    expect(doc.Pools.map((p: any) => [p.SpaceName, p.Default, p.BuiltInWorker])).toEqual([['Default', 2, false], ['Platform Team', 1, true]])
    expect(doc.Usage.find((r: any) => r.SpaceName === 'Platform Team')).toMatchObject({ProjectName: 'Cluster Bootstrap', StepName: 'Render manifests', Via: 'default', BuiltInWorker: true})
    const table = await octo(sb, ['pool', 'usage', '--all-spaces'])
    expect(table.stdout).toMatch(/^Platform Team\s+Default Worker Pool\s+0\s+0\s+1\s+1\s+0\s+default pool, runs on the built-in worker \(no workers\)$/m)
  })

  it('--format csv: one line per row with stable headers', async () => {
    const result = await octo(sb, ['pool', 'usage', 'Staging Linux Worker Pool', '--format', 'csv'])
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe('SpaceId,SpaceName,PoolId,PoolName,ProjectId,ProjectName,ProcessType,ProcessName,StepName,ActionId,ActionName,ActionType,Via,Variable,VariableSource,Environments,Channels,ExcludedEnvironments,IsDisabled,RunsOnWorker,BuiltInWorker,ContainerImage,ContainerFeed,VersionControlled,GitRef')
    expect(lines).toHaveLength(5)
    expect(lines.some((l) => l.includes(',Customer Portal,') && l.includes(',Development; Staging,'))).toBe(true)
    // One boolean spelling a file: no yes/no beside true/false.
    const cells = lines.slice(1).flatMap((l) => l.split(','))
    expect(cells).toContain('true')
    expect(cells).toContain('false')
    expect(cells.filter((c) => c === 'yes' || c === 'no')).toEqual([])
    const summary = (await octo(sb, ['pool', 'usage', '--format', 'csv'])).stdout.trimEnd().split('\n')
    expect(summary[0]).toBe('SpaceId,SpaceName,PoolId,PoolName,IsDefault,WorkerPoolType,Direct,Variable,Default,Disabled,Projects,Containers,BuiltInWorker,Unused')
    // One line per pool of the space, after the header.
    expect(summary).toHaveLength(1 + (await poolsOf(sb)).length)
  })
})

describe('pool usage: bad input', () => {
  let sb: Sandbox
  beforeAll(async () => {
    sb = await startTestSandbox({seed: 'demo'})
  })
  afterAll(async () => sb?.close())

  it('an unknown pool or environment is exit 4 with close matches; contradictory flags are exit 2', async () => {
    await expectRejected(sb, ['pool', 'usage', 'Staging Linux Worker Pool', 'test pol'], 4, "Worker pool 'test pol' not found. Did you mean: 'test pool'")
    await expectRejected(sb, ['pool', 'usage', '--environment', 'Prod'], 4, "Environment 'Prod' not found. Did you mean: 'Production'?")
    await expectRejected(sb, ['pool', 'usage', '--all-spaces', '--space', 'Default'], 2, '--space and --all-spaces cannot be used together.')
    const contradictory = await octo(sb, ['pool', 'usage', '--json', '--format', 'csv'])
    expect(contradictory.exitCode).toBe(2)
    expect(parseJson(contradictory).Error).toMatchObject({Message: '--json and --format cannot be used together.', ExitCode: 2})
    await expectRejected(sb, ['pool', 'usage', '--environment', ' '], 2, '--environment needs an environment name or ID.')
    const json = await octo(sb, ['pool', 'usage', 'nope', '--json'])
    expect(json.exitCode).toBe(4)
    expect(parseJson(json).Error).toMatchObject({Code: 'not-found', ExitCode: 4})
  })
})

describe('pool usage cost', () => {
  it('is a fixed number of requests per space, whatever the number of projects', async () => {
    const [small, large] = await Promise.all([startTestSandbox({seed: 'scale:50'}), startTestSandbox({seed: 'scale:400'})])
    try {
      const a = parseJson(await octo(small, ['pool', 'usage', '--all-spaces', '--json']))
      const b = parseJson(await octo(large, ['pool', 'usage', '--all-spaces', '--json']))
      expect(new Set(a.Usage.map((r: any) => r.ProjectId)).size).toBe(5)
      expect(new Set(b.Usage.map((r: any) => r.ProjectId)).size).toBe(40)
      expect(b.Spaces).toHaveLength(5)
      expect(b.HttpRequests).toBe(a.HttpRequests)
      // root, spaces, and per space: its home + pools, summary, projects, deployment processes, runbooks,
      // runbook processes, environments, channels, library sets, feeds, variable sets
      expect(a.HttpRequests).toBe(2 + 5 * 12)
    } finally {
      await Promise.all([small.close(), large.close()])
    }
  })
})

describe('pool delete and pool view use the usage', () => {
  let sb: Sandbox
  beforeAll(async () => {
    sb = await startTestSandbox({seed: 'demo'})
  })
  afterAll(async () => sb?.close())

  it('pool delete refuses (exit 5, nothing deleted) while steps use the pool, naming them and suggesting pool usage', async () => {
    const result = await expectRejected(sb, ['pool', 'delete', 'Empty Windows Worker Pool', 'Hosted Ubuntu', '-y'], 5,
      "1 step action uses 'Empty Windows Worker Pool': 'Windows smoke test' (Internal Tools, deployment, direct); 1 step action uses 'Hosted Ubuntu': 'Publish to S3' (Internal Tools, deployment, direct). Deleting them would make those steps fail; nothing was deleted.")
    expect(result.stderr).toContain("See every use with `octoworkers pool usage 'Empty Windows Worker Pool' --space Default`")
    expect(result.stderr).toContain('or pass --force to delete anyway')
    const json = await octo(sb, ['pool', 'delete', 'Hosted Ubuntu', '-y', '--json'])
    expect(json.exitCode).toBe(5)
    expect(parseJson(json).Error).toMatchObject({Code: 'pool-in-use', ExitCode: 5, Pools: [{Name: 'Hosted Ubuntu', Actions: 1}]})
  })

  it('pool delete --force deletes a pool in use; a pool nothing uses needs no --force', async () => {
    const forced = await octo(sb, ['pool', 'delete', 'Hosted Ubuntu', '-y', '--force'])
    expect(forced.exitCode, forced.stderr).toBe(0)
    expect((await poolsOf(sb)).some((p) => p.Name === 'Hosted Ubuntu')).toBe(false)
    const created = await octo(sb, ['pool', 'create', 'Nobody Uses This Pool'])
    expect(created.exitCode, created.stderr).toBe(0)
    const deleted = await octo(sb, ['pool', 'delete', 'Nobody Uses This Pool', '-y'])
    expect(deleted.exitCode, deleted.stderr).toBe(0)
  })

  it('pool view shows a usage line (and Usage in --json)', async () => {
    const staging = await octo(sb, ['pool', 'view', 'Staging Linux Worker Pool'])
    expect(staging.stdout).toContain('Used by:      4 actions (1 direct, 3 via variable) in 3 projects; 2 in a container.\n')
    const unused = parseJson(await octo(sb, ['pool', 'view', 'test pool', '--json']))
    expect(unused.Usage).toMatchObject({Unused: true, Direct: 0, Variable: 0, Default: 0})
    const omaha = await octo(sb, ['pool', 'view', 'Production Database Omaha Worker Pool'])
    expect(omaha.stdout).toContain('Used by:      3 actions (2 direct, 1 via variable) in 1 project; 1 of them disabled; 1 in a container.')
  })
})
