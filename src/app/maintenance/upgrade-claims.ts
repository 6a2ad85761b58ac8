/**
 * Which workers a `worker upgrade` run took out of service, kept where a later run finds them.
 *
 * A rolling upgrade disables each worker before upgrading it and enables it again afterwards. If
 * the run is stopped in between (SIGTERM from `timeout` or a cancelled CI job, Ctrl-C, a timeout,
 * `kill -9`, a lost machine), the worker stays disabled, and nothing on the server says who
 * disabled it or whether it was enabled before: Octopus has no field or tag for that which holds
 * across versions, and a disabled worker looks the same whoever disabled it. So the run writes a
 * claim, one small private file per worker, BEFORE it disables the worker, and removes it once the
 * worker is back in the state it had (or was never changed). A later run of `worker upgrade` that
 * finds a claim whose process is gone knows that this tool disabled the worker and whether it was
 * enabled, and finishes the upgrade or restores the worker. A claim whose process is alive means
 * another run on this machine is upgrading that worker now: it is left to that run.
 *
 * Where: `$XDG_STATE_HOME/octoworkers/upgrade-claims/<server+space key>/<WorkerId>.json` (else
 * `~/.local/state/...`): state, not cache, since deleting it loses what a rerun needs. The rules
 * are those of every private file of ours (src/config/private-file.ts): the directory is created 0700 and must be owned
 * by the user and not writable by others; a claim file must be a regular file owned by the user,
 * not writable by group or others, small, and valid; it is opened without following a link and
 * without blocking (a FIFO planted there cannot hang the run). Anything else is ignored with a
 * warning. A claim is created whole or not at all (written to a temp file, then hard-linked to its
 * name, which fails if the name exists), so two runs cannot both claim one worker.
 *
 * Limits: claims are per user and machine. Two runs on different machines do not see each other's
 * claims; for them the upgrade judges each worker by its own upgrade task (rolling-upgrade.ts).
 */
import {createHash} from 'node:crypto'
import {link, lstat, open, readdir, unlink} from 'node:fs/promises'
import {homedir, hostname} from 'node:os'
import path from 'node:path'
import {ensurePrivateDir, isPrivateToMe, privateTempName, readPrivateFile} from '../../config/private-file.js'

export interface UpgradeClaim {
  Server: string
  SpaceId: string
  WorkerId: string
  WorkerName: string
  /** Whether the worker was enabled before the run disabled it: what restoring means. */
  WasEnabled: boolean
  Pid: number
  Host: string
  ClaimedAt: string
}

export type ClaimOutcome = {claimed: true} | {claimed: false; owner: UpgradeClaim}

export interface ClaimStore {
  /** Claims the worker for this process (taking over a claim whose process is gone). */
  claim(worker: {Id: string; Name: string}, wasEnabled: boolean): Promise<ClaimOutcome>
  /** The worker is back in the state it had: forget it. */
  release(workerId: string): Promise<void>
  /** Every valid claim of this server and space. */
  list(): Promise<UpgradeClaim[]>
  /** Whether the claim's process is gone (on this machine): the claim is an orphan a rerun takes over. */
  isOrphan(claim: UpgradeClaim): boolean
  /** Whether the claim is this process's own. */
  isMine(claim: UpgradeClaim): boolean
}

/** `$XDG_STATE_HOME/octoworkers/upgrade-claims`, else `~/.local/state/octoworkers/upgrade-claims`. */
export function claimsRoot(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(env.HOME || homedir(), '.local', 'state')
  return path.join(base, 'octoworkers', 'upgrade-claims')
}

/**
 * One directory per server and space: a short hash, so any URL makes a safe name. The server is
 * its InstallationId (from the root document) where it gives one, so that runs reaching one
 * server by different URLs (a proxy, a load balancer, another host name) find each other's claims;
 * else its URL.
 */
export function claimsKey(server: string, spaceId: string, installationId?: string | null): string {
  const identity = installationId ? `installation:${installationId.toLowerCase()}` : server.replace(/\/+$/, '').toLowerCase()
  return createHash('sha256').update(`${identity}\n${spaceId.toLowerCase()}`).digest('hex').slice(0, 24)
}

const MAX_CLAIM_BYTES = 16 * 1024
const WORKER_FILE = /^[A-Za-z0-9-]{1,100}\.json$/

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists, but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export function parseClaim(text: string): UpgradeClaim | undefined {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof doc !== 'object' || doc === null) return undefined
  const c = doc as Record<string, unknown>
  const strings = ['Server', 'SpaceId', 'WorkerId', 'WorkerName', 'Host', 'ClaimedAt'] as const
  if (strings.some((k) => typeof c[k] !== 'string') || typeof c.WasEnabled !== 'boolean' || !Number.isInteger(c.Pid) || (c.Pid as number) <= 0) return undefined
  return {Server: c.Server as string, SpaceId: c.SpaceId as string, WorkerId: c.WorkerId as string, WorkerName: c.WorkerName as string, WasEnabled: c.WasEnabled, Pid: c.Pid as number, Host: c.Host as string, ClaimedAt: c.ClaimedAt as string}
}

