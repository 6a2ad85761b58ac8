import {spawn} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import YAML from 'yaml'
import {octo} from '../../helpers/octo.js'
import {binPath, parseJson, repoRoot, runCli, shareCompileCache} from '../../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {tempDir} from '../../helpers/temp.js'
import {readEstateFiles} from '../../../src/app/estate-code/files.js'
import {planEstate} from '../../../src/app/estate-code/plan.js'
import {applyPlan} from '../../../src/app/estate-code/apply.js'
import {defaultConfig} from '../../../src/config/octoworkers-yaml/load.js'
import {OctopusClient} from '../../../src/octopus/client.js'
import {estateState} from './helpers.js'

function writeTemp(name: string, text: string): string {
  const file = path.join(tempDir('estate-guards'), name)
  writeFileSync(file, text)
  return file
}

async function expectRefused(sb: Sandbox, args: string[], exitCode: number, message: string | RegExp): Promise<string> {
  const before = await estateState(sb)
  const result = await octo(sb, args)
  expect(result.exitCode, result.stdout + result.stderr).toBe(exitCode)
  if (typeof message === 'string') expect(result.stderr).toContain(message)
  else expect(result.stderr).toMatch(message)
  expect(await estateState(sb)).toEqual(before)
  return result.stderr
}

/** A second process (the bundle, as another admin would run it) changing the server. */
function otherClient(sb: Sandbox, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const env = {PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', OCTOPUS_URL: sb.url, OCTOPUS_API_KEY: sb.apiKey, XDG_CONFIG_HOME: tempDir('cfg'), XDG_CACHE_HOME: tempDir('cache'), XDG_STATE_HOME: tempDir('state'), NO_COLOR: '1'}
    const harvestCompileCache = shareCompileCache(env)
    const child = spawn(process.execPath, [binPath, ...args], {cwd: repoRoot, env, stdio: 'ignore'})
    child.on('error', reject)
    child.on('close', (code) => {
      harvestCompileCache()
      resolve(code ?? 1)
    })
  })
}

