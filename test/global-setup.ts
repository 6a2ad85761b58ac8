/**
 * Runs once before any test file: gives the suite a private, unlocked Secret Service
 * (gnome-keyring on its own D-Bus session bus, in temp dirs), so the keychain tests run on a
 * fresh Linux clone without touching the developer's own keyring. The test workers are forked
 * after this, so they inherit the environment it sets.
 *
 * Without dbus-daemon and gnome-keyring-daemon the keychain tests are skipped, and this says so in
 * one line (README: Development).
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {mkdtempSync, mkdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

const KEYRING_PASSWORD = 'octoworkers-test-keyring'

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], {stdio: 'ignore'}).status === 0
}

/** Starts dbus-daemon on a private socket and returns its address (the first line it prints). */
function startBus(runtimeDir: string): Promise<{daemon: ChildProcess; address: string}> {
  return new Promise((resolve, reject) => {
    const daemon = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1', // Not $XDG_RUNTIME_DIR/bus, the default that libdbus falls back to: tests of "no D-Bus session" unset the address.
      `--address=unix:path=${path.join(runtimeDir, 'test-session-bus')}`], {stdio: ['ignore', 'pipe', 'ignore']})
    let out = ''
    daemon.once('error', reject)
    daemon.once('exit', (code) => reject(new Error(`dbus-daemon exited (${code})`)))
    daemon.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
      const line = out.split('\n')[0]
      if (out.includes('\n') && line) {
        daemon.removeAllListeners('exit')
        resolve({daemon, address: line.trim()})
      }
    })
  })
}

export default async function setup(): Promise<() => void> {
  if (process.platform !== 'linux') return () => undefined
  if (!hasCommand('dbus-daemon') || !hasCommand('gnome-keyring-daemon')) {
    const existing = process.env.DBUS_SESSION_BUS_ADDRESS ? ' (using the existing D-Bus session instead)' : ''
    console.log(`Keychain tests: no private Secret Service, because dbus-daemon or gnome-keyring-daemon is missing${existing}; install the Debian packages gnome-keyring and dbus to run them.`)
    return () => undefined
  }
  const root = mkdtempSync(path.join(tmpdir(), 'octoworkers-keyring-'))
  const runtimeDir = path.join(root, 'run')
  const dataHome = path.join(root, 'data')
  mkdirSync(runtimeDir, {mode: 0o700})
  mkdirSync(dataHome)
  const {daemon, address} = await startBus(runtimeDir)
  const env = {...process.env, DBUS_SESSION_BUS_ADDRESS: address, XDG_RUNTIME_DIR: runtimeDir, XDG_DATA_HOME: dataHome}
  const keyring = spawnSync('gnome-keyring-daemon', ['--unlock', '--components=secrets'], {env, input: KEYRING_PASSWORD, encoding: 'utf8'})
  if (keyring.status !== 0) {
    daemon.kill()
    rmSync(root, {recursive: true, force: true})
    console.log(`Keychain tests: gnome-keyring-daemon did not start (${keyring.stderr.trim() || `exit ${keyring.status}`}); they are skipped.`)
    delete process.env.DBUS_SESSION_BUS_ADDRESS
    return () => undefined
  }
  Object.assign(process.env, {DBUS_SESSION_BUS_ADDRESS: address, XDG_RUNTIME_DIR: runtimeDir, XDG_DATA_HOME: dataHome})
  return () => {
    // gnome-keyring-daemon daemonises on the bus; it exits when the bus goes away.
    daemon.kill()
    rmSync(root, {recursive: true, force: true})
  }
}
