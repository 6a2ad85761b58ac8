import {spawnSync} from 'node:child_process'
import {chmod, mkdir, readdir, readFile, stat, symlink, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'
import {CliError, ExitCode} from '../../../src/text/errors.js'
import {readApiKey, saveApiKey, type KeyStorage} from '../../../src/config/key-storage.js'
import {logout} from '../../../src/app/auth/login.js'
import {warnIfPlainHttp} from '../../../src/octopus/plain-http.js'
import {insecureKeyDir, insecureKeyPath} from '../../../src/config/paths.js'
import {ProfileStore} from '../../../src/config/profiles.js'
import {sweepStaleTempFiles, writePrivateFileAtomic} from '../../../src/config/private-file.js'
import {tempDir} from '../../helpers/temp.js'
import {FakeKeychain} from './fake-keychain.js'

/** Secrets at rest: key files, temp files, the config directory, plain http://. */
const SERVER = 'https://octopus.example.com'
const KEY = 'API-KEY1234567890ABC'

let dir: string
let storage: KeyStorage

beforeEach(() => {
  dir = path.join(tempDir('ow-hostile-files'), 'octoworkers')
  storage = {configDir: dir, keychain: new FakeKeychain().factory}
})

/** The PID of a process that has exited: what a `kill -9`ed login leaves in its temp file's name. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!
}

/** A temp file as writePrivateFileAtomic names it, holding a key, as a killed writer leaves it. */
async function leftoverTemp(target: string, pid: number): Promise<string> {
  const temp = `${target}.${pid}.0123abcd.tmp`
  await mkdir(path.dirname(target), {recursive: true})
  await writeFile(temp, JSON.stringify({Server: SERVER, ApiKey: KEY}), {mode: 0o600})
  return temp
}

describe('stale temp files of a killed writer', () => {
  it('the next write of a key file removes them, and leaves a live writer\'s temp file alone', async () => {
    const target = insecureKeyPath(dir, 'default')
    const stale = await leftoverTemp(target, deadPid())
    const live = await leftoverTemp(insecureKeyPath(dir, 'other'), process.pid)
    await saveApiKey(storage, 'default', SERVER, KEY, 'file')
    const left = await readdir(insecureKeyDir(dir))
    expect(left).not.toContain(path.basename(stale))
    expect(left).toContain(path.basename(live))
  })

  it('the next write of config.yaml sweeps the config directory', async () => {
    const stale = await leftoverTemp(path.join(dir, 'config.yaml'), deadPid())
    const store = await ProfileStore.load(dir)
    store.set({name: 'default', server: SERVER, keyStore: 'keychain'})
    await store.save()
    expect(await readdir(dir)).not.toContain(path.basename(stale))
  })

  it('logout removes them from both directories, even for a profile that does not exist', async () => {
    const inConfig = await leftoverTemp(path.join(dir, 'config.yaml'), deadPid())
    const inKeys = await leftoverTemp(insecureKeyPath(dir, 'default'), deadPid())
    await logout({profile: 'default', env: {}, configDir: dir, keychain: storage.keychain})
    expect(await readdir(dir)).not.toContain(path.basename(inConfig))
    expect(await readdir(insecureKeyDir(dir))).not.toContain(path.basename(inKeys))
  })

  it('touches only names of the temp-file form', async () => {
    await mkdir(dir, {recursive: true})
    for (const name of ['notes.tmp', 'config.yaml.bak', `config.yaml.${deadPid()}.xyz.tmp`]) await writeFile(path.join(dir, name), 'x')
    expect(await sweepStaleTempFiles(dir)).toEqual([])
    expect(await readdir(dir)).toHaveLength(3)
  })
})

describe('an insecure key file that others can read', () => {
  const profile = {name: 'default', server: SERVER, keyStore: 'file' as const}

  it.each(['0644', '0640', '0604', '0660'])('mode %s is refused with exit 3 and the chmod 600 fix', async (octal) => {
    const mode = Number.parseInt(octal, 8)
    await saveApiKey(storage, 'default', SERVER, KEY, 'file')
    const file = insecureKeyPath(dir, 'default')
    await chmod(file, mode)
    const error = await readApiKey(storage, profile).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(CliError)
    expect((error as CliError).exitCode).toBe(ExitCode.Auth)
    expect((error as CliError).message).toContain(`mode is ${octal}`)
    expect((error as CliError).message).not.toContain(KEY)
    expect((error as CliError).hint).toContain(`chmod 600 ${file}`)
  })

  it('mode 0600 and 0400 are used', async () => {
    await saveApiKey(storage, 'default', SERVER, KEY, 'file')
    expect((await readApiKey(storage, profile)).apiKey).toBe(KEY)
    await chmod(insecureKeyPath(dir, 'default'), 0o400)
    expect((await readApiKey(storage, profile)).apiKey).toBe(KEY)
  })
})

describe('a config directory that is a symlink', () => {
  it('is written through, but its target\'s mode is not changed', async () => {
    const target = path.join(tempDir('ow-dotfiles'), 'octoworkers-real')
    await mkdir(target, {mode: 0o755})
    await chmod(target, 0o755)
    await mkdir(path.dirname(dir), {recursive: true})
    await symlink(target, dir)
    await writePrivateFileAtomic(path.join(dir, 'config.yaml'), 'profiles: {}\n')
    expect((await stat(target)).mode & 0o777).toBe(0o755)
    expect(await readFile(path.join(target, 'config.yaml'), 'utf8')).toBe('profiles: {}\n')
    expect((await stat(path.join(target, 'config.yaml'))).mode & 0o777).toBe(0o600)
  })

  it('a real directory is still tightened to 0700', async () => {
    await mkdir(dir, {recursive: true, mode: 0o755})
    await chmod(dir, 0o755)
    await writePrivateFileAtomic(path.join(dir, 'config.yaml'), 'profiles: {}\n')
    expect((await stat(dir)).mode & 0o777).toBe(0o700)
  })
})

describe('plain http:// through a proxy', () => {
  const warnings = (server: string, proxy: string) => {
    const out: string[] = []
    warnIfPlainHttp(server, (m) => out.push(m), () => proxy)
    return out
  }

  it('warns for an http:// server reached through a proxy, loopback included, without the proxy\'s password', () => {
    for (const server of ['http://127.0.0.1:8080', 'http://octopus.internal']) {
      const [warning] = warnings(server, 'http://user:s3cret@proxy.corp:3128')
      expect(warning).toMatch(/through the proxy proxy\.corp:3128/)
      expect(warning).toMatch(/NO_PROXY/)
      expect(warning).not.toContain('s3cret')
    }
  })

  it('says nothing for https://, or for a loopback http:// server that is not proxied', () => {
    expect(warnings('https://octopus.example.com', 'http://proxy.corp:3128')).toEqual([])
    expect(warnings('http://127.0.0.1:8080', '')).toEqual([])
  })

  it('uses the same HTTP_PROXY/NO_PROXY rule as the client by default', () => {
    const saved = {HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY, http_proxy: process.env.http_proxy, no_proxy: process.env.no_proxy}
    try {
      delete process.env.http_proxy
      delete process.env.no_proxy
      process.env.HTTP_PROXY = 'http://proxy.corp:3128'
      process.env.NO_PROXY = 'exempt.internal'
      const out: string[] = []
      warnIfPlainHttp('http://127.0.0.1:8080', (m) => out.push(m))
      warnIfPlainHttp('http://exempt.internal', (m) => out.push(m))
      expect(out).toHaveLength(2)
      expect(out[0]).toMatch(/through the proxy/)
      expect(out[1]).not.toMatch(/through the proxy/)
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
    }
  })
})
