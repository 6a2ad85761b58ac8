import {execFile} from 'node:child_process'
import {copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {repoRoot} from '../../helpers/cli.js'

/**
 * The direction rule of `.dependency-cruiser.cjs` (docs/ARCHITECTURE.md §1), run by `npm run lint`,
 * over a small tree laid out as src/ is: what it must refuse and what it must let through.
 */
const run = promisify(execFile)
let tree: string

function write(files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(tree, file)), {recursive: true})
    writeFileSync(path.join(tree, file), text)
  }
}

async function cruise(): Promise<{exitCode: number; output: string}> {
  const bin = path.join(repoRoot, 'node_modules/.bin/depcruise')
  try {
    const {stdout} = await run(bin, ['src', '--config', path.join(repoRoot, '.dependency-cruiser.cjs')], {cwd: tree})
    return {exitCode: 0, output: stdout}
  } catch (error) {
    const failed = error as {code: number; stdout: string}
    return {exitCode: failed.code, output: failed.stdout}
  }
}

beforeAll(() => {
  tree = mkdtempSync(path.join(os.tmpdir(), 'octoworkers-layers-'))
  copyFileSync(path.join(repoRoot, 'tsconfig.json'), path.join(tree, 'tsconfig.json'))
  write({
    'src/commands/pool/list.ts': "import {listPools} from '../../app/pools.js'\nimport {poolLines} from '../../views/pools.js'\nexport const run = () => poolLines(listPools())\n",
    'src/app/pools.ts': "import {isDynamic} from '../domain/pools.js'\nimport {get} from '../octopus/client.js'\nexport const listPools = () => get().filter(isDynamic)\n",
    'src/views/pools.ts': "import type {Pool} from '../octopus/client.js'\nimport {safe} from '../ui/safe.js'\nexport const poolLines = (pools: Pool[]) => pools.map((p) => safe(p.Name))\n",
    'src/domain/pools.ts': "import type {Pool} from '../octopus/client.js'\nexport const isDynamic = (p: Pool) => p.Dynamic\n",
    'src/octopus/client.ts': "export interface Pool {Name: string; Dynamic: boolean}\nexport const get = (): Pool[] => []\n",
    'src/ui/safe.ts': 'export const safe = (s: string) => s\n',
  })
})
afterAll(() => rmSync(tree, {recursive: true, force: true}))

const probes = [
  {what: 'the client imports a command', file: 'src/octopus/probe.ts', to: 'src/commands/pool/list.ts', text: "import {run} from '../commands/pool/list.js'\nexport const probe = run\n", rule: 'octopus-not-to-commands'},
  {what: 'a view imports the client (a value)', file: 'src/views/probe.ts', to: 'src/octopus/client.ts', text: "import {get} from '../octopus/client.js'\nexport const probe = get\n", rule: 'views-not-to-octopus-values'},
  {what: 'a use case imports a view', file: 'src/app/probe.ts', to: 'src/views/pools.ts', text: "import {poolLines} from '../views/pools.js'\nexport const probe = poolLines\n", rule: 'app-not-to-views'},
  {what: 'the domain imports the client (a value)', file: 'src/domain/probe.ts', to: 'src/octopus/client.ts', text: "import {get} from '../octopus/client.js'\nexport const probe = get\n", rule: 'domain-not-to-octopus-values'},
]

// One cruise over the allowed imports and every forbidden one (each cruise takes seconds): exactly
// the forbidden ones are reported, so the allowed directions, type-only imports of wire types
// included, pass.
describe('the layers lint', () => {
  it('fails on each forbidden import, and only on those', async () => {
    write(Object.fromEntries(probes.map((p) => [p.file, p.text])))
    const result = await cruise()
    expect(result.exitCode).not.toBe(0)
    const reported = result.output.split('\n').filter((line) => /^\s*error /.test(line)).map((line) => line.trim())
    expect(reported.sort()).toEqual(probes.map((p) => `error ${p.rule}: ${p.file} → ${p.to}`).sort())
  })
})
