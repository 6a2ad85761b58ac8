import type {FaultInjector} from '../faults.js'
import type {Route} from '../router.js'

/** Endpoints that exist only on the sandbox (all under /api/sandbox/; a real Octopus 404s them). */
export function sandboxRoutes(faults: FaultInjector, dataFile: string): Route[] {
  return [
    {method: 'GET', path: 'info', scope: 'sandbox', handler: (req) => ({json: {Sandbox: true, OctopusVersion: req.ctx.version, DataFile: dataFile, Seed: req.ctx.store.getMeta('seed') ?? null}})},
    {method: 'POST', path: 'faults', scope: 'sandbox', handler: (req) => ({status: 201, json: faults.add(req.body())})},
    {method: 'GET', path: 'faults', scope: 'sandbox', handler: () => ({json: faults.list()})},
    {method: 'DELETE', path: 'faults', scope: 'sandbox', handler: () => {
      faults.clear()
      return {json: null}
    }},
  ]
}
