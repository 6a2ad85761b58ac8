import {execFileSync} from 'node:child_process'
import {chmodSync, chownSync, lchownSync, mkdirSync, renameSync, rmSync, symlinkSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {runCli, tempConfigHome, type CliResult} from '../../helpers/cli.js'
import {startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {tempDir} from '../../helpers/temp.js'

// config.yaml and the insecure key file are read only when they are regular files of this user's
// that no one else can change: a FIFO planted there is refused at once (a read would wait forever
// for a writer), and a link or a file of another user's is never trusted. Runs that could hang
// are spawned, with a bound, so a hang fails the test instead of stalling it.
const asRoot = process.getuid?.() === 0
const NOBODY = 65534
const BOUND = {spawn: true, timeoutMs: 20_000}

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startTestSandbox({seed: 'demo'})
})
afterAll(async () => {
  await sandbox?.close()
})

/** A config home with profile `default` logged in with --insecure-storage: its config.yaml and key file. */
async function loggedIn(): Promise<{configHome: string; config: string; keyFile: string}> {
  const configHome = tempConfigHome()
  const login = await runCli(['login', '--server', sandbox.url, '--api-key-stdin', '--insecure-storage'], {input: `${sandbox.apiKey}\n`, configHome})
  expect(login.exitCode, login.stderr).toBe(0)
  const dir = path.join(configHome, 'octoworkers')
  return {configHome, config: path.join(dir, 'config.yaml'), keyFile: path.join(dir, 'insecure-credentials', 'default.json')}
}

/** The file's content moved to a file owned by another user, in a directory of theirs. */
function othersCopyOf(file: string): string {
  const theirs = path.join(tempDir('ow-other-user'), 'theirs')
  mkdirSync(theirs, {mode: 0o755})
  const copy = path.join(theirs, path.basename(file))
  renameSync(file, copy)
  chmodSync(copy, 0o600)
  chownSync(copy, NOBODY, NOBODY)
  chownSync(theirs, NOBODY, NOBODY)
  return copy
}

