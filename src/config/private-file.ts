/**
 * The one home for files this tool keeps for itself on disk and must keep private: the lease
 * cache, the compile cache, the upgrade claims, `config.yaml` and the insecure key files. Reading
 * and writing them follows one set of rules.
 *
 * Reading: a file is trusted when it is a regular file (not a symbolic link, FIFO, device...),
 * owned by this user and not writable by group or others (for a secret, not readable by them
 * either). Whoever can write the compile cache chooses code this process runs; whoever can write
 * the lease cache chooses what `leases report` says; whoever can write `config.yaml` chooses the
 * server a saved key is sent to. The file is opened without following a link and without
 * blocking (a FIFO opens at once and is refused, so nothing planted there can hang the CLI), and
 * its type, owner and mode are checked on the open descriptor, so nothing can be swapped in
 * between the check and the read. Anything else is "untrusted", with a reason the caller shows;
 * a missing file is simply missing.
 *
 * Caches also name their directory (`dir`), which must be owned by this user and not writable by
 * others (else someone else could put files in it). `config.yaml` and the key files do not: the
 * file itself is checked on its descriptor, and someone who can only write the directory can
 * remove or rename the user's files but cannot make one owned by the user.
 *
 * Symbolic links: never followed, except where a caller allows `followOwnLink` (`config.yaml`,
 * which dotfile managers such as GNU stow link into a checkout). Then one link at the file's own
 * name is followed when the link itself is owned by this user, and its target must pass the same
 * checks (a regular file of this user's, opened without following a further link). A link
 * planted by someone else, or one that points at another user's file, is refused.
 *
 * Writing: files are written whole (a temp file, fsync, rename) with mode 0600, into a directory
 * made 0700.
 *
 * Only Node built-ins are imported, and only ones the start-up compile cache (src/cli/startup),
 * which loads this file before the bundle, has loaded already or loads on first use.
 */
import {closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, readlinkSync, statSync, type Stats} from 'node:fs'
import {lstat, mkdir, open, readdir, rename, rm, unlink} from 'node:fs/promises'
import path from 'node:path'

export type PrivateFileRead =
  | {status: 'read'; data: Buffer}
  | {status: 'missing'}
  | {status: 'untrusted'; reason: string}

/** Why a file was refused, for callers whose message depends on it (the key file's chmod fix). */
export type PrivateFileProblem =
  | {kind: 'owner'; uid: number; myUid: number}
  | {kind: 'mode'; mode: number; othersCanRead: boolean}
  | {kind: 'other'}

export type PrivateFileCheck =
  | {status: 'read'; data: Buffer}
  | {status: 'missing'}
  | {status: 'untrusted'; reason: string; problem: PrivateFileProblem}

export interface PrivateReadOptions {
  /** A larger file is untrusted: nothing of ours grows that big, and the read stays bounded. */
  maxBytes: number
  /** The directory that must be private too (the caches); omitted where the file alone is checked. */
  dir?: string
  /** A secret: refused also when group or others may read it, as ssh refuses a 0644 private key. */
  secret?: boolean
  /** Follow one symbolic link at the file's name when the link is this user's (see above). */
  followOwnLink?: boolean
}

/** On systems without these flags (Windows) they are 0: there, ownership is not checked either. */
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0
const NON_BLOCKING = constants.O_NONBLOCK ?? 0

function myUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined
}

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0')
}

interface Untrusted {
  reason: string
  problem: PrivateFileProblem
}

/** Why a file or directory's owner and mode make it untrusted, or undefined when they do not. */
function ownershipProblem(stat: Stats, what: string, secret = false): Untrusted | undefined {
  const uid = myUid()
  if (uid === undefined) return undefined
  if (stat.uid !== uid) return {reason: `${what} is owned by another user (uid ${stat.uid})`, problem: {kind: 'owner', uid: stat.uid, myUid: uid}}
  if ((stat.mode & 0o022) !== 0) return {reason: `${what} can be written by others (mode ${octal(stat.mode)})`, problem: {kind: 'mode', mode: stat.mode & 0o777, othersCanRead: (stat.mode & 0o044) !== 0}}
  if (secret && (stat.mode & 0o077) !== 0) return {reason: `${what} can be read by others (mode ${octal(stat.mode)})`, problem: {kind: 'mode', mode: stat.mode & 0o777, othersCanRead: true}}
  return undefined
}

