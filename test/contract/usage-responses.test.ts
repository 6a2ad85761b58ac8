import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {api, startTestSandbox, type Sandbox} from '../helpers/sandbox.js'
import type {Exchange} from '../../src/sandbox/index.js'
import {hasRoute, validateResponse} from './swagger.js'

/** Routes the sandbox serves that the 2021.2 swagger does not describe (both are in the current API reference). */
const NOT_IN_SWAGGER = new Set([
  'GET /{baseSpaceId}/projects/{id}/{gitRef}/deploymentprocesses', 'GET /projects/{id}/{gitRef}/deploymentprocesses',
  'GET /{baseSpaceId}/projects/{id}/deploymentprocesses', 'GET /projects/{id}/deploymentprocesses',
])

/**
 * The routes `pool usage` reads (projects, processes, runbooks, environments, channels, library and
 * project variable sets, feeds), in both route forms and on both emulated versions, validated
 * against the Octopus 2021.2 swagger.
 */
describe.each(['2026.1', '2021.2'] as const)('usage routes match the Octopus 2021.2 swagger (sandbox %s)', (version) => {
  let sandbox: Sandbox
  const exchanges: Exchange[] = []

  beforeAll(async () => {
    sandbox = await startTestSandbox({seed: 'demo', octopusVersion: version, onExchange: (e) => exchanges.push(e)})
  })
  afterAll(async () => sandbox?.close())

  it('every response of a tour validates', async () => {
    const get = (p: string) => api(sandbox, 'GET', p)
    for (const prefix of ['/api/Spaces-1', '/api']) {
      for (const p of ['/projects', '/projects/all', '/projects/Projects-1', '/projects/Projects-404', '/projects/Projects-1/deploymentprocesses',
        '/projects/Projects-4/refs%2Fheads%2Fmain/deploymentprocesses', '/projects/Projects-4/main/deploymentprocesses',
        '/deploymentprocesses', '/deploymentprocesses?skip=1&take=1', '/deploymentprocesses/deploymentprocess-Projects-1', '/deploymentprocesses/deploymentprocess-Projects-4',
        '/runbooks', '/runbooks/all', '/runbooks/Runbooks-1', '/runbookProcesses', '/runbookProcesses/RunbookProcess-Runbooks-1',
        '/environments', '/environments/all', '/environments/Environments-1', '/channels', '/channels/all', '/channels/Channels-1',
        '/libraryvariablesets', '/libraryvariablesets/all', '/libraryvariablesets/LibraryVariableSets-1', '/variables/all', '/variables/all?ids=variableset-Projects-1',
        '/variables/variableset-Projects-1', '/feeds', '/feeds/all', '/feeds/Feeds-2', '/lifecycles', '/lifecycles/all', '/lifecycles/Lifecycles-1']) {
        await get(prefix + p)
      }
    }
    const problems: string[] = []
    const unknown = new Set<string>()
    for (const e of exchanges) {
      const key = `${e.method} ${e.route}`
      if (!hasRoute(e.method, e.route)) {
        if (!NOT_IN_SWAGGER.has(key)) unknown.add(key)
        continue
      }
      problems.push(...validateResponse(e.method, e.route, e.status, e.responseBody))
    }
    expect(exchanges.length).toBeGreaterThanOrEqual(60)
    expect([...unknown]).toEqual([])
    expect(problems).toEqual([])
  })

  it('what differs between the versions is what each reading needs', async () => {
    const all = (await api(sandbox, 'GET', '/api/Spaces-1/variables/all?ids=variableset-Projects-1')).body
    const processes = (await api(sandbox, 'GET', '/api/Spaces-1/deploymentprocesses')).body.Items.map((p: {Id: string}) => p.Id)
    const libraries = (await api(sandbox, 'GET', '/api/Spaces-1/libraryvariablesets/all?contentType=Variables')).body.map((l: {Name: string}) => l.Name)
    const container = (await api(sandbox, 'GET', '/api/Spaces-1/deploymentprocesses/deploymentprocess-Projects-1')).body.Steps[0].Actions[0].Container
    if (version === '2021.2') {
      // ids and contentType are not 2021.2 parameters: everything comes back, snapshots included.
      expect(all.map((s: {Id: string}) => s.Id)).toContain('variableset-Projects-2-s-0-95KK6')
      expect(processes).toContain('deploymentprocess-Projects-2-s-1-7QZ3K')
      expect(libraries).toEqual(['Deployment helpers', 'Worker Pools'])
      expect(container).toEqual({Image: 'octopuslabs/azure-workertools', FeedId: 'Feeds-2'})
    } else {
      expect(all.map((s: {Id: string}) => s.Id)).toEqual(['variableset-Projects-1'])
      expect(processes).not.toContain('deploymentprocess-Projects-2-s-1-7QZ3K')
      expect(libraries).toEqual(['Worker Pools'])
      expect(container).toEqual({Image: 'octopuslabs/azure-workertools', FeedId: 'Feeds-2', GitUrl: null, Dockerfile: null})
    }
    const gone = await api(sandbox, 'GET', '/api/Spaces-1/deploymentprocesses/deploymentprocess-Projects-4')
    expect(gone.status).toBe(404)
    expect(gone.body.ErrorMessage).toBe("The resource 'deploymentprocess-Projects-4' was not found.")
  })

  it('the validator catches a wrong process shape (so the tour can fail)', () => {
    expect(validateResponse('GET', '/{baseSpaceId}/deploymentprocesses/{id}', 200, {Id: 'x', Version: 'one', Steps: [{Actions: [{IsDisabled: 'no', Environments: 'Environments-1'}]}]}).length).toBeGreaterThanOrEqual(3)
    expect(validateResponse('GET', '/{baseSpaceId}/variables/{id}', 200, {Id: 'x', Variables: [{Name: 'P', Type: {Value: 'WorkerPool'}}]})).not.toEqual([])
  })
})