describe('estate plan: bad input', () => {
  let sb: Sandbox
  let exported: string
  beforeAll(async () => {
    sb = await startTestSandbox({seed: 'demo'})
    exported = (await octo(sb, ['estate', 'export', '--space', 'Default'])).stdout
  })
  afterAll(() => sb.close())

  const edit = (change: (space: any, doc: any) => void) => {
    const doc = YAML.parse(exported)
    change(doc.spaces.Default, doc)
    return YAML.stringify(doc)
  }

  it('a malformed file is exit 2 with its line', async () => {
    const file = writeTemp('bad.yaml', 'spaces:\n  Default:\n    pools: [\n')
    await expectRefused(sb, ['estate', 'plan', '-f', file], 2, `${file}:`)
  })

  it('an unknown key is exit 2 naming the file, the line and the allowed keys', async () => {
    const file = writeTemp('key.yaml', 'spaces:\n  Default:\n    workers:\n      - name: w\n        kind: listening\n        pools: [Default Worker Pool]\n        url: https://w:10933/\n        thumbprint: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n        enabeld: false\n')
    const stderr = await expectRefused(sb, ['estate', 'apply', '-f', file, '-y'], 2, `${file}:9: spaces.Default.workers.0.enabeld: unknown key 'enabeld' in a listening worker`)
    expect(stderr).toContain('allowed: name, kind, pools, url')
  })

  it('a worker in no pool is exit 2 with its line', async () => {
    const file = writeTemp('nopool.yaml', 'spaces:\n  Default:\n    workers:\n      - name: w\n        kind: polling\n        pools: []\n        uri: poll://abc/\n        thumbprint: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n')
    await expectRefused(sb, ['estate', 'plan', '-f', file], 2, `${file}:6: spaces.Default.workers.0.pools: a worker must be in at least one pool`)
  })

  it('two default pools in a space are exit 2 naming both', async () => {
    const file = writeTemp('defaults.yaml', edit((space) => (space.pools[1].default = true)))
    await expectRefused(sb, ['estate', 'plan', '-f', file], 2, /declares two default pools \('Default Worker Pool' at .*defaults\.yaml:\d+ and 'Production Database Omaha Worker Pool'\)/)
  })

  it('the same worker in two files is exit 2 naming both files and lines', async () => {
    const pools = writeTemp('pools.yaml', exported)
    const again = writeTemp('workers.yaml', 'spaces:\n  Default:\n    workers:\n      - name: worker1\n        kind: polling\n        pools: [test pool]\n        uri: poll://abc/\n        thumbprint: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n')
    await expectRefused(sb, ['estate', 'plan', '-f', pools, '-f', again], 2, new RegExp(`${again}:4: worker 'worker1' of space 'Default' is declared twice \\(also at ${pools}:\\d+\\)`))
  })

  it.each([
    ['pool', (space: any) => (space.workers[0].pools = ['No Such Pool']), "no worker pool 'No Such Pool' in space 'Default'"],
    ['machine policy', (space: any) => (space.workers[0].machinePolicy = 'Strict policy'), "no machine policy 'Strict policy'"],
    ['account', (space: any) => (space.workers.find((w: any) => w.kind === 'ssh').account = 'Nobody'), "no account 'Nobody'"],
    ['proxy', (space: any) => (space.workers[0].proxy = 'Nowhere'), "no proxy 'Nowhere'"],
  ])('an unknown %s is exit 4 with the file and line', async (_what, change, message) => {
    const file = writeTemp('unknown.yaml', edit(change))
    await expectRefused(sb, ['estate', 'plan', '-f', file], 4, new RegExp(`${file}:\\d+: ${message}`))
  })

  it('an unknown space is exit 4', async () => {
    const file = writeTemp('space.yaml', 'spaces:\n  Nowhere:\n    pools: []\n')
    await expectRefused(sb, ['estate', 'plan', '-f', file], 4, `${file}:2: no space 'Nowhere'`)
  })

  it('under --detailed-exitcode bad input is 1 (2 means changes)', async () => {
    const file = writeTemp('bad2.yaml', 'spaces: [\n')
    expect((await octo(sb, ['estate', 'plan', '-f', file, '--detailed-exitcode'])).exitCode).toBe(1)
  })

  it('apply without -y under --no-prompt refuses (exit 2) before any request', async () => {
    const file = writeTemp('ok.yaml', exported)
    const result = await runCli(['estate', 'apply', '-f', file, '--no-prompt'], {env: {OCTOPUS_URL: 'http://127.0.0.1:1', OCTOPUS_API_KEY: 'API-XXXXXXXXXXXXXXXX'}})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('Refusing to apply an estate without confirmation')
  })
})

describe('estate plan: refusals (exit 5, nothing changed)', () => {
  let sb: Sandbox
  let exported: string
  beforeEach(async () => {
    sb = await startTestSandbox({seed: 'demo'})
    exported = (await octo(sb, ['estate', 'export', '--all-spaces'])).stdout
    return () => sb.close()
  })

  it('deleting a pool that steps use (--prune of an undeclared pool)', async () => {
    const doc = YAML.parse(exported)
    const space = doc.spaces.Default
    space.pools = space.pools.filter((p: any) => p.name !== 'Azure Central US Production Worker Pool')
    space.workers = space.workers.filter((w: any) => !w.pools.includes('Azure Central US Production Worker Pool'))
    const file = writeTemp('prune.yaml', YAML.stringify(doc))
    await expectRefused(sb, ['estate', 'apply', '-f', file, '--prune', '-y', '--keep-healthy', '0'], 5, /step actions? uses? pool 'Azure Central US Production Worker Pool'.*which this plan deletes/)
    // Without --prune the pool and its workers are left alone and listed.
    const plan = await octo(sb, ['estate', 'plan', '-f', file, '--json'])
    expect(plan.exitCode).toBe(0)
    expect(parseJson(plan).Unmanaged.map((u: any) => u.Name)).toContain('Azure Central US Production Worker Pool')
  })

  it('disabling the built-in worker while a default pool has no worker', async () => {
    const file = writeTemp('builtin.yaml', exported.replace('builtInWorker: enabled', 'builtInWorker: disabled'))
    // Platform Team's default pool is empty: its steps run on the built-in worker.
    await expectRefused(sb, ['estate', 'apply', '-f', file, '-y'], 5, "switching the built-in worker off leaves space 'Platform Team' with no available worker in its default pool 'Default Worker Pool'")
  })

  it('disabling workers below a pool\'s floor', async () => {
    const doc = YAML.parse(exported)
    for (const w of doc.spaces['Platform Team'].workers) w.enabled = false
    const file = writeTemp('floor.yaml', YAML.stringify(doc))
    await expectRefused(sb, ['estate', 'plan', '-f', file], 5, "pool 'Platform Kubernetes London Worker Pool' has 2 available workers; this plan would leave 0 (its floor is 2)")
  })
})

