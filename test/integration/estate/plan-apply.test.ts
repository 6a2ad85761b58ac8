import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {octo} from '../../helpers/octo.js'
import {parseJson} from '../../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {tempDir} from '../../helpers/temp.js'
import YAML from 'yaml'
import type {OctopusVersion} from '../../../src/sandbox/index.js'
import {estateState} from './helpers.js'

/** The prerequisites an estate file names but does not manage: accounts and proxies. */
async function addPrerequisites(sb: Sandbox): Promise<void> {
  expect((await api(sb, 'POST', '/api/Spaces-1/accounts', {Name: 'Staging SSH key', AccountType: 'SshKeyPair', Username: 'ops', PrivateKeyFile: {HasValue: true, NewValue: 'a2V5'}})).status).toBe(201)
  expect((await api(sb, 'POST', '/api/Spaces-1/proxies', {Name: 'Corporate proxy', Host: 'proxy.corp.example', Port: 3128})).status).toBe(201)
}

function writeTemp(name: string, text: string): string {
  const file = path.join(tempDir('estate-files'), name)
  writeFileSync(file, text)
  return file
}

async function exportDefault(sb: Sandbox): Promise<string> {
  const result = await octo(sb, ['estate', 'export', '--space', 'Default'])
  expect(result.exitCode, result.stderr).toBe(0)
  return result.stdout
}

