import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {OctopusClient, SpaceContext} from '../../../src/octopus/client.js'
import {getGitDeploymentProcess, listLibraryVariableSets, listProjects, listVariableSets} from '../../../src/octopus/usage-repositories.js'
import {defaultGitRef, readUsageEstate, type UsageReadNote} from '../../../src/app/usage/read.js'
import type {UnreadableCause, UnreadablePart} from '../../../src/app/unreadable-part.js'

/** A scripted server: routes by path; every request is recorded. */
let server: http.Server
let base: string
let routes: Record<string, (url: URL) => [number, unknown]> = {}
const requests: string[] = []
/** The same, as sent (not decoded). */
const rawRequests: string[] = []

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x')
    requests.push(decodeURIComponent(req.url!))
    rawRequests.push(req.url!)
    const route = url.pathname === '/api' ? () => [200, {Application: 'Octopus Deploy', Version: '2021.2.0', ApiVersion: '3.0.0', Links: {}}] as [number, unknown] : routes[decodeURIComponent(url.pathname)]
    const [status, body] = route ? route(url) : [404, {ErrorMessage: `no route ${decodeURIComponent(url.pathname)}`}]
    res.writeHead(status, {'Content-Type': 'application/json'})
    res.end(JSON.stringify(body))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))
beforeEach(() => {
  requests.length = 0
  rawRequests.length = 0
  routes = {}
})

async function space(links: Record<string, string> = {}): Promise<SpaceContext> {
  const client = await OctopusClient.connect({server: base, apiKey: 'API-TEST', maxRetries: 0})
  requests.length = 0
  rawRequests.length = 0
  return new SpaceContext(client, {Id: 'Spaces-1', Name: 'Default'} as never, links)
}

