/**
 * A local cache of what `leases report` parsed from completed tasks' logs, so that a report over a
 * window it has mostly seen reads only the logs of tasks it has not seen (docs/ARCHITECTURE.md §6:
 * cost grows with new work only).
 *
 * A completed task's log never changes, so its lease records are kept, not the log: one JSON file
 * per server and space under `$XDG_CACHE_HOME/octoworkers/` (else `~/.cache/octoworkers/`).
 * - A cached task is used only if the task list still shows it with the same completion time and
 *   name; the file is used only if it was written for the same server, space and server
 *   installation (a sandbox re-created on the same port is another server) and by the same
 *   octoworkers version (a newer parser may read a log differently).
 * - Bounded: at most `maxTasks` tasks per server and space (default 250,000, about 50 MB), the
 *   oldest completions dropped first.
 * - Safe under concurrent runs: written to a temporary file and renamed over the old one, so a
 *   reader sees a whole old or whole new file; before writing, the file is read again and merged,
 *   so two reports running at once keep each other's tasks (at worst one misses a few of the
 *   other's, which only costs a re-read next time).
 * - A file that cannot be read or parsed, or has the wrong shape, is ignored (and replaced).
 * - Trusted only as src/config/private-file.ts says (a regular file of this user's that no one else
 *   can write, in a directory likewise): anything else is ignored with one warning, so a planted
 *   file cannot put leases on a worker, nor a FIFO hang the report. A planted file in a directory
 *   of ours is replaced by the next save; nothing is written into a directory that is not ours.
 */