/**
 * A claim file or directory the store leaves alone, told as data (src/views/maintenance-progress.ts words
 * each): `unsafe-directory`, the directory is not private to this user; `directory-unusable`, it
 * could not be created or read (`message`: the error's); `untrusted-file`, a file is not a small
 * private regular file of this user (`reason`, as the private-file check says it); `invalid-claim`,
 * a file is not a claim; `record-failed`, a worker's claim could not be written, so a rerun will
 * not know this run disabled it.
 */
export type ClaimWarning =
  | {kind: 'unsafe-directory'; dir: string}
  | {kind: 'directory-unusable'; dir: string; message: string}
  | {kind: 'untrusted-file'; file: string; reason: string}
  | {kind: 'invalid-claim'; file: string}
  | {kind: 'record-failed'; workerName: string; dir: string; message: string}

export interface ClaimStoreOptions {
  root: string
  server: string
  spaceId: string
  /** The server's InstallationId, when its root document gives one. */
  installationId?: string | null
  /** Told once per file (or directory) that is ignored because it is not safe or not valid. */
  warn?: (warning: ClaimWarning) => void
  pid?: number
  host?: string
  isAlive?: (pid: number) => boolean
  now?: () => Date
}

export function claimStore(opts: ClaimStoreOptions): ClaimStore {
  const dir = path.join(opts.root, claimsKey(opts.server, opts.spaceId, opts.installationId))
  const pid = opts.pid ?? process.pid
  const host = opts.host ?? hostname()
  const isAlive = opts.isAlive ?? processIsAlive
  const warn = opts.warn ?? (() => {})
  const warned = new Set<string>()
  const warnOnce = (key: string, warning: ClaimWarning) => {
    if (warned.has(key)) return
    warned.add(key)
    warn(warning)
  }
  const fileOf = (workerId: string) => path.join(dir, `${workerId}.json`)

  /** The directory, created private; undefined (with a warning) when it is not safely ours. */
  async function usableDir(create: boolean): Promise<string | undefined> {
    try {
      if (create) await ensurePrivateDir(dir)
      const stat = await lstat(dir)
      if (!stat.isDirectory() || !isPrivateToMe(stat)) {
        warnOnce(dir, {kind: 'unsafe-directory', dir})
        return undefined
      }
      return dir
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !create) return undefined
      warnOnce(dir, {kind: 'directory-unusable', dir, message: (error as Error).message})
      return undefined
    }
  }

  async function read(file: string): Promise<UpgradeClaim | undefined> {
    const read = readPrivateFile(file, {maxBytes: MAX_CLAIM_BYTES})
    if (read.status === 'missing') return undefined
    if (read.status === 'untrusted') {
      warnOnce(file, {kind: 'untrusted-file', file, reason: read.reason})
      return undefined
    }
    const claim = parseClaim(read.data.toString('utf8'))
    if (!claim) warnOnce(file, {kind: 'invalid-claim', file})
    return claim
  }

  /** Creates the claim file whole, or fails with EEXIST when it exists. */
  async function create(claim: UpgradeClaim): Promise<void> {
    const target = fileOf(claim.WorkerId)
    const temp = privateTempName(target, pid)
    const handle = await open(temp, 'wx', 0o600)
    try {
      await handle.writeFile(`${JSON.stringify(claim, null, 2)}\n`, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    try {
      await link(temp, target)
    } finally {
      await unlink(temp).catch(() => {})
    }
  }

  const store: ClaimStore = {
    isOrphan: (claim) => claim.Host === host && claim.Pid !== pid && !isAlive(claim.Pid),
    isMine: (claim) => claim.Host === host && claim.Pid === pid,

    async claim(worker, wasEnabled) {
      const claim: UpgradeClaim = {Server: opts.server, SpaceId: opts.spaceId, WorkerId: worker.Id, WorkerName: worker.Name, WasEnabled: wasEnabled, Pid: pid, Host: host, ClaimedAt: (opts.now?.() ?? new Date()).toISOString()}
      if (!(await usableDir(true))) return {claimed: true}
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await create(claim)
          return {claimed: true}
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
            warnOnce(fileOf(worker.Id), {kind: 'record-failed', workerName: worker.Name, dir, message: (error as Error).message})
            return {claimed: true}
          }
        }
        const owner = await read(fileOf(worker.Id))
        if (!owner) return {claimed: true}
        if (store.isMine(owner)) return {claimed: true}
        if (!store.isOrphan(owner)) return {claimed: false, owner}
        // The owner is gone: keep what it knew about the worker's state before, then take it over.
        claim.WasEnabled = owner.WasEnabled
        await unlink(fileOf(worker.Id)).catch(() => {})
      }
      const owner = await read(fileOf(worker.Id))
      return owner && !store.isMine(owner) ? {claimed: false, owner} : {claimed: true}
    },

    async release(workerId) {
      const file = fileOf(workerId)
      const claim = await read(file)
      // Only our own claim (or an orphan we took over and finished) is removed.
      if (claim && (store.isMine(claim) || store.isOrphan(claim))) await unlink(file).catch(() => {})
    },

    async list() {
      if (!(await usableDir(false))) return []
      const names = await readdir(dir).catch(() => [] as string[])
      const claims: UpgradeClaim[] = []
      for (const name of names.filter((n) => WORKER_FILE.test(n)).sort()) {
        const claim = await read(path.join(dir, name))
        if (claim && claim.WorkerId === name.slice(0, -'.json'.length)) claims.push(claim)
      }
      return claims
    },
  }
  return store
}
