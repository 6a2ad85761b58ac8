import {randomBytes} from 'node:crypto'
import {constants as fsConstants} from 'node:fs'
import {lstat, mkdir, open, readdir, rename, rm, unlink} from 'node:fs/promises'
import path from 'node:path'

/**
 * Creates a directory only the user can enter (0700), tightening it if it already exists. The
 * mode is changed through a handle opened with O_NOFOLLOW: when the directory is a symlink
 * (a dotfiles checkout, say), chmod would change its target, which is not ours to change.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, {recursive: true, mode: 0o700})
  let handle
  try {
    handle = await open(dir, fsConstants.O_RDONLY | fsConstants.O_DIRECTORY | fsConstants.O_NOFOLLOW)
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
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
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
