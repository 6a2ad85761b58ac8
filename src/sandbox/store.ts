import {chmodSync, closeSync, constants as fsConstants, existsSync, lstatSync, openSync, statSync} from 'node:fs'
import type BetterSqlite3 from 'better-sqlite3'

export type Db = BetterSqlite3.Database

/** Kinds of resource documents kept in the `documents` table, with their Octopus ID prefix. */
export const ID_PREFIX = {
  Space: 'Spaces',
  WorkerPool: 'WorkerPools',
  Worker: 'Workers',
  MachinePolicy: 'MachinePolicies',
  Account: 'Accounts',
  Proxy: 'Proxies',
  Machine: 'Machines',
  ServerNode: 'OctopusServerNodes',
  Environment: 'Environments',
} as const
export type DocKind = keyof typeof ID_PREFIX

export interface DocRow {
  id: string
  kind: DocKind
  space_id: string | null
  name: string
  sort_order: number
  num: number
  json: string
}

/**
 * IDs are matched case-insensitively, as Octopus does (`workers-1` finds `Workers-1`), and a
 * `COLLATE NOCASE` comparison cannot use a primary key (BINARY): every table looked up by ID has
 * an index in NOCASE order too, or each lookup would scan the table (a report over N tasks looks
 * each up: N²). The simulation's tasks are found through an index on the simulation ID in their
 * arguments. test/sandbox/lookup-plans.test.ts checks the query plan of every lookup.
 *
 * Durability: WAL with synchronous=NORMAL survives a killed *process* (every committed transaction
 * is in the WAL file, which the OS keeps after the process dies); it can lose the last commits
 * only on power loss or an OS crash. `kill -9` is the failure the sandbox promises to survive,
 * and NORMAL keeps write bursts fast, so that is the choice.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (kind TEXT PRIMARY KEY, next INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  space_id TEXT,
  name TEXT NOT NULL,
  sort_order INTEGER NOT NULL DEFAULT 0,
  num INTEGER NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_by_kind ON documents(kind, space_id, num);
CREATE INDEX IF NOT EXISTS documents_by_name ON documents(kind, space_id, name COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS pool_members (
  worker_id TEXT NOT NULL,
  pool_id TEXT NOT NULL,
  PRIMARY KEY (pool_id, worker_id)
);
CREATE INDEX IF NOT EXISTS pool_members_by_worker ON pool_members(worker_id);
CREATE TABLE IF NOT EXISTS tasks (
  id TEXT PRIMARY KEY,
  num INTEGER NOT NULL,
  space_id TEXT,
  name TEXT NOT NULL,
  state TEXT NOT NULL,
  completed_time TEXT,
  json TEXT NOT NULL,
  activities TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_by_num ON tasks(num);
CREATE INDEX IF NOT EXISTS tasks_by_state ON tasks(state);
CREATE TABLE IF NOT EXISTS task_log (
  task_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  activity_id TEXT NOT NULL,
  category TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  message TEXT NOT NULL,
  PRIMARY KEY (task_id, seq)
);
CREATE TABLE IF NOT EXISTS leases (
  num INTEGER PRIMARY KEY,
  space_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  worker_id TEXT NOT NULL,
  worker_name TEXT NOT NULL,
  pool_id TEXT NOT NULL,
  pool_name TEXT NOT NULL,
  exclusive INTEGER NOT NULL,
  taken_at TEXT NOT NULL,
  grant_seq INTEGER NOT NULL,
  released_at TEXT,
  release_seq INTEGER,
  release_reason TEXT
);
CREATE INDEX IF NOT EXISTS leases_active ON leases(worker_id) WHERE released_at IS NULL;
CREATE INDEX IF NOT EXISTS leases_by_task ON leases(task_id);
CREATE TABLE IF NOT EXISTS simulations (id TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS documents_by_id_nocase ON documents(id COLLATE NOCASE, kind);
CREATE INDEX IF NOT EXISTS tasks_by_id_nocase ON tasks(id COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS simulations_by_id_nocase ON simulations(id COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS tasks_by_simulation ON tasks(json_extract(json, '$.Arguments.SimulationId'));
`

export async function openDatabase(file: string): Promise<Db> {
  // Lazy: only the sandbox needs the native module, and other commands must work without it.
  let Database: typeof BetterSqlite3
  try {
    Database = (await import('better-sqlite3')).default
  } catch (error) {
    throw new Error(`the SQLite module (better-sqlite3) could not be loaded: ${(error as Error).message.split('\n')[0]}. Reinstall with \`npm install\` on this machine so the native module is built for Node ${process.versions.node}.`)
  }
  if (file !== ':memory:') createPrivately(file)
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = OFF')
  // Reads of whole collections (workers/all) should come from memory, not the OS page cache.
  db.pragma('cache_size = -65536')
  db.pragma('mmap_size = 268435456')
  db.exec(SCHEMA)
  return db
}

/**
 * The data file holds the sandbox's API keys, so it is created 0600 before SQLite opens it (SQLite
 * gives the -wal and -shm files the mode of the database file), and a file left readable by others
 * is tightened. `O_NOFOLLOW` on creation: a planted symlink is not followed into someone else's file.
 */
function createPrivately(file: string): void {
  try {
    closeSync(openSync(file, fsConstants.O_RDWR | fsConstants.O_CREAT | fsConstants.O_NOFOLLOW, 0o600))
  } catch (error) {
    // ELOOP: the path is a symlink; SQLite opens it as the user asked, but its mode is not ours to change.
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') return
    throw error
  }
  for (const part of [file, `${file}-wal`, `${file}-shm`]) {
    if (!existsSync(part) || lstatSync(part).isSymbolicLink()) continue
    const mode = statSync(part).mode & 0o777
    if (mode & 0o077) chmodSync(part, mode & 0o700)
  }
}

