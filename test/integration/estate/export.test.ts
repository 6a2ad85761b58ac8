import {readFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {octo} from '../../helpers/octo.js'
import {parseJson, repoRoot} from '../../helpers/cli.js'
import {startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {tempDir} from '../../helpers/temp.js'

describe('estate export', () => {
  let sb: Sandbox
  beforeAll(async () => {
    sb = await startTestSandbox({seed: 'demo'})
  })
  afterAll(() => sb.close())

  it('writes names, never IDs or secrets, and two exports are byte-identical', async () => {
    const first = await octo(sb, ['estate', 'export', '--all-spaces'])
    expect(first.exitCode, first.stderr).toBe(0)
    const second = await octo(sb, ['estate', 'export', '--all-spaces'])
    expect(second.stdout).toBe(first.stdout)
    const text = first.stdout
    // A path relative to the file (the package is published nowhere a URL could name): `estate schema -o` writes it.
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./estate.schema.json')
    expect(text).not.toMatch(/WorkerPools-\d|Workers-\d|MachinePolicies-\d|Accounts-\d|Proxies-\d|Spaces-\d/)
    expect(text).not.toContain(sb.apiKey)
    expect(text).toContain('builtInWorker: enabled')
    expect(text).toContain('account: Staging SSH key')
    // Pools in their sort order, the default marked; workers by name.
    expect(text).toMatch(/pools:\n {6}- name: Default Worker Pool\n {8}type: static\n {8}default: true/)
    expect(text).toMatch(/- name: p-db-omaha-worker-03\n(.+\n)+? {8}enabled: false/)
    // Workers no file can declare are named on stderr, not silently dropped.
    expect(first.stderr).toContain("Left out worker 'imported-worker-none' of space 'Default'")
  })

  it('estate schema -o writes the schema the exported files name (./estate.schema.json), the one the package ships', async () => {
    const dir = tempDir('estate-schema')
    const result = await octo(sb, ['estate', 'schema', '-o', path.join(dir, 'estate.schema.json')])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toBe('')
    expect(readFileSync(path.join(dir, 'estate.schema.json'), 'utf8')).toBe(readFileSync(path.join(repoRoot, 'schema/estate.schema.json'), 'utf8'))
    expect(JSON.parse(readFileSync(path.join(dir, 'estate.schema.json'), 'utf8')).$id).toBeUndefined()
  })

  it('writes the file with -o and reports it', async () => {
    const file = path.join(tempDir('estate-export'), 'estate.yaml')
    const result = await octo(sb, ['estate', 'export', '-o', file, '--space', 'Platform Team', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const json = parseJson(result)
    expect(json.File).toBe(file)
    expect(json.Spaces).toEqual(['Platform Team'])
    const text = readFileSync(file, 'utf8')
    expect(text).toContain('Platform Team:')
    expect(text).not.toContain('Default:\n')
  })

  it('--space with --all-spaces is exit 2', async () => {
    const result = await octo(sb, ['estate', 'export', '--all-spaces', '--space', 'Default'])
    expect(result.exitCode).toBe(2)
  })

  it('estate schema prints the JSON Schema', async () => {
    const result = await octo(sb, ['estate', 'schema'])
    expect(result.exitCode).toBe(0)
    expect(parseJson(result).title).toBe('octoworkers estate file')
  })
})
