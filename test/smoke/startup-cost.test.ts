// What every run of the bundle pays before a command starts: the files it reads are Latin-1 text,
// so Node holds their source as one byte per character (a single wider character makes V8 keep the
// whole bundle as two bytes a character), and its entry point is CommonJS (bin/run.js says why).
import {spawn, spawnSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
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

describe('dependencies in the bundle', () => {
  it('@oclif/core is bundled as published: its engines check and its command sort are its own, no require of it is rewritten', () => {
    const bundle = readFileSync(path.join(bundleDir, 'cli.cjs'), 'latin1')
    expect(bundle).toContain('checkCWD();checkNodeVersion();')
    expect(bundle).toMatch(/\.sort\(\((\w+),(\w+)\)=>\1\.id\.localeCompare\(\2\.id\)\)\}async _manifest\(\)/)
    expect(bundle).not.toContain('__octoworkersLazy')
  })

  it('stands in for whole packages only, never for one of @oclif/core\'s own files', () => {
    const meta = JSON.parse(readFileSync(path.join(bundleDir, '../bundle-meta.json'), 'utf8')) as {inputs: Record<string, unknown>}
    const standIns = Object.keys(meta.inputs).filter((input) => /^[\w-]+:/.test(input) && !input.startsWith('virtual:'))
    expect(standIns.length).toBeGreaterThan(0)
    expect(standIns.filter((input) => /[\\/]@oclif[\\/]core[\\/]lib[\\/]/.test(input))).toEqual([])
  })
})

/** A probe for `node --require` that writes, at exit, the list of Node's own modules the run loaded. */
function moduleListProbe(): {probe: string; loaded: () => string[]} {
  const probe = path.join(tempDir('octoworkers-entry'), 'loaded.cjs')
  const listFile = `${probe}.txt`
  writeFileSync(probe, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(listFile)}, process.moduleLoadList.join('\\n')))\n`)
  return {probe, loaded: () => readFileSync(listFile, 'utf8').split('\n')}
}

describe('the entry point', () => {
  it('runs as CommonJS: a run starts no ES module loader', () => {
    const {probe, loaded} = moduleListProbe()
    const run = spawnSync(process.execPath, ['--require', probe, binPath, '--version'], {encoding: 'utf8', env: {...process.env, OCTOWORKERS_NO_COMPILE_CACHE: '1'}})
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/^octoworkers\/\S+ /)
    const esmModules = loaded().filter((name) => /internal\/modules\/esm\/(module_job|translators)/.test(name))
    expect(esmModules).toEqual([])
  })

  it("a command's requests go through axios without loading Node's fetch API (undici)", async () => {
    const requests: string[] = []
    const server = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url} ${req.headers['user-agent']}`)
      res.writeHead(404, {'Content-Type': 'application/json'}).end('{"ErrorMessage":"not here"}')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const {probe, loaded} = moduleListProbe()
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const child = spawn(process.execPath, ['--require', probe, binPath, 'pool', 'list'], {env: {PATH: process.env.PATH ?? '', HOME: tempDir('octoworkers-home'), OCTOPUS_URL: url, OCTOPUS_API_KEY: 'API-SMOKETEST0000000000000000000'}, stdio: 'ignore'})
      const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve))
      expect(exitCode).not.toBe(0)
      expect(requests[0]).toMatch(/^GET \/api\S* octoworkers\//)
      expect(loaded().filter((name) => /undici/.test(name))).toEqual([])
    } finally {
      server.close()
    }
  })
})
