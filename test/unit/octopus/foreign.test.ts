/**
 * The client against the link templates and documents of real server versions (foreign fixtures):
 * which request each selection makes on each version, and that the answer is exact whether the
 * server honours the filter, does not know it, or ignores every filter.
 */
import {afterEach, describe, expect, it} from 'vitest'
import {listTasks, listWorkers, getWorker} from '../../../src/octopus/repositories.js'
import {expandTemplate} from '../../../src/octopus/uri-template.js'
import {FOREIGN_VERSIONS, connectForeign, foreignDocument, startForeignServer, type ForeignServer, type ForeignVersion} from './foreign-server.js'

const ALL = 2_147_483_647
const links = (version: ForeignVersion): Record<string, string> => foreignDocument(version, 'root').Links

describe('requests built from each version\'s own templates', () => {
  // One row per selection a command makes: the parameters the client passes, and the URL each version gets.
  const cases: Array<{what: string; link: string; params: Record<string, unknown>; expected: Record<ForeignVersion, string>}> = [
    {
      what: 'worker list (no filter)', link: 'Workers', params: {id: 'all'},
      expected: {'2019.7': '/api/Spaces-1/workers/all', '2023.1': '/api/Spaces-1/workers/all', '2026.1': '/api/Spaces-1/workers/all'},
    },
    {
      what: 'worker list --pool / pool view / pool delete impact', link: 'Workers', params: {workerPoolIds: ['WorkerPools-2'], skip: 0, take: ALL},
      expected: {
        '2019.7': `/api/Spaces-1/workers?skip=0&take=${ALL}&workerpoolIds=WorkerPools-2`,
        '2023.1': `/api/Spaces-1/workers?skip=0&take=${ALL}&workerPoolIds=WorkerPools-2`,
        '2026.1': `/api/Spaces-1/workers?skip=0&take=${ALL}&workerPoolIds=WorkerPools-2`,
      },
    },
    {
      what: 'worker list --health --type kubernetes --disabled --name-like', link: 'Workers',
      params: {healthStatuses: ['Healthy', 'HasWarnings'], commStyles: ['KubernetesTentacle'], isDisabled: true, partialName: 'k8s', skip: 0, take: ALL},
      expected: {
        '2019.7': `/api/Spaces-1/workers?skip=0&take=${ALL}&partialName=k8s&isDisabled=true&healthStatuses=Healthy,HasWarnings&commStyles=KubernetesTentacle`,
        '2023.1': `/api/Spaces-1/workers?skip=0&take=${ALL}&partialName=k8s&isDisabled=true&healthStatuses=Healthy,HasWarnings&commStyles=KubernetesTentacle`,
        '2026.1': `/api/Spaces-1/workers?skip=0&take=${ALL}&partialName=k8s&isDisabled=true&healthStatuses=Healthy,HasWarnings&commStyles=KubernetesTentacle`,
      },
    },
    {
      what: 'worker register (same-name look-up)', link: 'Workers', params: {name: 'build 01', skip: 0, take: ALL},
      expected: {
        '2019.7': `/api/Spaces-1/workers?skip=0&take=${ALL}&name=build%2001`,
        '2023.1': `/api/Spaces-1/workers?skip=0&take=${ALL}&name=build%2001`,
        '2026.1': `/api/Spaces-1/workers?skip=0&take=${ALL}&name=build%2001`,
      },
    },
    {
      what: 'a filter only newer templates list (shellNames)', link: 'Workers', params: {shellNames: ['Bash'], skip: 0, take: ALL},
      expected: {
        '2019.7': `/api/Spaces-1/workers?skip=0&take=${ALL}&shellNames=Bash`,
        '2023.1': `/api/Spaces-1/workers?skip=0&take=${ALL}&shellNames=Bash`,
        '2026.1': `/api/Spaces-1/workers?skip=0&take=${ALL}&shellNames=Bash`,
      },
    },
    {
      what: 'pool by name (2023.1 has no name on WorkerPools)', link: 'WorkerPools', params: {name: 'Hosted Ubuntu'},
      expected: {
        '2019.7': '/api/Spaces-1/workerpools?name=Hosted%20Ubuntu',
        '2023.1': '/api/Spaces-1/workerpools?name=Hosted%20Ubuntu',
        '2026.1': '/api/Spaces-1/workerpools?name=Hosted%20Ubuntu',
      },
    },
    {
      what: 'space by name (2023.1 has no name on Spaces)', link: 'Spaces', params: {name: 'Default'},
      expected: {'2019.7': '/api/spaces?name=Default', '2023.1': '/api/spaces?name=Default', '2026.1': '/api/spaces?name=Default'},
    },
    {
      what: 'task window (2019.7 has no date filters)', link: 'Tasks',
      params: {states: ['Success', 'Failed'], spaces: 'Spaces-1', fromCompletedDate: '2026-01-01T00:00:00.000Z', skip: 0, take: 1000},
      expected: {
        '2019.7': '/api/tasks?skip=0&states=Success,Failed&take=1000&spaces=Spaces-1&fromCompletedDate=2026-01-01T00%3A00%3A00.000Z',
        '2023.1': '/api/tasks?skip=0&states=Success,Failed&take=1000&spaces=Spaces-1&fromCompletedDate=2026-01-01T00%3A00%3A00.000Z',
        '2026.1': '/api/tasks?skip=0&states=Success,Failed&take=1000&spaces=Spaces-1&fromCompletedDate=2026-01-01T00%3A00%3A00.000Z',
      },
    },
  ]

  for (const c of cases) {
    for (const version of FOREIGN_VERSIONS) {
      it(`${version}: ${c.what}`, () => {
        expect(expandTemplate(links(version)[c.link], c.params as never)).toBe(c.expected[version])
      })
    }
  }

  it('2019.7 gets the pool filter in its own spelling, inside the template, not as an extra parameter', () => {
    const url = expandTemplate(links('2019.7').Workers, {workerPoolIds: ['WorkerPools-2', 'WorkerPools-3']})
    expect(url).toBe('/api/Spaces-1/workers?workerpoolIds=WorkerPools-2,WorkerPools-3')
    expect(url).not.toContain('workerPoolIds')
  })

  it('a parameter the template knows is never sent twice, whatever case the caller used', () => {
    const url = expandTemplate(links('2023.1').Workers, {WORKERPOOLIDS: ['WorkerPools-2'], skip: 0})
    expect(url).toBe('/api/Spaces-1/workers?skip=0&workerPoolIds=WorkerPools-2')
  })

  it('2023.1 and 2019.7 differ in the TaskTypes path, which is taken from the link as is', () => {
    expect(expandTemplate(links('2019.7').TaskTypes)).toBe('/api/tasks/taskTypes')
    expect(expandTemplate(links('2023.1').TaskTypes)).toBe('/api/tasks/tasktypes')
  })
})

