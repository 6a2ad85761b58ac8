import {chmod, readdir, readFile, stat, writeFile, mkdir} from 'node:fs/promises'
import {tempDir} from '../../helpers/temp.js'
import path from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'
import {CliError, ExitCode} from '../../../src/text/errors.js'
import {ProfileStore} from '../../../src/config/profiles.js'
import {configDir, selectedProfile} from '../../../src/config/paths.js'

let dir: string
beforeEach(async () => {
  dir = path.join(tempDir('ow-profiles'), 'octoworkers')
})

const file = () => path.join(dir, 'config.yaml')

/** Nine to the fifth strings from five lines: "billion laughs" in YAML. */
const ALIAS_BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  '',
].join('\n')

async function loadError(): Promise<CliError> {
  const error = await ProfileStore.load(dir).then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(CliError)
  return error as CliError
}

describe('ProfileStore', () => {
  it('starts empty when there is no config file, and creates nothing by loading', async () => {
    const store = await ProfileStore.load(dir)
    expect(store.names()).toEqual([])
    await expect(stat(dir)).rejects.toThrow(/ENOENT/)
  })

  it('saves profiles in a 0600 file inside a 0700 dir, without temp files left behind', async () => {
    const store = await ProfileStore.load(dir)
    store.set({name: 'default', server: 'https://octopus.example.com', space: 'Default', keyStore: 'keychain'})
    store.set({name: 'staging', server: 'http://127.0.0.1:8065', keyStore: 'file'})
    store.set({name: 'gone', server: 'https://gone.example.com', keyStore: 'keychain'})
    expect(store.remove('gone')).toBe(true)
    await store.save()
    expect(await readFile(file(), 'utf8')).toMatch(/^# octoworkers profiles .*No secrets are kept here/s)
    expect((await stat(file())).mode & 0o777).toBe(0o600)
    expect((await stat(dir)).mode & 0o777).toBe(0o700)
    expect(await readdir(dir)).toEqual(['config.yaml'])

    const again = await ProfileStore.load(dir)
    expect(again.names()).toEqual(['default', 'staging'])
    expect(again.get('default')).toEqual({name: 'default', server: 'https://octopus.example.com', space: 'Default', keyStore: 'keychain'})
    expect(again.get('staging')).toEqual({name: 'staging', server: 'http://127.0.0.1:8065', space: undefined, keyStore: 'file'})
  })

  it('replaces the file by rename (a new inode), and tightens a loose mode', async () => {
    await mkdir(dir, {recursive: true})
    await writeFile(file(), 'profiles: {}\n', {mode: 0o644})
    const before = (await stat(file())).ino
    const store = await ProfileStore.load(dir)
    store.set({name: 'default', server: 'https://a.example.com', keyStore: 'keychain'})
    await store.save()
    const after = await stat(file())
    expect(after.ino).not.toBe(before)
    expect(after.mode & 0o777).toBe(0o600)
  })

  it('keeps comments and hand-written keys, and removes a profile', async () => {
    await mkdir(dir, {recursive: true})
    await writeFile(file(), '# my notes\nprofiles:\n  default:\n    server: https://a.example.com\n    note: keep me # why\n  old:\n    server: https://b.example.com\n')
    const store = await ProfileStore.load(dir)
    store.set({name: 'default', server: 'https://a.example.com', space: 'Ops', keyStore: 'keychain'})
    expect(store.remove('old')).toBe(true)
    expect(store.remove('old')).toBe(false)
    await store.save()
    const text = await readFile(file(), 'utf8')
    expect(text).toContain('# my notes')
    expect(text).toContain('note: keep me # why')
    expect(text).toContain('space: Ops')
    expect(text).not.toContain('b.example.com')
  })

  it('reads a profile without keyStore as a keychain profile and normalizes its URL', async () => {
    await mkdir(dir, {recursive: true})
    await writeFile(file(), 'profiles:\n  default:\n    server: https://a.example.com/app#/\n')
    expect((await ProfileStore.load(dir)).get('default')).toEqual({name: 'default', server: 'https://a.example.com', space: undefined, keyStore: 'keychain'})
  })

  it.each([
    ['a YAML syntax error', 'profiles:\n  default:\n    server: "https://a.example.com\n', 3],
    ['a flow collection that never closes', 'profiles:\n  default: {server: https://a.example.com\n', 2],
    ['profiles that is a list', 'profiles:\n  - default\n', 2],
    ['a profile without server', 'profiles:\n  default:\n    space: Default\n', 2],
    ['a server that is not a URL', 'profiles:\n  ok:\n    server: https://a.example.com\n  bad:\n    server: not-a-url\n', 5],
    ['an unknown keyStore', 'profiles:\n  default:\n    server: https://a.example.com\n    keyStore: clipboard\n', 4],
    ['a profile named twice', 'profiles:\n  a:\n    server: https://a.example.com\n  b:\n    server: https://b.example.com\n  a:\n    server: https://c.example.com\n', 6],
    ['a key repeated inside a profile', 'profiles:\n  a:\n    server: https://a.example.com\n    server: https://b.example.com\n', 4],
    ['an alias bomb', `${ALIAS_BOMB}profiles:\n  default:\n    server: https://a.example.com\n`, 2],
    ['an aliased server', 'urls:\n  main: &main https://a.example.com\nprofiles:\n  default:\n    server: *main\n', 5],
  ])('rejects %s with exit 2, naming the file and line %d', async (_what, content, line) => {
    await mkdir(dir, {recursive: true})
    await writeFile(file(), content)
    const error = await loadError()
    expect(error.exitCode).toBe(ExitCode.Usage)
    expect(error.code).toBe('config-invalid')
    expect(error.message).toContain(`${file()}:${line}:`)
    expect(error.details).toMatchObject({file: file(), line})
  })

  it('names the alias in an alias bomb', async () => {
    await mkdir(dir, {recursive: true})
    await writeFile(file(), ALIAS_BOMB)
    expect((await loadError()).message).toMatch(/aliases \(\*a\) are not supported/)
  })

  it('reads many profiles, each once (duplicates are found with a Set, not by yaml\'s quadratic uniqueKeys)', async () => {
    await mkdir(dir, {recursive: true})
    const count = 2000
    const text = 'profiles:\n' + Array.from({length: count}, (_, i) => `  p${i}:\n    server: https://w${i}.example.com\n`).join('')
    await writeFile(file(), text)
    const store = await ProfileStore.load(dir)
    expect(store.names()).toHaveLength(count)
    expect(store.get('p1999')?.server).toBe('https://w1999.example.com')
  })

  it('never overwrites a corrupt file (the error comes at load, before any save is possible)', async () => {
    await mkdir(dir, {recursive: true})
    const corrupt = 'profiles:\n  default: [\n'
    await writeFile(file(), corrupt)
    await loadError()
    expect(await readFile(file(), 'utf8')).toBe(corrupt)
  })

  it('reports an unreadable file as a failure, not as "no profiles"', async () => {
    if (process.getuid?.() === 0) return // root reads everything
    await mkdir(dir, {recursive: true})
    await writeFile(file(), 'profiles: {}\n')
    await chmod(file(), 0o000)
    const error = await loadError()
    expect(error.exitCode).toBe(ExitCode.Failure)
  })
})

describe('paths', () => {
  it('uses XDG_CONFIG_HOME when absolute, else ~/.config', () => {
    expect(configDir({XDG_CONFIG_HOME: '/x/cfg'})).toBe('/x/cfg/octoworkers')
    expect(configDir({XDG_CONFIG_HOME: 'relative', HOME: '/home/u'})).toBe('/home/u/.config/octoworkers')
    expect(configDir({HOME: '/home/u'})).toBe('/home/u/.config/octoworkers')
  })

  it('picks --profile, then OCTOWORKERS_PROFILE, then default; rejects unsafe names with exit 2', () => {
    expect(selectedProfile('a', {OCTOWORKERS_PROFILE: 'b'})).toEqual({name: 'a', explicit: true})
    expect(selectedProfile(undefined, {OCTOWORKERS_PROFILE: 'b'})).toEqual({name: 'b', explicit: true})
    expect(selectedProfile(undefined, {})).toEqual({name: 'default', explicit: false})
    for (const bad of ['../etc', 'a/b', '', '-x', 'a b']) {
      expect(() => selectedProfile(bad, {})).toThrow(expect.objectContaining({exitCode: ExitCode.Usage}))
    }
  })
})