/** Whether a stat's owner and mode are this user's and private (no one else writes it). */
export function isPrivateToMe(stat: Stats): boolean {
  return ownershipProblem(stat, '') === undefined
}

function typeName(stat: Stats): string {
  if (stat.isFIFO()) return 'a FIFO'
  if (stat.isSocket()) return 'a socket'
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device'
  if (stat.isDirectory()) return 'a directory'
  if (stat.isSymbolicLink()) return 'a symbolic link'
  return 'not a regular file'
}

/**
 * Why a cache directory may not be used (read from or written to), or undefined when it may: it
 * must be a directory owned by this user that group and others cannot write (else someone else
 * could put files in it). A directory that does not exist yet is fine: it is created private.
 */
export function privateDirProblem(dir: string): string | undefined {
  let stat: Stats
  try {
    stat = statSync(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    return `the directory ${dir} cannot be read (${(error as Error).message})`
  }
  if (!stat.isDirectory()) return `${dir} is not a directory`
  return ownershipProblem(stat, `the directory ${dir}`)?.reason
}

const other = (reason: string): PrivateFileCheck => ({status: 'untrusted', reason, problem: {kind: 'other'}})

/** Opens without following a link or blocking; a number is the descriptor. */
function openNoFollow(file: string): number | 'missing' | 'link' | PrivateFileCheck {
  try {
    return openSync(file, constants.O_RDONLY | NO_FOLLOW | NON_BLOCKING)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return 'missing'
    // O_NOFOLLOW on a symbolic link: ELOOP (Linux, macOS) or EMLINK (FreeBSD).
    if (code === 'ELOOP' || code === 'EMLINK') return 'link'
    return other(`${file} cannot be opened (${(error as Error).message})`)
  }
}

/**
 * The target of a symbolic link at `file` when the link is this user's, else why not. The link is
 * looked at before and after it is read, so the target read is the one of the link checked.
 */
function ownLinkTarget(file: string): string | PrivateFileCheck {
  try {
    const before = lstatSync(file)
    const uid = myUid()
    if (uid !== undefined && before.uid !== uid) {
      return {status: 'untrusted', reason: `${file} is a symbolic link owned by another user (uid ${before.uid})`, problem: {kind: 'owner', uid: before.uid, myUid: uid}}
    }
    const target = readlinkSync(file)
    const after = lstatSync(file)
    if (!after.isSymbolicLink() || after.ino !== before.ino || after.dev !== before.dev) return other(`${file} changed while being read`)
    return path.resolve(path.dirname(file), target)
  } catch (error) {
    return other(`${file} cannot be read (${(error as Error).message})`)
  }
}

/** Reads a private file under the rules above, saying why when it is refused. */
export function checkPrivateFile(file: string, options: PrivateReadOptions): PrivateFileCheck {
  if (options.dir !== undefined) {
    const dirProblem = privateDirProblem(options.dir)
    if (dirProblem) return other(dirProblem)
  }
  let opened = openNoFollow(file)
  let shown = file
  if (opened === 'link') {
    if (!options.followOwnLink) return other(`${file} is a symbolic link`)
    const target = ownLinkTarget(file)
    if (typeof target !== 'string') return target
    shown = `${file} links to ${target}, which`
    opened = openNoFollow(target)
    // A dangling link of the user's own holds nothing yet: a save puts a file in its place.
    if (opened === 'missing') return {status: 'missing'}
    if (opened === 'link') return other(`${shown} is another symbolic link`)
  }
  if (opened === 'missing') return {status: 'missing'}
  if (typeof opened !== 'number') return opened
  const fd = opened
  try {
    const stat = fstatSync(fd)
    if (!stat.isFile()) return other(`${shown} is ${typeName(stat)}`)
    const problem = ownershipProblem(stat, shown, options.secret)
    if (problem) return {status: 'untrusted', ...problem}
    if (stat.size > options.maxBytes) return other(`${shown} is larger than any file of ours (${stat.size} bytes)`)
    return {status: 'read', data: readFileSync(fd)}
  } catch (error) {
    return other(`${shown} cannot be read (${(error as Error).message})`)
  } finally {
    closeSync(fd)
  }
}

/** checkPrivateFile for callers that only show the reason (the caches, the claims). */
export function readPrivateFile(file: string, options: PrivateReadOptions): PrivateFileRead {
  const read = checkPrivateFile(file, options)
  return read.status === 'untrusted' ? {status: 'untrusted', reason: read.reason} : read
}

/** A refusal's reason as a clause about `file` ("it is a FIFO"), for messages that name the file first. */
export function reasonAboutIt(file: string, reason: string): string {
  return reason.startsWith(`${file} `) ? `it${reason.slice(file.length)}` : reason
}

/** Calls `warn` the first time only: a run that meets an untrusted cache says so once. */
export function once(warn: (message: string) => void): (message: string) => void {
  let warned = false
  return (message) => {
    if (warned) return
    warned = true
    warn(message)
  }
}

/**
 * Creates a directory only the user can enter (0700), tightening it if it already exists. The
 * mode is changed through a handle opened with O_NOFOLLOW: when the directory is a symlink
 * (a dotfiles checkout, say), chmod would change its target, which is not ours to change.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, {recursive: true, mode: 0o700})
  let handle
  try {
    handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW)
  } catch (error) {
    // Linux answers ENOTDIR (O_DIRECTORY is checked first), others ELOOP, for a symlink here.
    const code = (error as NodeJS.ErrnoException).code
    if ((code === 'ELOOP' || code === 'ENOTDIR') && (await lstat(dir)).isSymbolicLink()) return
    throw error
  }
  try {
    await handle.chmod(0o700)
  } finally {
    await handle.close()
  }
}

/** `<target>.<pid>.<8 hex>.tmp`, the name writePrivateFileAtomic gives its temp files. */
const TEMP_NAME = /^.+\.(\d+)\.[0-9a-f]{8}\.tmp$/

/** Eight random hex digits; Web Crypto, so loading this file does not load node:crypto. */
function randomHex8(): string {
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(4)), (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** A temp file's name next to `file`, of the form sweepStaleTempFiles recognises. */
export function privateTempName(file: string, pid = process.pid): string {
  return `${file}.${pid}.${randomHex8()}.tmp`
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Removes temp files that a killed writer left behind (`kill -9` between create and rename): they
 * are 0600 but may hold an API key, and nothing else would ever remove them. A temp file is
 * stale when the process that named it is gone; one of a live process (this one included) may be
 * mid-write and is left alone. Returns the files removed.
 */
export async function sweepStaleTempFiles(dir: string): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return []
    throw error
  }
  const removed: string[] = []
  for (const name of names) {
    const match = TEMP_NAME.exec(name)
    if (!match || processIsAlive(Number(match[1]))) continue
    const file = path.join(dir, name)
    if (!(await lstat(file)).isFile()) continue
    try {
      await unlink(file)
      removed.push(file)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }
  return removed
}

/**
 * Writes a 0600 file atomically: a temp file in the same directory, fsync, then rename over the
 * target, so a crash or a full disk never leaves a half-written config behind. Temp files that an
 * earlier, killed run left in that directory are swept first.
 */
export async function writePrivateFileAtomic(file: string, content: string): Promise<void> {
  await ensurePrivateDir(path.dirname(file))
  await sweepStaleTempFiles(path.dirname(file))
  const temp = privateTempName(file)
  // 'wx' refuses to follow a planted symlink or reuse an existing file; the mode applies at creation.
  const handle = await open(temp, 'wx', 0o600)
  try {
    await handle.writeFile(content, 'utf8')
    await handle.sync()
  } catch (error) {
    await handle.close()
    await rm(temp, {force: true})
    throw error
  }
  await handle.close()
  try {
    await rename(temp, file)
  } catch (error) {
    await rm(temp, {force: true})
    throw error
  }
}