function expectRefusal(result: CliResult, exitCode: number, firstLine: RegExp, hint: RegExp): void {
  expect(result.exitCode, `stdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(exitCode)
  expect(result.stdout).toBe('')
  const [line, ...rest] = result.stderr.trimEnd().split('\n')
  expect(line.replace(/^Error: /, '')).toMatch(firstLine)
  expect(rest.join('\n')).toMatch(hint)
  expect(result.stderr).not.toContain(sandbox.apiKey)
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

describe('the insecure key file', {timeout: 120_000}, () => {
  it('a FIFO in its place: the command finishes at once with exit 3, naming the file', async () => {
    const {configHome, keyFile} = await loggedIn()
    rmSync(keyFile)
    execFileSync('mkfifo', ['-m', '0600', keyFile])
    const result = await runCli(['whoami'], {configHome, ...BOUND})
    expectRefusal(result, 3, new RegExp(`^Refusing to use the API key in ${escape(keyFile)}: it is a FIFO\\.$`), /login --insecure-storage/)
  })

  it('a symbolic link is not followed, even to a private file of the user\'s own', async () => {
    const {configHome, keyFile} = await loggedIn()
    const elsewhere = path.join(tempDir('ow-key-elsewhere'), 'default.json')
    renameSync(keyFile, elsewhere)
    symlinkSync(elsewhere, keyFile)
    const result = await runCli(['whoami'], {configHome, ...BOUND})
    expectRefusal(result, 3, new RegExp(`^Refusing to use the API key in ${escape(keyFile)}: it is a symbolic link\\.$`), /login --insecure-storage/)
  })

  it.skipIf(!asRoot)('a symbolic link to another user\'s file, or a file of another user\'s: exit 3', async () => {
    const linked = await loggedIn()
    symlinkSync(othersCopyOf(linked.keyFile), linked.keyFile)
    expectRefusal(await runCli(['whoami'], {configHome: linked.configHome, ...BOUND}), 3, /: it is a symbolic link\.$/, /login --insecure-storage/)

    const owned = await loggedIn()
    chownSync(owned.keyFile, NOBODY, NOBODY)
    const result = await runCli(['whoami'], {configHome: owned.configHome, ...BOUND})
    expectRefusal(result, 3, new RegExp(`^Refusing to use the API key in ${escape(owned.keyFile)}: it belongs to user ID ${NOBODY}, not to you \\(0\\)\\.$`), /login --insecure-storage/)
  })

  it('world-writable or world-readable: exit 3 with the chmod 600 fix', async () => {
    const {configHome, keyFile} = await loggedIn()
    for (const [mode, who] of [[0o602, 'change'], [0o666, 'read'], [0o644, 'read']] as const) {
      chmodSync(keyFile, mode)
      const result = await runCli(['whoami'], {configHome, ...BOUND})
      const octal = mode.toString(8).padStart(4, '0')
      expectRefusal(result, 3, new RegExp(`^Refusing to use the API key in ${escape(keyFile)}: its mode is ${octal}, so other users can ${who} it\\.$`), new RegExp(escape(`chmod 600 ${keyFile}`)))
    }
    chmodSync(keyFile, 0o600)
    expect((await runCli(['whoami'], {configHome})).exitCode).toBe(0)
  })
})

describe('config.yaml', {timeout: 120_000}, () => {
  it('a FIFO in its place: the command finishes at once with exit 3, naming the file', async () => {
    const {configHome, config} = await loggedIn()
    rmSync(config)
    execFileSync('mkfifo', ['-m', '0600', config])
    const result = await runCli(['whoami'], {configHome, ...BOUND})
    expectRefusal(result, 3, new RegExp(`^Refusing to use ${escape(config)}: it is a FIFO\\.$`), /octoworkers login/)
    // With the environment's credentials, the profiles are still read first: the same refusal.
    const withEnv = await runCli(['whoami'], {configHome, env: {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey}, ...BOUND})
    expect(withEnv.exitCode).toBe(3)
  })

  it('that group or others can write: exit 3 with the chmod fix', async () => {
    const {configHome, config} = await loggedIn()
    chmodSync(config, 0o666)
    const result = await runCli(['whoami'], {configHome, ...BOUND})
    expectRefusal(result, 3, new RegExp(`^Refusing to use ${escape(config)}: it can be written by others \\(mode 0666\\)\\.$`), new RegExp(escape(`chmod go-w ${config}`)))
    chmodSync(config, 0o644)
    expect((await runCli(['whoami'], {configHome})).exitCode).toBe(0)
  })

  it('a symbolic link of the user\'s own to a file of theirs (a dotfiles checkout) is followed', async () => {
    const {configHome, config} = await loggedIn()
    const checkout = tempDir('ow-dotfiles')
    const real = path.join(checkout, 'octoworkers.yaml')
    renameSync(config, real)
    symlinkSync(path.relative(path.dirname(config), real), config)
    const result = await runCli(['whoami'], {configHome, ...BOUND})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toMatch(new RegExp(`^Server\\s+${escape(sandbox.url)}$`, 'm'))
  })

  it('a link of the user\'s own to a link is refused, and to a world-writable file', async () => {
    const {configHome, config} = await loggedIn()
    const checkout = tempDir('ow-dotfiles')
    const real = path.join(checkout, 'real.yaml')
    const hop = path.join(checkout, 'hop.yaml')
    renameSync(config, real)
    symlinkSync(real, hop)
    symlinkSync(hop, config)
    expectRefusal(await runCli(['whoami'], {configHome, ...BOUND}), 3, new RegExp(`^Refusing to use ${escape(config)}: it links to ${escape(hop)}, which is another symbolic link\\.$`), /octoworkers login/)
    rmSync(config)
    symlinkSync(real, config)
    chmodSync(real, 0o666)
    expectRefusal(await runCli(['whoami'], {configHome, ...BOUND}), 3, new RegExp(`: it links to ${escape(real)}, which can be written by others \\(mode 0666\\)\\.$`), /chmod go-w/)
  })

  it.skipIf(!asRoot)('a link to another user\'s file, a link owned by another user, a file of another user\'s: exit 3', async () => {
    const toTheirs = await loggedIn()
    const theirs = othersCopyOf(toTheirs.config)
    symlinkSync(theirs, toTheirs.config)
    expectRefusal(
      await runCli(['whoami'], {configHome: toTheirs.configHome, ...BOUND}),
      3,
      new RegExp(`^Refusing to use ${escape(toTheirs.config)}: it links to ${escape(theirs)}, which is owned by another user \\(uid ${NOBODY}\\)\\.$`),
      /octoworkers login/,
    )

    const plantedLink = await loggedIn()
    const mine = path.join(tempDir('ow-dotfiles'), 'config.yaml')
    renameSync(plantedLink.config, mine)
    symlinkSync(mine, plantedLink.config)
    lchownSync(plantedLink.config, NOBODY, NOBODY)
    expectRefusal(
      await runCli(['whoami'], {configHome: plantedLink.configHome, ...BOUND}),
      3,
      new RegExp(`^Refusing to use ${escape(plantedLink.config)}: it is a symbolic link owned by another user \\(uid ${NOBODY}\\)\\.$`),
      /octoworkers login/,
    )

    const owned = await loggedIn()
    chownSync(owned.config, NOBODY, NOBODY)
    expectRefusal(
      await runCli(['whoami'], {configHome: owned.configHome, ...BOUND}),
      3,
      new RegExp(`^Refusing to use ${escape(owned.config)}: it is owned by another user \\(uid ${NOBODY}\\)\\.$`),
      /octoworkers login/,
    )
  })
})