describe.each([['like-the-version'], ['ignores-filters']] as const)('listWorkers on a server that %s', (mode) => {
  let server: ForeignServer
  afterEach(async () => server?.close())

  it.each(FOREIGN_VERSIONS)('%s: --pool "Hosted Ubuntu" gives exactly that pool\'s workers', async (version) => {
    server = await startForeignServer(version, {mode})
    const space = await connectForeign(server)
    const workers = await listWorkers(space, {workerPoolIds: ['WorkerPools-2']})
    const expected = server.workers.filter((w) => w.WorkerPoolIds.includes('WorkerPools-2')).map((w) => w.Name)
    expect(expected.length).toBeGreaterThan(0)
    expect(expected.length).toBeLessThan(server.workers.length)
    expect(workers.map((w) => w.Name)).toEqual(expected)
    const request = server.requests.find((r) => r.url.startsWith('/api/Spaces-1/workers?'))!
    expect(request.url).toContain(version === '2019.7' ? 'workerpoolIds=WorkerPools-2' : 'workerPoolIds=WorkerPools-2')
  })

  it.each(FOREIGN_VERSIONS)('%s: the same-name look-up finds only that name (any case), or nothing', async (version) => {
    server = await startForeignServer(version, {mode})
    const space = await connectForeign(server)
    expect((await listWorkers(space, {name: 'SSH-02'})).map((w) => w.Id)).toEqual(['Workers-4'])
    expect(await listWorkers(space, {name: 'ssh-0'})).toEqual([])
    expect(await listWorkers(space, {name: 'no-such-worker'})).toEqual([])
  })

  it.each(FOREIGN_VERSIONS)('%s: health, type, state and name filters combine exactly', async (version) => {
    server = await startForeignServer(version, {mode})
    const space = await connectForeign(server)
    const all = server.workers
    const healthy = await listWorkers(space, {healthStatuses: ['Healthy'], isDisabled: false})
    expect(healthy.map((w) => w.Name)).toEqual(all.filter((w) => (w.HealthStatus ?? 'Unknown') === 'Healthy' && !w.IsDisabled).map((w) => w.Name))
    const ssh = await listWorkers(space, {commStyles: ['Ssh'], partialName: 'SSH'})
    expect(ssh.map((w) => w.Name)).toEqual(['ssh-01', 'ssh-02'])
    const kubernetes = await listWorkers(space, {commStyles: ['KubernetesTentacle']})
    expect(kubernetes.map((w) => w.Name)).toEqual(version === '2026.1' ? ['k8s-01', 'k8s-02'] : [])
  })

  it.each(FOREIGN_VERSIONS)('%s: a filter the version does not know (shellNames) is still exact', async (version) => {
    server = await startForeignServer(version, {mode})
    const space = await connectForeign(server)
    server.workers[0].ShellName = 'PowerShell'
    expect((await listWorkers(space, {shellNames: ['powershell']})).map((w) => w.Name)).toEqual(['listening-01'])
  })
})

