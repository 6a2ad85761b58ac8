/**
 * Every lookup of the sandbox by an ID goes through an index: a statement that scanned its table
 * made `leases report --no-cache` over N tasks cost N² (each task's details looked up by a scan).
 * The statements are those the sandbox really prepares while it serves a scenario that looks
 * things up by ID (in the case a client may use); each is checked with EXPLAIN QUERY PLAN.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {api, startTestSandbox, type Sandbox} from '../helpers/sandbox.js'

let sb: Sandbox
const prepared = new Set<string>()

beforeAll(async () => {
  sb = await startTestSandbox({seed: 'demo'})
  const original = sb.store.prepare.bind(sb.store)
  sb.store.prepare = (sql: string) => {
    prepared.add(sql)
    return original(sql)
  }
  const sim = (await api(sb, 'POST', '/api/sandbox/simulations', {SpaceId: 'Spaces-1', Tasks: 2, Concurrency: 2, MinDurationMs: 10, MaxDurationMs: 10})).body
  await api(sb, 'POST', '/api/sandbox/seed-completed-tasks', {Count: 3, SpaceId: 'Spaces-1', StepsPerTask: 1})
  const task = sim.FirstTaskId.toLowerCase()
  for (const path of [
    `/api/tasks/${task}`, `/api/tasks/${task}/details?verbose=true`, `/api/tasks/${task}/raw`, `/api/Spaces-1/tasks/${task}`,
    `/api/tasks?ids=${task},${sim.LastTaskId}&take=10`,
    '/api/Spaces-1/workers/workers-1', '/api/Spaces-1/workerpools/workerpools-1', '/api/Spaces-1/workers/Workers-1/connection',
    '/api/spaces/spaces-1', '/api/Spaces-1/machinepolicies/machinepolicies-1',
    `/api/sandbox/simulations/${sim.Id.toLowerCase()}`,
  ]) {
    const r = await api(sb, 'GET', path)
    expect(r.status, `${path}: ${r.text.slice(0, 200)}`).toBeLessThan(500)
  }
})
afterAll(async () => sb?.close())

/** A statement that selects rows by an ID column (equality or IN). */
const BY_ID = /\b(?:id|task_id|worker_id|pool_id)\s*(?:COLLATE NOCASE\s*)?(?:=\s*\?|IN\s*\()|'\$\.Arguments\.SimulationId'\)\s*=\s*\?/i

describe('sandbox lookups by ID use an index', () => {
  it('the scenario prepared the lookups it is meant to check', () => {
    const lookups = [...prepared].filter((sql) => BY_ID.test(sql))
    for (const table of ['documents', 'tasks', 'simulations', 'task_log', 'leases']) {
      expect(lookups.some((sql) => new RegExp(`FROM ${table}\\b`).test(sql)), table).toBe(true)
    }
  })

  it('no lookup by ID scans a table', () => {
    const scans: string[] = []
    for (const sql of [...prepared].filter((s) => BY_ID.test(s))) {
      const plan = sb.store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...new Array(sql.split('?').length - 1).fill('x')) as Array<{detail: string}>
      // A scan of a table (in whatever index's order), or a search that narrows by something else
      // than the ID (e.g. only by kind: every worker read to find one), are what must not happen.
      for (const {detail} of plan) {
        const scan = /^SCAN (?!CONSTANT)/.test(detail)
        const searchNotById = /^SEARCH /.test(detail) && !/\((?:[\w.]+=\? AND )*(?:id|task_id|worker_id|pool_id|<expr>)=\?/.test(detail)
        if (scan || searchNotById) scans.push(`${detail}  <-  ${sql.replace(/\s+/g, ' ')}`)
      }
    }
    expect(scans).toEqual([])
  })
})
