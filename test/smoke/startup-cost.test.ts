// What every run of the bundle pays before a command starts: the files it reads are Latin-1 text,
// so Node holds their source as one byte per character (a single wider character makes V8 keep the
// whole bundle as two bytes a character), and its entry point is CommonJS (bin/run.js says why).
import {spawnSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {wideCharacters} from '../../scripts/build-bundle.js'
import {binPath} from '../helpers/cli.js'
import {tempDir} from '../helpers/temp.js'

const bundleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/bundle')

describe('the bundle as text', () => {
  it('has no character above U+00FF in the files a run compiles', () => {
    for (const file of ['cli.cjs', 'sandbox.cjs', 'vendor/yaml.cjs', 'vendor/re2js.cjs', 'vendor/prom-client.cjs', 'vendor/jose.cjs', 'compile-cache.cjs']) {
      expect({file, wide: wideCharacters(readFileSync(path.join(bundleDir, file), 'utf8'))}).toEqual({file, wide: []})
    }
  })

  it('the commands\' metadata (read when there is no oclif manifest) is ASCII', () => {
    expect(readFileSync(path.join(bundleDir, 'command-metadata.json'), 'utf8')).not.toMatch(/[^\x20-\x7e]/)
  })

  it('wideCharacters names the code point and what precedes it', () => {
    expect(wideCharacters('a/[-*\u2022]/é')).toEqual([{codePoint: 'U+2022', before: 'a/[-*'}])
  })
})

describe('the entry point', () => {
  it('runs as CommonJS: a run starts no ES module loader', () => {
    const probe = path.join(tempDir('octoworkers-entry'), 'loaded.cjs')
    const listFile = `${probe}.txt`
    writeFileSync(probe, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(listFile)}, process.moduleLoadList.join('\\n')))\n`)
    const run = spawnSync(process.execPath, ['--require', probe, binPath, '--version'], {encoding: 'utf8', env: {...process.env, OCTOWORKERS_NO_COMPILE_CACHE: '1'}})
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/^octoworkers\/\S+ /)
    const esmModules = readFileSync(listFile, 'utf8').split('\n').filter((name) => /internal\/modules\/esm\/(module_job|translators)/.test(name))
    expect(esmModules).toEqual([])
  })
})