describe('answers that are not what was asked for', () => {
  let server: ForeignServer
  afterEach(async () => server?.close())

  it('drops workers of another space from any list', async () => {
    server = await startForeignServer('2023.1')
    server.workers.push({...server.workers[0], Id: 'Workers-99', Name: 'elsewhere', SpaceId: 'Spaces-2'})
    const space = await connectForeign(server)
    expect((await listWorkers(space)).map((w) => w.Name)).not.toContain('elsewhere')
    expect((await listWorkers(space, {workerPoolIds: ['WorkerPools-3']})).map((w) => w.Name)).not.toContain('elsewhere')
  })

  it('refuses a worker document for another ID (exit 1) rather than act on it', async () => {
    server = await startForeignServer('2023.1')
    const space = await connectForeign(server)
    server.overrides.set('/api/Spaces-1/workers/Workers-2', server.workers[0])
    await expect(getWorker(space, 'Workers-2')).rejects.toMatchObject({exitCode: 1, message: expect.stringMatching(/answered a request for worker Workers-2 with a different one \(Workers-1\)/)})
    await expect(getWorker(space, 'workers-1')).resolves.toMatchObject({Name: 'listening-01'})
  })
})

describe.each(FOREIGN_VERSIONS)('listTasks on %s', (version) => {
  let server: ForeignServer
  afterEach(async () => server?.close())

  it('keeps only tasks completed in the window, in the states asked for, whatever the server did', async () => {
    const task = (id: number, state: string, completed: string | null) => ({
      Id: `ServerTasks-${id}`, Name: 'Deploy', State: state, SpaceId: 'Spaces-1', IsCompleted: completed !== null,
      // Real servers give Completed as display text, with CompletedTime as ISO beside it.
      Completed: completed ? 'Monday, March 20, 2017 9:00 PM' : null, CompletedTime: completed,
    })
    server = await startForeignServer(version, {tasks: [
      task(1, 'Success', '2025-12-31T23:59:59.000Z'), task(2, 'Success', '2026-01-02T10:00:00.000Z'),
      task(3, 'Failed', '2026-01-03T10:00:00.000Z'), task(4, 'Executing', null), task(5, 'Canceled', '2026-01-04T00:00:00.000Z'),
    ]})
    const space = await connectForeign(server)
    const tasks = await listTasks(space, {states: ['Success', 'Failed'], fromCompletedDate: '2026-01-01T00:00:00.000Z'})
    expect(tasks.map((t) => t.Id)).toEqual(['ServerTasks-2', 'ServerTasks-3'])
    const sent = server.requests.find((r) => r.url.startsWith('/api/tasks?'))!.url
    expect(sent).toContain('fromCompletedDate=2026-01-01T00%3A00%3A00.000Z')
  })
})