describe('estate apply: concurrency', () => {
  let sb: Sandbox
  let exported: string
  beforeEach(async () => {
    sb = await startTestSandbox({seed: 'demo'})
    exported = (await octo(sb, ['estate', 'export', '--space', 'Default'])).stdout
    return () => sb.close()
  })

  const moved = () => {
    const doc = YAML.parse(exported)
    for (const w of doc.spaces.Default.workers) if (w.name === 'tmp-box' || w.name === 'worker1') w.pools = [...w.pools, 'Empty Windows Worker Pool']
    return writeTemp('moved.yaml', YAML.stringify(doc))
  }

  it('a saved plan is refused as stale when another client changed the server since', async () => {
    const file = moved()
    const planFile = path.join(tempDir('plan'), 'estate.plan')
    const planned = await octo(sb, ['estate', 'plan', '-f', file, '-o', planFile, '--keep-healthy', '0'])
    expect(planned.exitCode, planned.stderr).toBe(0)
    expect(await otherClient(sb, ['worker', 'update', 'tmp-box', '--add-pool', 'Default Worker Pool'])).toBe(0)
    const stale = await expectRefused(sb, ['estate', 'apply', planFile, '-y'], 1, 'is stale: the server changed since it was made')
    expect(stale).toContain('Run `estate plan` again')
    // An unchanged server: the saved plan applies.
    const fresh = await octo(sb, ['estate', 'plan', '-f', file, '-o', planFile, '--keep-healthy', '0'])
    expect(fresh.exitCode).toBe(0)
    const applied = await octo(sb, ['estate', 'apply', planFile, '-y'])
    expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0)
  })

  it('a worker another process changes between the plan and its write is a conflict, not written; the rest is applied', async () => {
    const client = await OctopusClient.connect({server: sb.url, apiKey: sb.apiKey})
    const {desired} = await readEstateFiles([moved()], repoRoot)
    const context = await planEstate(client, desired, {prune: false, force: false, failOn: 'error', keepHealthy: 0, config: defaultConfig(), bin: 'octoworkers'})
    expect(context.plan.Changes.map((c) => c.Name)).toEqual(['tmp-box', 'worker1'])
    const result = await applyPlan(context, {
      beforeItem: async (change) => {
        if (change.Name === 'tmp-box') expect(await otherClient(sb, ['worker', 'update', 'tmp-box', '--add-pool', 'Default Worker Pool'])).toBe(0)
      },
    })
    expect(result.Results.map((r) => [r.Name, r.Status])).toEqual([['tmp-box', 'conflict'], ['worker1', 'done']])
    expect(result.Results[0].Message).toContain('changed by someone else since the plan read it; not written')
    const workers = (await api(sb, 'GET', '/api/Spaces-1/workers/all')).body as Array<{Name: string; WorkerPoolIds: string[]}>
    // The other client's change survives: tmp-box keeps its pools plus the one the other client added.
    expect(workers.find((w) => w.Name === 'tmp-box')!.WorkerPoolIds.sort()).toEqual(['WorkerPools-1', 'WorkerPools-2', 'WorkerPools-5'])
    expect(workers.find((w) => w.Name === 'worker1')!.WorkerPoolIds.sort()).toEqual(['WorkerPools-5', 'WorkerPools-7'])
  })

  it('the CLI reports a conflict with exit 1 and a second run converges', async () => {
    const file = moved()
    // Two applies of the same file at once: each item is written once, by one of them, and both end converged.
    const [a, b] = await Promise.all([octo(sb, ['estate', 'apply', '-f', file, '-y', '--keep-healthy', '0']), octo(sb, ['estate', 'apply', '-f', file, '-y', '--keep-healthy', '0'])])
    expect([0, 1]).toContain(a.exitCode)
    expect([0, 1]).toContain(b.exitCode)
    const again = await octo(sb, ['estate', 'plan', '-f', file, '--detailed-exitcode'])
    expect(again.exitCode, again.stdout).toBe(0)
  })
})
