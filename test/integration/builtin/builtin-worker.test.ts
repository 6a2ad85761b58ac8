import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson, runCli} from '../../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {cliEnv, createWorker, features, healthCheck, setWorkerDisabled} from '../check/estate.js'

describe('builtin-worker against the demo estate', () => {
  let sandbox: Sandbox
  const run = (args: string[], apiKey?: string) => runCli(['builtin-worker', ...args], {env: cliEnv(sandbox, apiKey)})

  beforeAll(async () => {
    sandbox = await startTestSandbox({seed: 'demo'})
  })
  afterAll(async () => sandbox?.close())

  it('status: the flag, and per space whether the built-in worker is in use', async () => {
    const doc = parseJson(await run(['status', '--json']))
    expect(doc.IsBuiltInWorkerEnabled).toBe(true)
    expect(doc.Spaces).toEqual([
      expect.objectContaining({SpaceName: 'Default', DefaultPoolName: 'Default Worker Pool', DefaultPoolWorkers: 2, DefaultPoolUsableWorkers: 2, BuiltInWorkerInUse: false, AtRiskIfDisabled: false}),
      expect.objectContaining({SpaceName: 'Platform Team', DefaultPoolId: 'WorkerPools-8', DefaultPoolWorkers: 0, BuiltInWorkerInUse: true, AtRiskIfDisabled: true}),
    ])
    const table = await run(['status'])
    expect(table.exitCode).toBe(0)
    expect(table.stdout.split('\n')[0]).toBe('Built-in worker: enabled')
    expect(table.stdout).toMatch(/Platform Team\s+Default Worker Pool\s+0\s+0\s+yes\s+no/)
    const one = parseJson(await run(['status', '--space', 'Platform Team', '--json']))
    expect(one.Spaces.map((s: any) => s.SpaceId)).toEqual(['Spaces-2'])
  })

  it('disable refuses as unsafe (exit 5) with the spaces whose default pool has no available worker; nothing changes', async () => {
    const before = await features(sandbox)
    const result = await run(['disable', '-y', '--no-prompt'])
    expect(result.exitCode).toBe(5)
    expect(result.stderr).toContain('Nothing was changed.')
    expect(result.stderr).toContain("Refusing to disable the built-in worker: 1 space would have no worker for steps on the default pool. Space 'Platform Team': default pool 'Default Worker Pool' has no workers")
    expect(result.stderr).toContain('--force')
    // The ways out name the space, since pools are per space and the flag is server-wide.
    expect(result.stderr).toContain("Hint: Register a healthy worker in the default pool (`octoworkers worker register listening|polling|ssh ... --space 'Platform Team' --pool 'Default Worker Pool'`), or make a pool with available workers the default (`octoworkers pool set-default POOL --space 'Platform Team'`); or pass --force.")
    const json = parseJson(await run(['disable', '-y', '--no-prompt', '--json']))
    expect(json.Error).toMatchObject({ExitCode: 5, Code: 'unsafe', SpacesAtRisk: [expect.objectContaining({SpaceId: 'Spaces-2'})]})
    expect(await features(sandbox)).toEqual(before)
  })

  it('--force without -y under --no-prompt refuses (exit 2); nothing changes', async () => {
    const before = await features(sandbox)
    const result = await run(['disable', '--force', '--no-prompt'])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('Refusing to disable the built-in worker without confirmation')
    expect(result.stderr).toContain('-y/--yes')
    expect(await features(sandbox)).toEqual(before)
  })

  it('a key without AdministerSystem gets exit 3 naming the permission; nothing changes', async () => {
    const before = await features(sandbox)
    const result = await run(['disable', '--force', '-y', '--no-prompt'], sandbox.readOnlyApiKey)
    expect(result.exitCode).toBe(3)
    expect(result.stderr).toContain('HTTP 403')
    expect(result.stderr).toContain('AdministerSystem')
    expect(await features(sandbox)).toEqual(before)
  })

  it('--force -y disables with GET-modify-PUT: every other flag survives; again is a no-op', async () => {
    // Make the other flags distinctive so a reset to defaults would show.
    const current = (await api(sandbox, 'GET', '/api/featuresconfiguration')).body
    await api(sandbox, 'PUT', '/api/featuresconfiguration', {...current, IsCommunityActionTemplatesEnabled: false, IsExperimentalUIFeatureEnabled: true, HelpSidebarSupportLink: 'https://help.example.com', DefaultPowerShellEdition: 'Core'})
    const before = await features(sandbox)
    const result = await run(['disable', '--force', '-y', '--no-prompt', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(parseJson(result)).toMatchObject({IsBuiltInWorkerEnabled: false, Changed: true, SpacesAtRisk: [expect.objectContaining({SpaceName: 'Platform Team'})]})
    expect(result.stderr).toContain('disabling anyway (--force)')
    const after = await features(sandbox)
    const {IsBuiltInWorkerEnabled: was, LastModifiedOn: _a, LastModifiedBy: _b, ...othersBefore} = before
    const {IsBuiltInWorkerEnabled: now, LastModifiedOn: _c, LastModifiedBy: _d, ...othersAfter} = after
    expect([was, now]).toEqual([true, false])
    expect(othersAfter).toEqual(othersBefore)

    const again = await run(['disable', '-y', '--no-prompt'])
    expect(again.exitCode).toBe(0)
    expect(again.stdout).toContain('already disabled')
    expect(await features(sandbox)).toEqual(after)
  })

  it('enable switches it back on, keeping the other flags; again is a no-op', async () => {
    const before = await features(sandbox)
    const result = await run(['enable'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain('Built-in worker enabled')
    const after = await features(sandbox)
    expect(after.IsBuiltInWorkerEnabled).toBe(true)
    expect({...after, IsBuiltInWorkerEnabled: false, LastModifiedOn: null, LastModifiedBy: null}).toEqual({...before, LastModifiedOn: null, LastModifiedBy: null})
    const again = await run(['enable', '--json'])
    expect(parseJson(again)).toEqual({IsBuiltInWorkerEnabled: true, Changed: false})
  })

  it('once every default pool has an available worker (HasWarnings counts, Unknown does not), disable needs no --force', async () => {
    const w = await createWorker(sandbox, 'Spaces-2', 'p-k8s-london-worker-03', ['WorkerPools-8'], 'london-03.warnings.test')
    // Never health-checked: Unknown is not available, so switching off is still unsafe.
    expect((await api(sandbox, 'GET', `/api/Spaces-2/workers/${w.Id}`)).body.HealthStatus).toBe('Unknown')
    const unknown = await run(['disable', '-y', '--no-prompt'])
    expect(unknown.exitCode).toBe(5)
    expect(unknown.stderr).toContain("default pool 'Default Worker Pool' has 1 worker, none available (enabled, and Healthy or HasWarnings)")
    await healthCheck(sandbox, 'Spaces-2', [w.Id])
    expect((await api(sandbox, 'GET', `/api/Spaces-2/workers/${w.Id}`)).body.HealthStatus).toBe('HasWarnings')
    // A disabled worker is not available: still refused as unsafe.
    await setWorkerDisabled(sandbox, 'Spaces-2', w.Id, true)
    expect((await run(['disable', '-y', '--no-prompt'])).exitCode).toBe(5)
    await setWorkerDisabled(sandbox, 'Spaces-2', w.Id, false)
    const result = await run(['disable', '-y', '--no-prompt'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain('Built-in worker disabled')
    expect((await features(sandbox)).IsBuiltInWorkerEnabled).toBe(false)
    const status = parseJson(await run(['status', '--json']))
    expect(status.Spaces.map((s: any) => [s.SpaceName, s.BuiltInWorkerInUse, s.AtRiskIfDisabled])).toEqual([['Default', false, false], ['Platform Team', false, false]])
  })
})

describe('builtin-worker disable, interactive (under a pseudo-terminal)', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startTestSandbox({seed: 'empty'})
  })
  afterAll(async () => sandbox?.close())

  it('a wrong confirmation changes nothing (exit 2); typing the name disables it', async () => {
    const {runInPty} = await import('../../helpers/pty.js')
    const before = await features(sandbox)
    const wrong = await runInPty(['builtin-worker', 'disable', '--force'], cliEnv(sandbox), [{waitFor: "Type the name 'built-in worker' to disable the built-in worker:", send: 'yes\r'}])
    expect(wrong.exitCode, wrong.screen).toBe(2)
    expect(wrong.screen).toContain("Space 'Default': default pool 'Default Worker Pool' has no workers")
    expect(wrong.screen).toContain('Confirmation did not match; nothing was changed.')
    expect(await features(sandbox)).toEqual(before)
    const right = await runInPty(['builtin-worker', 'disable', '--force'], cliEnv(sandbox), [{waitFor: "Type the name 'built-in worker' to disable the built-in worker:", send: 'built-in worker\r'}])
    expect(right.exitCode, right.screen).toBe(0)
    expect(right.screen).toContain('Built-in worker disabled')
    expect((await features(sandbox)).IsBuiltInWorkerEnabled).toBe(false)
  })
})