describe.each(['2026.1', '2019.7'] as OctopusVersion[])('estate plan and apply on %s', (version) => {
  let demo: Sandbox
  let target: Sandbox
  let exported: string
  let file: string
  beforeAll(async () => {
    demo = await startTestSandbox({seed: 'demo', octopusVersion: version})
    target = await startTestSandbox({seed: 'empty', octopusVersion: version})
    await addPrerequisites(target)
    exported = await exportDefault(demo)
    file = writeTemp('estate.yaml', exported)
  })
  afterAll(async () => {
    await demo.close()
    await target.close()
  })

  it('round trip: the demo estate applied to an empty server exports byte-identical, and plans clean', async () => {
    const planned = await octo(target, ['estate', 'plan', '-f', file, '--detailed-exitcode'])
    expect(planned.exitCode, planned.stderr).toBe(2)
    expect(planned.stdout).toContain('+ pool "Production Database Omaha Worker Pool"')
    expect(planned.stdout).toContain('+ worker "s-linux-omaha-worker-01"')
    expect(planned.stdout).not.toContain('> pool order')
    const applied = await octo(target, ['estate', 'apply', '-f', file, '-y'])
    expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0)
    if (version === '2026.1') {
      // A Kubernetes agent registers through its Helm chart: reported with the command, not an error.
      expect(applied.stdout).toMatch(/install agent +! worker "k8s-agent-worker-01".*helm upgrade --install/)
      // The declared worker's name, not a placeholder: the agent registers under the name the file gives it.
      expect(applied.stdout).toContain('--namespace octopus-agent-k8s-agent-worker-01 octopus-agent-k8s-agent-worker-01 ')
      expect(applied.stdout).toContain('--set agent.name=k8s-agent-worker-01 ')
      const agent = (await api(demo, 'GET', '/api/Spaces-1/workers/all')).body.find((w: {Name: string}) => w.Name === 'k8s-agent-worker-01')
      const pools = (await api(target, 'GET', '/api/Spaces-1/workerpools/all')).body as Array<{Id: string; Name: string}>
      // What the chart's registration does: the agent appears through the API, in its initial pool.
      const created = await api(target, 'POST', '/api/Spaces-1/workers', {Name: agent.Name, Endpoint: agent.Endpoint, WorkerPoolIds: [pools.find((p) => p.Name === 'Default Worker Pool')!.Id]})
      expect(created.status, created.text).toBe(201)
      // Octopus health-checks what registers; moving the agent out of its initial pool must keep that pool's floor.
      await octo(target, ['worker', 'health', '--wait'])
      const managed = await octo(target, ['estate', 'apply', '-f', file, '-y'])
      expect(managed.exitCode, managed.stderr).toBe(0)
      expect(managed.stdout).toMatch(/done +~ worker "k8s-agent-worker-01"/)
    }
    expect(await exportDefault(target)).toBe(exported)
    const clean = await octo(target, ['estate', 'plan', '-f', file, '--detailed-exitcode'])
    expect(clean.exitCode, clean.stdout + clean.stderr).toBe(0)
    expect(clean.stdout).toContain('No changes.')
    const again = await octo(target, ['estate', 'apply', '-f', file, '-y', '--json'])
    expect(again.exitCode).toBe(0)
    expect(parseJson(again).Apply).toBeNull()
  })

  it('a changed file plans exactly its changes, applies them, and then plans clean', async () => {
    // Registered workers are health-checked (as Octopus does after a registration) before they are moved.
    // (exit 1: the demo's unhealthy and unavailable workers fail it, as they should)
    const health = await octo(target, ['worker', 'health', '--wait'])
    expect(health.stdout + health.stderr).toContain('p-web-azcus-worker-03: Unavailable')
    const doc = YAML.parse(exported)
    const space = doc.spaces.Default
    const staging = space.pools.find((p: any) => p.name === 'Staging Linux Worker Pool')
    Object.assign(staging, {name: 'Staging Linux Pool', renamedFrom: 'Staging Linux Worker Pool'})
    delete space.pools[0].default
    // The new default pool, declared second: created, made the default, and put in that place.
    space.pools.splice(1, 0, {name: 'London Linux Worker Pool', type: 'static', default: true})
    for (const w of space.workers) {
      w.pools = w.pools.map((p: string) => (p === 'Staging Linux Worker Pool' ? 'Staging Linux Pool' : p))
      if (w.name === 'p-db-omaha-worker-01' || w.name === 'p-db-omaha-worker-02') w.pools = ['London Linux Worker Pool']
      if (w.name === 'default-linux-worker-01') w.enabled = false
    }
    const changed = YAML.stringify(doc)
    const changedFile = writeTemp('changed.yaml', changed)
    // Floor 2 (the default): disabling one of two and moving two of three is refused, and nothing changes.
    const before = await estateState(target)
    const refused = await octo(target, ['estate', 'apply', '-f', changedFile, '-y'])
    expect(refused.exitCode).toBe(5)
    expect(refused.stderr).toContain("pool 'Production Database Omaha Worker Pool' has 3 available workers; this plan would leave 1 (its floor is 2)")
    expect(refused.stderr).toContain('--force applies it anyway')
    expect(await estateState(target)).toEqual(before)
    const planned = await octo(target, ['estate', 'plan', '-f', changedFile, '--json', '--detailed-exitcode', '--keep-healthy', '1'])
    expect(planned.exitCode, planned.stdout + planned.stderr).toBe(2)
    const plan = parseJson(planned)
    const summary = plan.Changes.map((c: any) => `${c.Action} ${c.Resource} ${c.Name} ${c.Fields.map((f: any) => f.Field).join(',')}`)
    expect(summary).toEqual([
      'create pool London Linux Worker Pool type',
      'update pool Staging Linux Pool name',
      'update worker default-linux-worker-01 enabled',
      'update worker p-db-omaha-worker-01 pools',
      'update worker p-db-omaha-worker-02 pools',
      'set-default pool London Linux Worker Pool default',
      'reorder pool-order pool order order',
    ])
    const applied = await octo(target, ['estate', 'apply', '-f', changedFile, '-y', '--keep-healthy', '1'])
    expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0)
    const clean = await octo(target, ['estate', 'plan', '-f', changedFile, '--detailed-exitcode'])
    expect(clean.exitCode, clean.stdout).toBe(0)
    const pools = (await api(target, 'GET', '/api/Spaces-1/workerpools/all')).body as Array<{Name: string; IsDefault: boolean; SortOrder: number}>
    expect(pools.find((p) => p.IsDefault)?.Name).toBe('London Linux Worker Pool')
    // Put the original estate back for the tests that follow.
    const back = await octo(target, ['estate', 'apply', '-f', writeTemp('back.yaml', exported.replace('- name: Staging Linux Worker Pool', '- name: Staging Linux Worker Pool\n        renamedFrom: Staging Linux Pool')), '-y', '--prune'])
    expect(back.exitCode, back.stdout + back.stderr).toBe(0)
  })
})
