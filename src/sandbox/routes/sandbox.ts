import type {FaultInjector} from '../faults.js'
import {queryDateTime, queryValue} from '../http.js'
import {leaseHistory, leaseHistoryItem} from '../model/leases.js'
import {seedCompletedTasks} from '../model/simulations.js'
import type {Route} from '../router.js'
import {Fields} from '../validate.js'

/** Endpoints that exist only on the sandbox (all under /api/sandbox/; a real Octopus 404s them). */
export function sandboxRoutes(faults: FaultInjector, dataFile: string): Route[] {
  return [
    {method: 'GET', path: 'info', scope: 'sandbox', handler: (req) => ({json: {Sandbox: true, OctopusVersion: req.ctx.version, DataFile: dataFile, Seed: req.ctx.store.getMeta('seed') ?? null}})},
    {method: 'POST', path: 'simulations', scope: 'sandbox', handler: (req) => {
      const sim = req.ctx.simulations.create(req.spaceId, req.body())
      return {status: 201, json: req.ctx.simulations.get(sim.Id)}
    }},
    {method: 'GET', path: 'simulations/{id}', scope: 'sandbox', handler: (req) => ({json: req.ctx.simulations.get(req.params.id)})},
    {method: 'POST', path: 'simulations/{id}/cancel', scope: 'sandbox', handler: (req) => ({json: req.ctx.simulations.cancel(req.params.id)})},
    {method: 'GET', path: 'leases/history', scope: 'sandbox', handler: (req) => {
      // since: a lease grant sequence number, or a date-time (leases taken at or after it).
      const since = queryValue(req.query, 'since')
      const bySequence = since !== undefined && /^\d+$/.test(since)
      const rows = leaseHistory(req.ctx, {
        afterGrantSeq: bySequence ? Number(since) : undefined,
        takenSince: since && !bySequence ? queryDateTime(req.query, 'since')!.toISOString() : undefined,
        taskId: queryValue(req.query, 'taskId'),
      })
      return {json: rows.map(leaseHistoryItem)}
    }},
    {method: 'POST', path: 'seed-completed-tasks', scope: 'sandbox', handler: (req) => ({status: 201, json: seedCompletedTasks(req.ctx, req.ctx.tasks, req.spaceId, req.body())})},
    {method: 'POST', path: 'faults', scope: 'sandbox', handler: (req) => {
      const body = req.body()
      if (body && typeof body === 'object' && (body as {Kind?: unknown}).Kind === 'LeaseRelease') {
        // The next `Times` lease releases fail (0 = every one), as in OctopusDeploy/Issues#9868 (see model/tasks/runner.ts).
        const f = Fields.of(body)
        const times = f.optionalInteger('Times', 1, 0)
        f.check()
        req.ctx.leaseReleaseFaults.failNext(times)
        return {status: 201, json: {Kind: 'LeaseRelease', Times: times}}
      }
      return {status: 201, json: faults.add(body)}
    }},
    {method: 'GET', path: 'faults', scope: 'sandbox', handler: (req) => ({json: leaseFaultList(faults, req.ctx.leaseReleaseFaults.pending())})},
    {method: 'DELETE', path: 'faults', scope: 'sandbox', handler: (req) => {
      faults.clear()
      req.ctx.leaseReleaseFaults.clear()
      return {json: null}
    }},
  ]
}

function leaseFaultList(faults: FaultInjector, pendingReleaseFailures: number | 'all' | undefined): unknown[] {
  const listed: unknown[] = faults.list()
  return pendingReleaseFailures === undefined ? listed : [...listed, {Kind: 'LeaseRelease', Remaining: pendingReleaseFailures}]
}
