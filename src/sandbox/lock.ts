/**
 * One sandbox per data file. Two servers over one SQLite file would each keep their own task
 * engine, timers and caches over the same rows: writes through one are not seen by the other,
 * and both "recover" the other's running tasks. So a sandbox holds a lock file beside its data
 * file (`<data>.lock`, holding its PID and URL) while it serves it, and a second start on the
 * same file is refused, naming the one that runs.
 *
 * The lock file appears whole and atomically (written under a temporary name, then hard-linked
 * into place, which fails if it exists). A lock whose PID is no longer running is stale (the
 * sandbox was killed, e.g. `kill -9`) and is taken over: it is first renamed away, so that of two
 * starts that both found it stale only one takes it. A PID reused by an unrelated process keeps
 * the lock held; the refusal names the lock file, to be removed by hand in that case.
 */
import {randomBytes} from 'node:crypto'
import {linkSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'

export interface LockHolder {
  Pid: number
  /** Null while the holder is still starting (its port is not known yet). */
  Url: string | null
  StartedAt: string
}

/** The data file is served by another sandbox that is running. */
export class DataFileInUseError extends Error {
  readonly code = 'data-file-in-use'
  constructor(readonly dataFile: string, readonly lockFile: string, readonly holder: LockHolder) {
    super(`the data file ${dataFile} is in use by the sandbox ${holder.Url ? `at ${holder.Url}` : '(still starting)'}, PID ${holder.Pid}`)
  }
}

export interface DataFileLock {
  readonly lockFile: string
  /** Records the URL once the server listens, for the message a second start gets. */
  setUrl(url: string): void
  /** Removes the lock file, if it is still this process's. */
  release(): void
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>
    if (typeof doc.Pid === 'number' && Number.isInteger(doc.Pid) && doc.Pid > 0) return {Pid: doc.Pid, Url: typeof doc.Url === 'string' ? doc.Url : null, StartedAt: String(doc.StartedAt ?? '')}
  } catch {
    // Unreadable or not ours: treated as no holder (below).
  }
  return undefined
}

/** Writes `holder` to `target` whole: a temporary file, then `place(temporary)`. */
function writeWhole(target: string, holder: LockHolder, place: (temporary: string) => void): void {
  const temporary = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  writeFileSync(temporary, JSON.stringify(holder) + '\n', {mode: 0o600, flag: 'wx'})
  try {
    place(temporary)
  } finally {
    rmSync(temporary, {force: true})
  }
}

/** Takes the lock of `dataFile` for this process, or throws DataFileInUseError naming the holder. */
export function lockDataFile(dataFile: string): DataFileLock {
  const lockFile = `${dataFile}.lock`
  const mine: LockHolder = {Pid: process.pid, Url: null, StartedAt: new Date().toISOString()}
  for (let attempt = 0; ; attempt++) {
    try {
      writeWhole(lockFile, mine, (temporary) => linkSync(temporary, lockFile))
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error
    }
    const holder = readHolder(lockFile)
    if (holder && isRunning(holder.Pid)) throw new DataFileInUseError(dataFile, lockFile, holder)
    // Stale (its process is gone) or unreadable: move it away, and check that what was moved is
    // the stale lock and not one another start has just taken in its place.
    const moved = `${lockFile}.stale.${process.pid}.${randomBytes(4).toString('hex')}`
    try {
      renameSync(lockFile, moved)
    } catch {
      continue // Gone already: another start took it over; try again.
    }
    const movedHolder = readHolder(moved)
    if (movedHolder && isRunning(movedHolder.Pid)) {
      try {
        linkSync(moved, lockFile)
      } catch {
        // A third start took the lock meanwhile: it is the holder now.
      }
      rmSync(moved, {force: true})
      throw new DataFileInUseError(dataFile, lockFile, movedHolder)
    }
    rmSync(moved, {force: true})
  }
  let released = false
  return {
    lockFile,
    setUrl(url) {
      mine.Url = url
      writeWhole(lockFile, mine, (temporary) => renameSync(temporary, lockFile))
    },
    release() {
      if (released) return
      released = true
      if (readHolder(lockFile)?.Pid === process.pid) rmSync(lockFile, {force: true})
    },
  }
}
