/**
 * The rules for every file this tool keeps for itself on disk (the lease cache, the compile cache):
 * a cache is read only if no one else could have written it. Whoever can write the compile cache
 * chooses code this process runs, and whoever can write the lease cache chooses what
 * `leases report` says; a FIFO in its place would hang the command at its first read.
 *
 * A cache file is trusted when it is a regular file (not a symbolic link, FIFO, device...), owned
 * by this user and not writable by group or others, in a directory owned by this user that group
 * and others cannot write. The file is opened without following a link and without blocking
 * (a FIFO opens at once), and its type and owner are checked on the open descriptor, so nothing
 * can be swapped in between the check and the read. Anything else is "untrusted", with a reason
 * the caller shows once; a missing file is simply missing.
 *
 * Kept free of other imports: the compile cache loads it before the bundle (src/lib/startup).
 */
import {closeSync, constants, fstatSync, openSync, readFileSync, statSync, type Stats} from 'node:fs'

export type PrivateFileRead =
  | {status: 'read'; data: Buffer}
  | {status: 'missing'}
  | {status: 'untrusted'; reason: string}

/** On systems without these flags (Windows) they are 0: there, ownership is not checked either. */
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0
const NON_BLOCKING = constants.O_NONBLOCK ?? 0

function myUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined
}

/** Why a file or directory's owner and mode make it untrusted, or undefined when they do not. */
function ownershipProblem(stat: Stats, what: string): string | undefined {
  const uid = myUid()
  if (uid === undefined) return undefined
  if (stat.uid !== uid) return `${what} is owned by another user (uid ${stat.uid})`
  if ((stat.mode & 0o022) !== 0) return `${what} can be written by others (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')})`
  return undefined
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
  return ownershipProblem(stat, `the directory ${dir}`)
}

/**
 * Reads a cache file under the rules above. `maxBytes` bounds what is read (a larger file is
 * untrusted: no cache of ours grows that big).
 */
export function readPrivateFile(file: string, options: {maxBytes: number; dir: string}): PrivateFileRead {
  const dirProblem = privateDirProblem(options.dir)
  if (dirProblem) return {status: 'untrusted', reason: dirProblem}
  let fd: number
  try {
    fd = openSync(file, constants.O_RDONLY | NO_FOLLOW | NON_BLOCKING)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return {status: 'missing'}
    // O_NOFOLLOW on a symbolic link: ELOOP (Linux, macOS) or EMLINK (FreeBSD).
    if (code === 'ELOOP' || code === 'EMLINK') return {status: 'untrusted', reason: `${file} is a symbolic link`}
    return {status: 'untrusted', reason: `${file} cannot be opened (${(error as Error).message})`}
  }
  try {
    const stat = fstatSync(fd)
    if (!stat.isFile()) return {status: 'untrusted', reason: `${file} is ${typeName(stat)}`}
    const problem = ownershipProblem(stat, file)
    if (problem) return {status: 'untrusted', reason: problem}
    if (stat.size > options.maxBytes) return {status: 'untrusted', reason: `${file} is larger than any cache of ours (${stat.size} bytes)`}
    return {status: 'read', data: readFileSync(fd)}
  } catch (error) {
    return {status: 'untrusted', reason: `${file} cannot be read (${(error as Error).message})`}
  } finally {
    closeSync(fd)
  }
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