/** Typed, prepared access to the tables. One instance per open database. */
export class Store {
  private readonly statements = new Map<string, BetterSqlite3.Statement>()
  /**
   * Committed JSON texts of whole collections (kind + space + order), so `/workers/all` of 2,000
   * workers is one string join. Any write of that kind drops them; reads inside a transaction
   * never fill it, so it can only hold committed data.
   */
  private readonly collectionCache = new Map<string, string[]>()

  constructor(readonly db: Db) {}

  prepare(sql: string): BetterSqlite3.Statement {
    let statement = this.statements.get(sql)
    if (!statement) {
      statement = this.db.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }

  getMeta(key: string): string | undefined {
    return (this.prepare('SELECT value FROM meta WHERE key = ?').get(key) as {value: string} | undefined)?.value
  }

  setMeta(key: string, value: string): void {
    this.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value)
  }

  /** Next number for an ID sequence such as `Workers` (never reused, like Octopus). */
  nextNumber(kind: string): number {
    const row = this.prepare('SELECT next FROM counters WHERE kind = ?').get(kind) as {next: number} | undefined
    const next = row?.next ?? 1
    this.prepare('INSERT INTO counters (kind, next) VALUES (?, ?) ON CONFLICT(kind) DO UPDATE SET next = excluded.next').run(kind, next + 1)
    return next
  }

  nextId(kind: DocKind): {id: string; num: number} {
    const num = this.nextNumber(ID_PREFIX[kind])
    return {id: `${ID_PREFIX[kind]}-${num}`, num}
  }

  getDoc(kind: DocKind, id: string): DocRow | undefined {
    return this.prepare('SELECT * FROM documents WHERE id = ? COLLATE NOCASE AND kind = ?').get(id, kind) as DocRow | undefined
  }

  getParsed<T = any>(kind: DocKind, id: string): T | undefined {
    const row = this.getDoc(kind, id)
    return row ? (JSON.parse(row.json) as T) : undefined
  }

  /** Rows of a kind in a space (or global when spaceId is null), ordered by sort order then ID number. */
  listDocs(kind: DocKind, spaceId: string | null): DocRow[] {
    if (spaceId === null) return this.prepare('SELECT * FROM documents WHERE kind = ? ORDER BY sort_order, num').all(kind) as DocRow[]
    return this.prepare('SELECT * FROM documents WHERE kind = ? AND space_id = ? ORDER BY sort_order, num').all(kind, spaceId) as DocRow[]
  }

  /** Only the stored JSON texts, for endpoints that answer by concatenation. */
  listJson(kind: DocKind, spaceId: string, orderByName = false): string[] {
    const key = `${kind}|${spaceId}|${orderByName}`
    const cached = this.collectionCache.get(key)
    if (cached) return cached
    const order = orderByName ? 'name COLLATE NOCASE, num' : 'sort_order, num'
    const texts = this.prepare(`SELECT json FROM documents WHERE kind = ? AND space_id = ? ORDER BY ${order}`).pluck().all(kind, spaceId) as string[]
    if (!this.db.inTransaction) this.collectionCache.set(key, texts)
    return texts
  }

  private invalidate(kind: string): void {
    for (const key of this.collectionCache.keys()) if (key.startsWith(`${kind}|`)) this.collectionCache.delete(key)
  }

  findByName(kind: DocKind, spaceId: string | null, name: string): DocRow | undefined {
    if (spaceId === null) return this.prepare('SELECT * FROM documents WHERE kind = ? AND name = ? COLLATE NOCASE').get(kind, name) as DocRow | undefined
    return this.prepare('SELECT * FROM documents WHERE kind = ? AND space_id = ? AND name = ? COLLATE NOCASE').get(kind, spaceId, name) as DocRow | undefined
  }

  putDoc<T extends {Id: string; Name: string; SpaceId?: string | null; SortOrder?: number}>(kind: DocKind, doc: T, num?: number): void {
    const n = num ?? Number(doc.Id.split('-').pop())
    this.prepare(`INSERT INTO documents (id, kind, space_id, name, sort_order, num, json) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(id) DO UPDATE SET name = excluded.name, sort_order = excluded.sort_order, json = excluded.json, space_id = excluded.space_id`)
      .run(doc.Id, kind, doc.SpaceId ?? null, doc.Name, doc.SortOrder ?? 0, n, JSON.stringify(doc))
    this.invalidate(kind)
  }

  deleteDoc(id: string): void {
    const kind = this.prepare('SELECT kind FROM documents WHERE id = ?').pluck().get(id) as string | undefined
    if (kind) this.invalidate(kind)
    this.prepare('DELETE FROM documents WHERE id = ?').run(id)
    this.prepare('DELETE FROM pool_members WHERE worker_id = ? OR pool_id = ?').run(id, id)
  }

  setPoolMembers(workerId: string, poolIds: string[]): void {
    this.prepare('DELETE FROM pool_members WHERE worker_id = ?').run(workerId)
    const insert = this.prepare('INSERT OR IGNORE INTO pool_members (worker_id, pool_id) VALUES (?, ?)')
    for (const poolId of poolIds) insert.run(workerId, poolId)
  }

  poolWorkerIds(poolId: string): string[] {
    return this.prepare('SELECT worker_id FROM pool_members WHERE pool_id = ?').pluck().all(poolId) as string[]
  }

  poolWorkerCount(poolId: string): number {
    return this.prepare('SELECT COUNT(*) FROM pool_members WHERE pool_id = ?').pluck().get(poolId) as number
  }
}