import {createHash, randomBytes} from 'node:crypto'
import {mkdir, rename, rm, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {privateDirProblem, readPrivateFile} from '../../config/private-file.js'
import type {LoggedLease} from '../../domain/leases/parse.js'
import type {TaskLeases} from './report.js'

/** Bumped when what is stored changes shape (2: leases carry their mutex waits; 3: and their step's wait for a worker). */
const FORMAT = 3
export const DEFAULT_MAX_CACHED_TASKS = 250_000
/** Far above what DEFAULT_MAX_CACHED_TASKS takes (about 50 MB): a bigger file is no cache of ours. */
const MAX_CACHE_FILE_BYTES = 512 * 1024 * 1024

export {cacheDir} from '../../config/cache-dir.js'

export interface ReportCacheKey {
  /** Normalized server URL. */
  server: string
  spaceId: string
  /** The server's InstallationId from its root document, when it gives one. */
  installationId?: string
  /** The octoworkers version writing the file. */
  producer: string
}

export interface ReportCacheOptions extends ReportCacheKey {
  dir: string
  maxTasks?: number
  /** Told once why the cache is not used (a file or directory someone else could have written). */
  onUntrusted?: (reason: string) => void
}

/** What the task list says about a task: a cached entry is used only while this matches. */
export interface TaskIdentity {
  Id: string
  Name: string
  CompletedTime?: string | null
}

interface CacheFile extends ReportCacheKey {
  format: number
  tasks: Record<string, TaskLeases>
}

export class ReportCache {
  private entries = new Map<string, TaskLeases>()
  private added = new Map<string, TaskLeases>()
  /** Why the file or its directory is not trusted, once seen (told once). */
  private untrusted: string | undefined
  readonly file: string

  private constructor(private readonly options: ReportCacheOptions) {
    const digest = createHash('sha256').update(`${options.server}\n${options.spaceId}`).digest('hex').slice(0, 16)
    this.file = path.join(options.dir, `leases-${options.spaceId.replace(/[^\w.-]/g, '_')}-${digest}.json`)
  }

  /** Opens the cache for one server and space; a missing or unusable file gives an empty cache. */
  static async open(options: ReportCacheOptions): Promise<ReportCache> {
    const cache = new ReportCache(options)
    cache.entries = await cache.read()
    return cache
  }

  get size(): number {
    return this.entries.size
  }

  /** The cached leases of a completed task, if the task list still shows it as it was cached. */
  get(task: TaskIdentity): TaskLeases | undefined {
    const entry = this.entries.get(task.Id)
    if (!entry || entry.taskType !== task.Name) return undefined
    if (task.CompletedTime && Date.parse(task.CompletedTime) !== Date.parse(entry.completedTime)) return undefined
    return entry
  }

  /** Records a completed task's leases, to be written by save(). */
  set(entry: TaskLeases): void {
    this.entries.set(entry.taskId, entry)
    this.added.set(entry.taskId, entry)
  }

  /** Writes the tasks added since open (merged with what another run may have written meanwhile). */
  async save(): Promise<void> {
    if (this.added.size === 0) return
    await mkdir(this.options.dir, {recursive: true, mode: 0o700})
    // Into a directory others can write, a cache would be as untrusted as what it replaced.
    const dirProblem = privateDirProblem(this.options.dir)
    if (dirProblem) return this.distrust(dirProblem)
    const merged = await this.read()
    for (const [id, entry] of this.added) merged.set(id, entry)
    const kept = newestFirst(merged, this.options.maxTasks ?? DEFAULT_MAX_CACHED_TASKS)
    const doc: CacheFile = {
      format: FORMAT,
      server: this.options.server,
      spaceId: this.options.spaceId,
      installationId: this.options.installationId,
      producer: this.options.producer,
      tasks: Object.fromEntries(kept.map((entry) => [entry.taskId, entry])),
    }
    const temp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
    try {
      await writeFile(temp, JSON.stringify(doc), {mode: 0o600, flag: 'wx'})
      await rename(temp, this.file)
    } catch (error) {
      await rm(temp, {force: true})
      throw error
    }
    this.entries = new Map(kept.map((entry) => [entry.taskId, entry]))
    this.added.clear()
  }

  private distrust(reason: string): void {
    if (this.untrusted === undefined) this.options.onUntrusted?.(reason)
    this.untrusted = reason
  }

  private async read(): Promise<Map<string, TaskLeases>> {
    const read = readPrivateFile(this.file, {dir: this.options.dir, maxBytes: MAX_CACHE_FILE_BYTES})
    if (read.status === 'untrusted') this.distrust(read.reason)
    if (read.status !== 'read') return new Map()
    let doc: unknown
    try {
      doc = JSON.parse(read.data.toString('utf8'))
    } catch {
      return new Map()
    }
    if (!isCacheFile(doc)) return new Map()
    const {server, spaceId, installationId, producer} = this.options
    if (doc.server !== server || doc.spaceId !== spaceId || doc.producer !== producer || (doc.installationId ?? undefined) !== installationId) return new Map()
    const entries = new Map<string, TaskLeases>()
    for (const [id, entry] of Object.entries(doc.tasks)) if (isTaskLeases(entry) && entry.taskId === id) entries.set(id, entry)
    return entries
  }
}

function newestFirst(entries: Map<string, TaskLeases>, max: number): TaskLeases[] {
  const all = [...entries.values()]
  if (all.length <= max) return all
  return all.sort((a, b) => Date.parse(b.completedTime) - Date.parse(a.completedTime)).slice(0, Math.max(0, max))
}

function isCacheFile(doc: unknown): doc is CacheFile {
  if (!doc || typeof doc !== 'object') return false
  const d = doc as Partial<CacheFile>
  return d.format === FORMAT && typeof d.server === 'string' && typeof d.spaceId === 'string' && typeof d.producer === 'string' && Boolean(d.tasks) && typeof d.tasks === 'object' && !Array.isArray(d.tasks)
}

function isTaskLeases(entry: unknown): entry is TaskLeases {
  if (!entry || typeof entry !== 'object') return false
  const e = entry as Partial<TaskLeases>
  return typeof e.taskId === 'string' && typeof e.taskType === 'string' && typeof e.completedTime === 'string' && !Number.isNaN(Date.parse(e.completedTime)) && Array.isArray(e.leases) && e.leases.every(isLoggedLease)
}

function isLoggedLease(lease: unknown): lease is LoggedLease {
  if (!lease || typeof lease !== 'object') return false
  const l = lease as Partial<LoggedLease>
  return typeof l.key === 'string' && typeof l.workerName === 'string' && typeof l.poolName === 'string' && typeof l.takenAt === 'string' && typeof l.exclusive === 'boolean'
}
