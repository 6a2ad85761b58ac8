import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {ReportCache, cacheDir, type ReportCacheOptions} from '../../../src/app/leases/report-cache.js'
import type {TaskLeases} from '../../../src/app/leases/report.js'
import {tempDir} from '../../helpers/temp.js'

function options(dir: string, extra: Partial<ReportCacheOptions> = {}): ReportCacheOptions {
  return {dir, server: 'https://octopus.example.com', spaceId: 'Spaces-1', installationId: 'inst-1', producer: '1.0.0', ...extra}
}

function task(n: number, completedTime = `2026-03-01T00:${String(n % 60).padStart(2, '0')}:00.000Z`): TaskLeases {
  return {
    taskId: `ServerTasks-${n}`,
    taskType: 'Deploy',
    completedTime,
    leases: [{key: `WorkerTaskLeases-${n}`, leaseId: `WorkerTaskLeases-${n}`, workerName: `w${n}`, poolName: 'Pool A', exclusive: false, takenAt: '2026-03-01T00:00:00.000Z'}],
  }
}

const listed = (entry: TaskLeases) => ({Id: entry.taskId, Name: entry.taskType, CompletedTime: entry.completedTime})

describe('leases report cache', () => {
  it('keeps what was parsed for a later run, and only for the task as the list shows it', async () => {
    const dir = tempDir('report-cache')
    const first = await ReportCache.open(options(dir))
    expect(first.get(listed(task(1)))).toBeUndefined()
    first.set(task(1))
    first.set(task(2))
    await first.save()

    const second = await ReportCache.open(options(dir))
    expect(second.size).toBe(2)
    expect(second.get(listed(task(1)))).toEqual(task(1))
    // The same ID with another completion time or name is another task (e.g. a re-created server).
    expect(second.get({...listed(task(1)), CompletedTime: '2026-03-02T00:00:00.000Z'})).toBeUndefined()
    expect(second.get({...listed(task(1)), Name: 'Health'})).toBeUndefined()
    // The same instant written another way is the same completion.
    expect(second.get({...listed(task(1)), CompletedTime: '2026-03-01T00:01:00Z'})).toEqual(task(1))
  })

  it('keeps servers, spaces, installations and versions apart', async () => {
    const dir = tempDir('report-cache')
    const cache = await ReportCache.open(options(dir))
    cache.set(task(1))
    await cache.save()
    for (const other of [{server: 'https://other.example.com'}, {spaceId: 'Spaces-2'}, {installationId: 'inst-2'}, {installationId: undefined}, {producer: '1.0.1'}]) {
      expect((await ReportCache.open(options(dir, other))).get(listed(task(1))), JSON.stringify(other)).toBeUndefined()
    }
    expect((await ReportCache.open(options(dir))).get(listed(task(1)))).toEqual(task(1))
  })

  it('ignores a corrupt or foreign file, and replaces it on the next save', async () => {
    const dir = tempDir('report-cache')
    const cache = await ReportCache.open(options(dir))
    cache.set(task(1))
    await cache.save()
    for (const junk of ['{"format":1,"tasks":', 'null', '[]', '{"format":99,"server":"https://octopus.example.com","spaceId":"Spaces-1","producer":"1.0.0","tasks":{}}']) {
      writeFileSync(cache.file, junk)
      const reopened = await ReportCache.open(options(dir))
      expect(reopened.size, junk).toBe(0)
    }
    const reopened = await ReportCache.open(options(dir))
    reopened.set(task(3))
    await reopened.save()
    expect((await ReportCache.open(options(dir))).get(listed(task(3)))).toEqual(task(3))
  })

  it('drops entries of the wrong shape and keeps the rest', async () => {
    const dir = tempDir('report-cache')
    const cache = await ReportCache.open(options(dir))
    cache.set(task(1))
    cache.set(task(2))
    await cache.save()
    const doc = JSON.parse(readFileSync(cache.file, 'utf8'))
    doc.tasks['ServerTasks-2'].leases = [{key: 'x'}]
    doc.tasks['ServerTasks-9'] = {taskId: 'ServerTasks-8', taskType: 'Deploy', completedTime: '2026-03-01T00:00:00Z', leases: []}
    writeFileSync(cache.file, JSON.stringify(doc))
    const reopened = await ReportCache.open(options(dir))
    expect(reopened.size).toBe(1)
    expect(reopened.get(listed(task(1)))).toEqual(task(1))
  })

  it('is bounded: beyond maxTasks the oldest completions go first', async () => {
    const dir = tempDir('report-cache')
    const cache = await ReportCache.open(options(dir, {maxTasks: 3}))
    for (let n = 1; n <= 5; n++) cache.set(task(n, new Date(Date.UTC(2026, 2, n)).toISOString()))
    await cache.save()
    const reopened = await ReportCache.open(options(dir, {maxTasks: 3}))
    expect(reopened.size).toBe(3)
    expect([1, 2, 3, 4, 5].filter((n) => reopened.get(listed(task(n, new Date(Date.UTC(2026, 2, n)).toISOString()))))).toEqual([3, 4, 5])
  })

  it('two runs saving at once keep each other\'s tasks and leave one whole file', async () => {
    const dir = tempDir('report-cache')
    const a = await ReportCache.open(options(dir))
    const b = await ReportCache.open(options(dir))
    for (let n = 1; n <= 200; n++) a.set(task(n))
    for (let n = 201; n <= 400; n++) b.set(task(n))
    await Promise.all([a.save(), b.save()])
    const after = await ReportCache.open(options(dir))
    // Whichever rename came last holds its own tasks and all that the other had written before it read.
    expect(after.size).toBeGreaterThanOrEqual(200)
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
    // And a later save from either merges with what is there.
    a.set(task(401))
    await a.save()
    b.set(task(402))
    await b.save()
    const last = await ReportCache.open(options(dir))
    expect(last.get(listed(task(401)))).toBeDefined()
    expect(last.get(listed(task(402)))).toBeDefined()
  })

  it('saving nothing new writes nothing', async () => {
    const dir = tempDir('report-cache')
    const cache = await ReportCache.open(options(dir))
    await cache.save()
    expect(readdirSync(dir)).toEqual([])
  })

  it('lives under XDG_CACHE_HOME, else ~/.cache', () => {
    expect(cacheDir({XDG_CACHE_HOME: '/xdg/cache', HOME: '/home/u'})).toBe(path.join('/xdg/cache', 'octoworkers'))
    expect(cacheDir({XDG_CACHE_HOME: '', HOME: '/home/u'})).toBe(path.join('/home/u', '.cache', 'octoworkers'))
    // A relative XDG_CACHE_HOME is invalid by the spec and ignored.
    expect(cacheDir({XDG_CACHE_HOME: 'relative', HOME: '/home/u'})).toBe(path.join('/home/u', '.cache', 'octoworkers'))
  })
})