describe('usage repositories', () => {
  it('without links, reads the /api/{spaceId}/... routes', async () => {
    routes['/api/Spaces-1/projects/all'] = () => [200, [{Id: 'Projects-1', Name: 'Web'}]]
    expect(await listProjects(await space())).toEqual([{Id: 'Projects-1', Name: 'Web'}])
    expect(requests).toEqual(['/api/Spaces-1/projects/all'])
  })

  it('with links, follows the template the server publishes', async () => {
    routes['/custom/libs/all'] = () => [200, [{Id: 'LibraryVariableSets-1', Name: 'A', ContentType: 'Variables'}, {Id: 'LibraryVariableSets-2', Name: 'B', ContentType: 'ScriptModule'}]]
    const sets = await listLibraryVariableSets(await space({LibraryVariables: '/custom/libs{/id}{?skip,contentType,take,ids,partialName}'}))
    // The server ignored contentType: the client filters again.
    expect(sets.map((s) => s.Name)).toEqual(['A'])
    expect(requests).toEqual(['/custom/libs/all?contentType=Variables'])
  })

  it('variable sets: one request with ids, filtered again (a server that ignores ids returns every set)', async () => {
    routes['/api/Spaces-1/variables/all'] = () => [200, [{Id: 'variableset-Projects-1'}, {Id: 'variableset-Projects-1-s-0-95KK6'}, {Id: 'variableset-Projects-2'}]]
    const sets = await listVariableSets(await space(), ['variableset-Projects-1', 'variableset-Projects-2'])
    expect(sets.map((s) => s.Id)).toEqual(['variableset-Projects-1', 'variableset-Projects-2'])
    expect(requests).toEqual(['/api/Spaces-1/variables/all?ids=variableset-Projects-1,variableset-Projects-2'])
  })

  it('variable sets: too many IDs for one URL are not sent, still one request', async () => {
    routes['/api/Spaces-1/variables/all'] = () => [200, [{Id: 'variableset-Projects-7'}]]
    const ids = Array.from({length: 400}, (_, i) => `variableset-Projects-${i}`)
    expect((await listVariableSets(await space(), ids)).map((s) => s.Id)).toEqual(['variableset-Projects-7'])
    expect(requests).toEqual(['/api/Spaces-1/variables/all'])
  })

  it('variable sets: without variables/all (404), one set at a time, and the caller is told', async () => {
    routes['/api/Spaces-1/variables/variableset-Projects-1'] = () => [200, {Id: 'variableset-Projects-1', Variables: []}]
    let told = 0
    const sets = await listVariableSets(await space(), ['variableset-Projects-1'], () => told++)
    expect(sets.map((s) => s.Id)).toEqual(['variableset-Projects-1'])
    expect(told).toBe(1)
    expect(await listVariableSets(await space(), [])).toEqual([])
  })

  it('a version-controlled process: the project link with the git ref as one encoded segment, else the documented route', async () => {
    routes['/api/Spaces-1/projects/Projects-4/refs/heads/main/deploymentprocesses'] = () => [200, {Id: 'deploymentprocess-Projects-4', Steps: []}]
    const ctx = await space()
    const project = {Id: 'Projects-4', Name: 'Cac', Links: {DeploymentProcess: '/api/Spaces-1/projects/Projects-4/{gitRef}/deploymentprocesses'}}
    expect((await getGitDeploymentProcess(ctx, project, 'refs/heads/main')).Id).toBe('deploymentprocess-Projects-4')
    await getGitDeploymentProcess(ctx, {Id: 'Projects-4', Name: 'Cac'}, 'refs/heads/main')
    expect(rawRequests).toEqual(['/api/Spaces-1/projects/Projects-4/refs%2Fheads%2Fmain/deploymentprocesses', '/api/Spaces-1/projects/Projects-4/refs%2Fheads%2Fmain/deploymentprocesses'])
    expect(defaultGitRef({Id: 'p', Name: 'p', PersistenceSettings: {DefaultBranch: 'develop'}})).toBe('refs/heads/develop')
    expect(defaultGitRef({Id: 'p', Name: 'p', PersistenceSettings: {DefaultBranch: 'refs/heads/trunk'}})).toBe('refs/heads/trunk')
  })

  it('readUsageEstate: fixed reads, git variables only when they are in git, a failed git read is kept as its error', async () => {
    const empty = () => [200, []] as [number, unknown]
    const page = () => [200, {Items: [], TotalResults: 0, Links: {}}] as [number, unknown]
    Object.assign(routes, {
      '/api/Spaces-1/workerpools/all': empty, '/api/Spaces-1/workerpools/summary': () => [200, {WorkerPoolSummaries: []}],
      '/api/Spaces-1/deploymentprocesses': page, '/api/Spaces-1/runbookProcesses': page, '/api/Spaces-1/runbooks/all': empty,
      '/api/Spaces-1/environments/all': empty, '/api/Spaces-1/channels/all': empty, '/api/Spaces-1/libraryvariablesets/all': empty,
      '/api/Spaces-1/feeds/all': () => [403, {ErrorMessage: 'no'}], '/api/Spaces-1/variables/all': empty,
      '/api/Spaces-1/projects/all': () => [200, [
        {Id: 'Projects-1', Name: 'Git vars', VariableSetId: 'variableset-Projects-1', IsVersionControlled: true, PersistenceSettings: {Type: 'VersionControlled', DefaultBranch: 'main', ConversionState: {VariablesAreInGit: true}}},
        {Id: 'Projects-2', Name: 'Broken repo', IsVersionControlled: true, PersistenceSettings: {Type: 'VersionControlled', DefaultBranch: 'main'}},
      ]],
      '/api/Spaces-1/projects/Projects-1/refs/heads/main/deploymentprocesses': () => [200, {Id: 'dp', Steps: []}],
      '/api/Spaces-1/projects/Projects-1/refs/heads/main/variables': () => [200, {Id: 'git', Variables: [{Name: 'Pool', Type: 'WorkerPool', Value: 'WorkerPools-1'}]}],
      '/api/Spaces-1/projects/Projects-2/refs/heads/main/deploymentprocesses': () => [500, {ErrorMessage: 'git fetch failed'}],
    })
    const unavailable: Array<[UnreadablePart, UnreadableCause]> = []
    const estate = await readUsageEstate(await space({WorkerPools: '/api/Spaces-1/workerpools{/id}{?skip,take,ids}', WorkerPoolsSummary: '/api/Spaces-1/workerpools/summary{?ids}', Runbooks: '/api/Spaces-1/runbooks{/id}{?skip,take,ids,partialName,clone,projectIds}'}), {onUnavailable: (part, cause) => unavailable.push([part, cause])})
    expect(unavailable).toEqual([[{part: 'feeds', space: 'Default'}, {kind: 'http', status: 403}]])
    expect(estate.git?.get('Projects-1')).toMatchObject({gitRef: 'refs/heads/main', process: {Id: 'dp'}, variables: {Id: 'git'}})
    expect(estate.git?.get('Projects-2')).toMatchObject({gitRef: 'refs/heads/main', error: expect.stringContaining('git fetch failed')})
    expect(requests.filter((r) => r.includes('/projects/Projects-2/')).length).toBe(1)
    // 11 space-wide reads (variables/all once) + 2 for the project with variables in git + 1 for the other
    expect(requests.length).toBe(11 + 2 + 1)
  })

  it('a server whose root links no Runbooks (before 2019.11) is asked for no runbooks, and says so once', async () => {
    const empty = () => [200, []] as [number, unknown]
    const page = () => [200, {Items: [], TotalResults: 0, Links: {}}] as [number, unknown]
    Object.assign(routes, {
      '/api/Spaces-1/workerpools/all': empty, '/api/Spaces-1/workerpools/summary': () => [200, {WorkerPoolSummaries: []}], '/api/Spaces-1/projects/all': empty,
      '/api/Spaces-1/deploymentprocesses': page, '/api/Spaces-1/environments/all': empty, '/api/Spaces-1/channels/all': empty,
      '/api/Spaces-1/libraryvariablesets/all': empty, '/api/Spaces-1/feeds/all': empty, '/api/Spaces-1/variables/all': empty,
    })
    const notes: UsageReadNote[] = []
    const estate = await readUsageEstate(await space({WorkerPools: '/api/Spaces-1/workerpools{/id}{?skip,take,ids}', WorkerPoolsSummary: '/api/Spaces-1/workerpools/summary{?ids}'}), {onNote: (note) => notes.push(note)})
    expect(estate).toMatchObject({runbooks: [], runbookProcesses: [], serverHasRunbooks: false})
    expect(requests.filter((r) => /runbook/i.test(r))).toEqual([])
    expect(notes).toEqual([{kind: 'no-runbooks'}])
  })

  it('lifecycles are read (one request) only when a runbook takes its environments from them; unreadable ones are told, not fatal', async () => {
    const empty = () => [200, []] as [number, unknown]
    const page = () => [200, {Items: [], TotalResults: 0, Links: {}}] as [number, unknown]
    const runbooks: unknown[] = [{Id: 'Runbooks-1', Name: 'R', ProjectId: 'Projects-1', EnvironmentScope: 'Specified', Environments: ['Environments-1']}]
    Object.assign(routes, {
      '/api/Spaces-1/workerpools/all': empty, '/api/Spaces-1/workerpools/summary': () => [200, {WorkerPoolSummaries: []}], '/api/Spaces-1/projects/all': empty,
      '/api/Spaces-1/deploymentprocesses': page, '/api/Spaces-1/runbookProcesses': page, '/api/Spaces-1/runbooks/all': () => [200, runbooks],
      '/api/Spaces-1/environments/all': empty, '/api/Spaces-1/channels/all': empty, '/api/Spaces-1/libraryvariablesets/all': empty,
      '/api/Spaces-1/feeds/all': empty, '/api/Spaces-1/variables/all': empty, '/api/Spaces-1/lifecycles/all': () => [403, {ErrorMessage: 'You do not have permission'}],
    })
    const links = {WorkerPools: '/api/Spaces-1/workerpools{/id}{?skip,take,ids}', WorkerPoolsSummary: '/api/Spaces-1/workerpools/summary{?ids}', Runbooks: '/api/Spaces-1/runbooks{/id}{?skip,take,ids,partialName,clone,projectIds}'}
    expect((await readUsageEstate(await space(links))).lifecycles).toBeUndefined()
    expect(requests.filter((r) => r.includes('lifecycles'))).toEqual([])
    runbooks.push({Id: 'Runbooks-2', Name: 'L', ProjectId: 'Projects-1', EnvironmentScope: 'FromProjectLifecycles', Environments: []})
    const unavailable: Array<[UnreadablePart, UnreadableCause]> = []
    const estate = await readUsageEstate(await space(links), {onUnavailable: (part, cause) => unavailable.push([part, cause])})
    expect(estate.lifecycles).toBeUndefined()
    expect(unavailable).toEqual([[{part: 'lifecycles', space: 'Default'}, {kind: 'http', status: 403}]])
    expect(requests.filter((r) => r.includes('lifecycles'))).toEqual(['/api/Spaces-1/lifecycles/all'])
  })
})
