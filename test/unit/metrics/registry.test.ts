import {describe, expect, it} from 'vitest'
import {renderMetrics} from '../../../src/app/metrics/registry.js'
import {fixtureState} from './fixtures.js'

/** `name{labels} value` lines, without HELP/TYPE. */
function samples(text: string): Map<string, number> {
  return new Map(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
    const at = l.lastIndexOf(' ')
    return [l.slice(0, at), Number(l.slice(at + 1))]
  }))
}

describe('the metrics page', () => {
  it('exports each pool\'s workers, availability, floor, leases and the counters', async () => {
    const {text, contentType} = await renderMetrics(fixtureState())
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/)
    const s = samples(text)
    const linux = 'space="Production",worker_pool="Linux \\"workers\\""'
    const windows = 'space="Production",worker_pool="Windows workers"'
    expect(s.get('octoworkers_up')).toBe(1)
    expect(s.get(`octoworkers_pool_workers{${linux},health="Healthy"}`)).toBe(1)
    expect(s.get(`octoworkers_pool_workers{${linux},health="HasWarnings"}`)).toBe(1)
    expect(s.get(`octoworkers_pool_available_workers{${linux}}`)).toBe(2)
    expect(s.get(`octoworkers_pool_floor_workers{${linux}}`)).toBe(2)
    expect(s.get(`octoworkers_pool_floor_met{${linux}}`)).toBe(1)
    expect(s.get(`octoworkers_pool_disabled_workers{${windows}}`)).toBe(1)
    expect(s.get(`octoworkers_pool_available_workers{${windows}}`)).toBe(0)
    expect(s.get(`octoworkers_pool_floor_met{${windows}}`)).toBe(0)
    // A dynamic pool has no registered workers and no floor.
    expect(s.has('octoworkers_pool_floor_met{space="Production",worker_pool="Hosted Ubuntu"}')).toBe(false)
    expect(s.get('octoworkers_pool_uses_builtin_worker{space="Production",worker_pool="Default Worker Pool"}')).toBe(1)
    expect(s.get('octoworkers_builtin_worker_enabled')).toBe(1)
    expect(s.get(`octoworkers_pool_active_leases{${linux}}`)).toBe(2)
    expect(s.get(`octoworkers_pool_leased_workers{${linux}}`)).toBe(1)
    expect(s.get('octoworkers_worker_active_leases{space="Production",worker="linux-a"}')).toBe(2)
    expect(s.get('octoworkers_worker_active_leases{space="Production",worker="linux-b"}')).toBe(0)
    expect(s.get(`octoworkers_pool_leases_granted_total{${linux}}`)).toBe(7)
    expect(s.get(`octoworkers_pool_lease_seconds_total{${linux}}`)).toBe(12.5)
    expect(s.get(`octoworkers_pool_mutex_wait_seconds_total{${linux}}`)).toBe(4.25)
    expect(s.get('octoworkers_check_findings{rule="redundancy/min-workers",severity="error"}')).toBeGreaterThan(0)
    expect(s.get('octoworkers_build_info{version="1.2.3",nodejs_version="20.0.0"}')).toBe(1)
    expect(s.get('octoworkers_scrape_duration_seconds')).toBe(0.25)
  })

  it('follows Prometheus\'s naming rules: one prefix, _total only on counters, bounded label names', async () => {
    const {text} = await renderMetrics(fixtureState())
    const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => ({name: m[1], type: m[2]}))
    expect(types.length).toBeGreaterThan(10)
    for (const {name, type} of types) {
      expect(name).toMatch(/^octoworkers_[a-z_]+$/)
      expect(name.endsWith('_total'), name).toBe(type === 'counter')
    }
    // Every counter in base units: seconds, never milliseconds.
    expect(types.filter((t) => t.type === 'counter').map((t) => t.name).sort()).toEqual([
      'octoworkers_pool_lease_seconds_total', 'octoworkers_pool_leases_granted_total', 'octoworkers_pool_mutex_wait_seconds_total',
    ])
    expect(text).not.toMatch(/^# TYPE \S*(_ms|milliseconds)\S* /m)
    const labelNames = new Set([...text.matchAll(/[{,]([a-z_]+)="/g)].map((m) => m[1]))
    expect([...labelNames].sort()).toEqual(['health', 'nodejs_version', 'rule', 'severity', 'space', 'version', 'worker', 'worker_pool'])
    // No task or lease IDs in any label value.
    expect(text).not.toMatch(/ServerTasks-|WorkerTaskLeases-/)
  })

  it('says octoworkers_up 0 and leaves the estate out when the last read failed, keeping the counters and their labels', async () => {
    const {text} = await renderMetrics(fixtureState({reading: undefined}))
    const s = samples(text)
    expect(s.get('octoworkers_up')).toBe(0)
    expect([...s.keys()].some((k) => k.startsWith('octoworkers_pool_available_workers'))).toBe(false)
    expect(s.get('octoworkers_pool_leases_granted_total{space="Production",worker_pool="Linux \\"workers\\""}')).toBe(7)
    expect(s.get('octoworkers_pool_mutex_wait_seconds_total{space="Production",worker_pool="Linux \\"workers\\""}')).toBe(4.25)
  })
})
