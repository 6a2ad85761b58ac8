import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {api, startTestSandbox, type Sandbox} from '../helpers/sandbox.js'
import type {OctopusVersion} from '../../src/sandbox/index.js'

/**
 * The version profiles: each emulated version publishes its real root-document templates, ignores
 * the query parameters its templates do not list, and serves that version's document shapes.
 * Expected values are the published facts each profile is written from (src/sandbox/profiles.ts).
 */

const VERSIONS: OctopusVersion[] = ['2019.7', '2021.2', '2023.1', '2026.1']
const sandboxes = new Map<OctopusVersion, Sandbox>()
const sb = (version: OctopusVersion) => sandboxes.get(version)!
const get = async (version: OctopusVersion, path: string) => api(sb(version), 'GET', path)
const names = async (version: OctopusVersion, path: string) => ((await get(version, path)).body.Items as Array<{Name: string}>).map((i) => i.Name)

beforeAll(async () => {
  for (const version of VERSIONS) sandboxes.set(version, await startTestSandbox({seed: 'demo', octopusVersion: version}))
})
afterAll(async () => {
  for (const s of sandboxes.values()) await s.close()
})

/** The variable names of a link's `{?…}` part. */
function templateParams(link: string): string[] {
  return /\{\?([^}]*)\}/.exec(link)?.[1]?.split(',') ?? []
}

describe('root documents per version', () => {
  it('each version reports its own version string', async () => {
    const versions = await Promise.all(VERSIONS.map(async (v) => (await get(v, '/api')).body.Version))
    expect(versions).toEqual(['2019.7.12', '2021.2.7650', '2023.1.9626', '2026.1.4312'])
  })

  it('2019.7: Workers spells workerpoolIds (lower-case p), Tasks has no runbook or date filters, TaskTypes is /api/tasks/taskTypes', async () => {
    const {Links} = (await get('2019.7', '/api')).body
    expect(Links.Workers).toBe('/api/Spaces-1/workers{/id}{?skip,take,name,ids,partialName,isDisabled,healthStatuses,commStyles,workerpoolIds,thumbprint}')
    expect(templateParams(Links.Tasks)).not.toEqual(expect.arrayContaining(['runbook']))
    expect(templateParams(Links.Tasks)).not.toContain('fromCompletedDate')
    expect(templateParams(Links.Tasks)).not.toContain('toCompletedDate')
    expect(Links.TaskTypes).toBe('/api/tasks/taskTypes')
    expect(Links.WorkerPools).toBe('/api/Spaces-1/workerpools{/id}{?name,skip,ids,take,partialName}')
    expect(Links.Spaces).toBe('/api/spaces{/id}{?name,skip,ids,take,partialName}')
    expect(templateParams(Links.WorkerPoolsSummary)).not.toContain('shellNames')
    expect(templateParams(Links.Machines)).not.toContain('shellNames')
  })

  it('2021.2: workerPoolIds and shellNames, Tasks with runbook but no date filters', async () => {
    const {Links} = (await get('2021.2', '/api')).body
    expect(Links.Workers).toBe('/api/Spaces-1/workers{/id}{?skip,take,name,ids,partialName,isDisabled,healthStatuses,commStyles,workerPoolIds,thumbprint,shellNames}')
    expect(templateParams(Links.Tasks)).toContain('runbook')
    expect(templateParams(Links.Tasks)).not.toContain('fromCompletedDate')
    expect(Links.TaskTypes).toBe('/api/tasks/taskTypes')
  })

  it('2023.1: WorkerPools and Spaces have no name, Tasks has the date filters, TaskTypes is /api/tasks/tasktypes', async () => {
    const {Links} = (await get('2023.1', '/api')).body
    expect(Links.WorkerPools).toBe('/api/Spaces-1/workerpools{/id}{?skip,ids,take,partialName}')
    expect(Links.Spaces).toBe('/api/spaces{/id}{?skip,ids,take,partialName}')
    expect(templateParams(Links.Tasks)).toEqual(expect.arrayContaining(['description', 'fromCompletedDate', 'toCompletedDate', 'fromQueueDate', 'toQueueDate', 'fromStartDate', 'toStartDate']))
    expect(Links.TaskTypes).toBe('/api/tasks/tasktypes')
    expect(templateParams(Links.Machines)).toContain('deploymentTargetTypes')
  })

  it('2026.1: Workers adds operatingSystemNames, WorkerPools lists name again', async () => {
    const {Links} = (await get('2026.1', '/api')).body
    expect(templateParams(Links.Workers)).toEqual(expect.arrayContaining(['workerPoolIds', 'operatingSystemNames']))
    expect(templateParams(Links.WorkerPools)).toContain('name')
    expect(templateParams(Links.Tasks)).toEqual(expect.arrayContaining(['batch', 'hasPendingPreconditions', 'tenantTag', 'fromCompletedDate']))
  })

  it('no version has a WorkerTaskLeases root link; only 2026.1 serves /workertaskleases', async () => {
    for (const v of VERSIONS) {
      expect((await get(v, '/api')).body.Links.WorkerTaskLeases, v).toBeUndefined()
      expect((await get(v, '/api/Spaces-1')).body.Links.WorkerTaskLeases, v).toBeUndefined()
      expect((await get(v, '/api/Spaces-1/workertaskleases?skip=0&take=10')).status, v).toBe(v === '2026.1' ? 200 : 404)
    }
  })

  it('every version links what the CLI follows, in the space home too', async () => {
    const needed = ['Accounts', 'CurrentUser', 'Environments', 'FeaturesConfiguration', 'MachinePolicies', 'Machines', 'OctopusServerNodes', 'Proxies', 'SpaceHome', 'Spaces',
      'Tasks', 'TaskTypes', 'WorkerPools', 'WorkerPoolsSortOrder', 'WorkerPoolsSummary', 'WorkerPoolsSupportedTypes', 'Workers', 'DiscoverWorker', 'Events', 'EventCategories']
    for (const v of VERSIONS) {
      const {Links} = (await get(v, '/api')).body
      expect(needed.filter((n) => Links[n] === undefined), v).toEqual([])
      const home = (await get(v, '/api/Spaces-2')).body.Links
      expect(home.Workers, v).toBe(Links.Workers.replace('Spaces-1', 'Spaces-2'))
    }
  })

  it('runbooks arrived in 2019.11: 2019.7 links no Runbooks or RunbookProcesses and serves neither (404); the later versions do both', async () => {
    for (const v of VERSIONS) {
      const has = v !== '2019.7'
      for (const doc of [(await get(v, '/api')).body, (await get(v, '/api/Spaces-1')).body]) {
        expect(doc.Links.Runbooks !== undefined, v).toBe(has)
        expect(doc.Links.RunbookProcesses !== undefined, v).toBe(has)
      }
      for (const path of ['/api/Spaces-1/runbooks/all', '/api/Spaces-1/runbooks', '/api/Spaces-1/runbooks/Runbooks-1', '/api/Spaces-1/runbookProcesses', '/api/Spaces-1/runbookProcesses/RunbookProcess-Runbooks-1']) {
        expect((await get(v, path)).status, `${v} ${path}`).toBe(has ? 200 : 404)
      }
      expect((await get(v, '/api/Spaces-1/projects/Projects-1')).body.Links.Runbooks !== undefined, v).toBe(has)
      // Lifecycles exist on every version: the Default Lifecycle has no phases (every environment).
      expect((await get(v, '/api/Spaces-1/lifecycles/all')).body.map((l: {Name: string; Phases: unknown[]}) => [l.Name, l.Phases.length]), v).toEqual([['Default Lifecycle', 0]])
      expect((await get(v, '/api')).body.Links.Lifecycles, v).toBe('/api/Spaces-1/lifecycles{/id}{?skip,take,ids,partialName}')
    }
  })

  it('the /api/spaces/{id}/... route form exists only where the profile has it (2026.1)', async () => {
    for (const v of VERSIONS) expect((await get(v, '/api/spaces/Spaces-1/workerpools/all')).status, v).toBe(v === '2026.1' ? 200 : 404)
  })
})

describe('query parameters a version does not list are ignored', () => {
  const omaha = ['p-db-omaha-worker-01', 'p-db-omaha-worker-02', 'p-db-omaha-worker-03', 'tmp-box']

  it('2019.7 filters by its own workerpoolIds, and (names matched case-insensitively by default) by workerPoolIds too', async () => {
    expect(await names('2019.7', '/api/Spaces-1/workers?take=100&workerpoolIds=WorkerPools-2')).toEqual(omaha)
    expect(await names('2019.7', '/api/Spaces-1/workers?take=100&workerPoolIds=WorkerPools-2')).toEqual(omaha)
  })

  it('2019.7 ignores shellNames (not in its template) while 2021.2 applies it', async () => {
    const all = (await get('2019.7', '/api/Spaces-1/workers?take=100')).body.TotalResults
    expect((await get('2019.7', '/api/Spaces-1/workers?take=100&shellNames=PowerShell')).body.TotalResults).toBe(all)
    expect(await names('2021.2', '/api/Spaces-1/workers?take=100&shellNames=PowerShell')).toEqual(['p-db-omaha-worker-01', 'p-db-omaha-worker-02', 'p-db-omaha-worker-03', 'WIN-7F3K2P9', 'worker1'])
  })

  it('2023.1 ignores name on /workerpools and /spaces; 2026.1 applies name on /workerpools', async () => {
    const allPools = (await get('2023.1', '/api/Spaces-1/workerpools?take=100')).body.TotalResults
    expect((await get('2023.1', '/api/Spaces-1/workerpools?take=100&name=test%20pool')).body.TotalResults).toBe(allPools)
    expect(await names('2023.1', '/api/Spaces-1/workerpools?take=100&partialName=test')).toEqual(['test pool'])
    expect(await names('2023.1', '/api/spaces?name=Default')).toEqual(['Default', 'Platform Team'])
    expect(await names('2026.1', '/api/Spaces-1/workerpools?take=100&name=test%20pool')).toEqual(['test pool'])
    expect(await names('2019.7', '/api/spaces?name=Default')).toEqual(['Default'])
  })

  it('date filters on tasks are ignored before 2022 (2019.7, 2021.2) and applied from 2023.1', async () => {
    const future = encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())
    for (const v of VERSIONS) {
      expect((await api(sb(v), 'POST', '/api/sandbox/seed-completed-tasks', {Count: 2})).status).toBe(201)
      const total = (await get(v, `/api/tasks?fromCompletedDate=${future}`)).body.TotalResults
      expect(total, v).toBe(v === '2019.7' || v === '2021.2' ? 2 : 0)
    }
  })

  it('operatingSystemNames filters only on 2026.1; a pool\'s workers list takes its own parameters', async () => {
    const windows = ['p-db-omaha-worker-01', 'p-db-omaha-worker-02', 'p-db-omaha-worker-03', 'WIN-7F3K2P9', 'worker1']
    expect(await names('2026.1', '/api/Spaces-1/workers?take=100&operatingSystemNames=Microsoft%20Windows%20Server%202022')).toEqual(windows)
    const all = (await get('2023.1', '/api/Spaces-1/workers?take=100')).body.TotalResults
    expect((await get('2023.1', '/api/Spaces-1/workers?take=100&operatingSystemNames=Linux')).body.TotalResults).toBe(all)
    expect(await names('2019.7', '/api/Spaces-1/workerpools/WorkerPools-2/workers?isDisabled=true')).toEqual(['p-db-omaha-worker-03'])
    expect(await names('2019.7', '/api/Spaces-1/workerpools/WorkerPools-2/workers?shellNames=Bash')).toHaveLength(4)
    expect(await names('2021.2', '/api/Spaces-1/workerpools/WorkerPools-2/workers?shellNames=Bash')).toEqual(['tmp-box'])
  })

  it('/workers/all takes only ids and thumbprint; a collection\'s links keep only the parameters it bound', async () => {
    const all = (await get('2026.1', '/api/Spaces-1/workers/all')).body.length
    expect((await get('2026.1', '/api/Spaces-1/workers/all?healthStatuses=Unhealthy')).body).toHaveLength(all)
    expect((await get('2026.1', '/api/Spaces-1/workers/all?ids=Workers-1,Workers-2')).body.map((w: {Id: string}) => w.Id)).toEqual(['Workers-1', 'Workers-2'])
    const page = (await get('2023.1', '/api/Spaces-1/workerpools?take=2&name=x&partialName=Pool')).body
    expect(page.Links.Self).not.toContain('name=x')
    expect(page.Links.Self).toContain('partialName=Pool')
  })
})

describe('exact query-name matching (the stricter reading of UNCONFIRMED binding)', () => {
  let strict: Sandbox
  beforeAll(async () => {
    strict = await startTestSandbox({seed: 'demo', octopusVersion: '2019.7', queryNames: 'exact'})
  })
  afterAll(async () => strict?.close())

  it('2019.7 then ignores workerPoolIds and filters only by workerpoolIds', async () => {
    const list = async (q: string) => ((await api(strict, 'GET', `/api/Spaces-1/workers?take=100&${q}`)).body.Items as Array<{Name: string}>).map((w) => w.Name)
    const everyone = await list('')
    expect(everyone.length).toBeGreaterThan(4)
    expect(await list('workerPoolIds=WorkerPools-2')).toEqual(everyone)
    expect(await list('workerpoolIds=WorkerPools-2')).toEqual(['p-db-omaha-worker-01', 'p-db-omaha-worker-02', 'p-db-omaha-worker-03', 'tmp-box'])
  })
})

describe('document shapes per version', () => {
  it('2026.1 workers have no Status but OperatingSystemVersion and SkipInitialHealthCheck; older ones the reverse', async () => {
    const modern = (await get('2026.1', '/api/Spaces-1/workers/Workers-1')).body
    expect(modern).not.toHaveProperty('Status')
    expect(modern).toMatchObject({OperatingSystemVersion: expect.any(String), SkipInitialHealthCheck: false, Slug: 'default-linux-worker-01'})
    for (const v of ['2019.7', '2021.2'] as const) {
      const old = (await get(v, '/api/Spaces-1/workers/Workers-1')).body
      expect(old.Status, v).toBe('Online')
      expect(Object.keys(old), v).not.toEqual(expect.arrayContaining(['OperatingSystemVersion']))
      expect(old, v).not.toHaveProperty('SkipInitialHealthCheck')
      expect(old, v).not.toHaveProperty('Slug')
    }
    expect((await get('2023.1', '/api/Spaces-1/workers/Workers-1')).body).toMatchObject({Status: 'Online', Slug: 'default-linux-worker-01'})
  })

  it('an action\'s container built from a Dockerfile in git: GitUrl and Dockerfile only from 2023.1, whatever their values', async () => {
    // No route writes processes: the sandbox's own model stores one, read back over HTTP like any client.
    for (const v of VERSIONS) {
      const billing = JSON.parse(sb(v).model.usage.get('DeploymentProcess', 'Spaces-1', 'deploymentprocess-Projects-2')!)
      const action = {...billing.Steps[0].Actions[0], Container: {Image: null, FeedId: null, GitUrl: 'https://git.example/tools.git', Dockerfile: 'docker/Dockerfile'}}
      const id = 'deploymentprocess-Projects-2-git-container'
      sb(v).model.usage.put('DeploymentProcess', 'Spaces-1', id, {...billing, Id: id, Steps: [{...billing.Steps[0], Actions: [action]}]})
      const served = (await get(v, `/api/Spaces-1/deploymentprocesses/${id}`)).body
      const container = served.Steps[0].Actions[0].Container
      if (v === '2019.7' || v === '2021.2') expect(container, v).toEqual({Image: null, FeedId: null})
      else expect(container, v).toEqual({Image: null, FeedId: null, GitUrl: 'https://git.example/tools.git', Dockerfile: 'docker/Dockerfile'})
    }
  })

  it('WorkerPool variables from 2020.1: 2019.7 serves no step\'s WorkerPoolVariable and no variable of type WorkerPool, the other variables as they are', async () => {
    for (const v of VERSIONS) {
      // A set with a variable of each kind, stored by the sandbox's own model (no route writes variables).
      const id = 'variableset-mixed'
      const set: {Id: string} & Record<string, unknown> = {
        Id: id, OwnerId: 'Projects-1', Version: 1, SpaceId: 'Spaces-1',
        Variables: [
          {Id: 'v-1', Name: 'Region', Value: 'us-central', Scope: {}, Type: 'String', IsSensitive: false},
          {Id: 'v-2', Name: 'Pool', Value: 'WorkerPools-1', Scope: {}, Type: 'WorkerPool', IsSensitive: false},
        ],
        ScopeValues: {Environments: [], Machines: [], Actions: [], Roles: [], Channels: [], TenantTags: [], Processes: []},
        Links: {Self: `/api/Spaces-1/variables/${id}`},
      }
      sb(v).model.usage.put('VariableSet', 'Spaces-1', id, set)
      const mixed = (await get(v, `/api/Spaces-1/variables/${id}`)).body as {Variables: Array<{Name: string}>}
      expect(mixed.Variables.map((variable) => variable.Name), v).toEqual(v === '2019.7' ? ['Region'] : ['Region', 'Pool'])
      const processes = (await get(v, '/api/Spaces-1/deploymentprocesses?skip=0&take=1000')).body.Items as Array<{Steps: Array<{Actions: Array<Record<string, unknown>>}>}>
      const actions = processes.flatMap((p) => p.Steps.flatMap((s) => s.Actions))
      const sets = (await get(v, '/api/Spaces-1/variables/all')).body as Array<{Variables: Array<{Type: string}>}>
      const types = sets.flatMap((set) => set.Variables.map((variable) => variable.Type))
      if (v === '2019.7') {
        expect(actions.filter((a) => 'WorkerPoolVariable' in a), v).toEqual([])
        expect(types, v).not.toContain('WorkerPool')
      } else {
        expect(actions.filter((a) => typeof a.WorkerPoolVariable === 'string').length, v).toBeGreaterThan(0)
        expect(types, v).toContain('WorkerPool')
      }
    }
  })

  it('SSH endpoints carry no Thumbprint; static pools no WorkerType', async () => {
    for (const v of VERSIONS) {
      const ssh = (await get(v, '/api/Spaces-1/workers/Workers-9')).body
      expect(ssh.Endpoint.CommunicationStyle).toBe('Ssh')
      expect(ssh.Endpoint, v).not.toHaveProperty('Thumbprint')
      const pools = (await get(v, '/api/Spaces-1/workerpools/all')).body as Array<Record<string, unknown>>
      expect(pools.filter((p) => p.WorkerPoolType === 'StaticWorkerPool' && 'WorkerType' in p), v).toEqual([])
      expect(pools.find((p) => p.Name === 'Hosted Ubuntu'), v).toMatchObject({WorkerType: 'UbuntuDefault'})
    }
  })

  it('2019.7 collections page as the 2017-era ones: IsStale, Page.Next, Page.Current, Page.0..N, no Page.All or Page.Last', async () => {
    const page = (await get('2019.7', '/api/Spaces-1/workers?take=5')).body
    expect(page.IsStale).toBe(false)
    const pages = page.NumberOfPages
    expect(Object.keys(page.Links)).toEqual(['Self', 'Template', 'Page.Next', 'Page.Current', ...Array.from({length: pages}, (_, n) => `Page.${n}`)])
    expect(page.Links['Page.1']).toContain('skip=5')
    expect(page.Links.Template).toBe('/api/Spaces-1/workers{?skip,take,name,ids,partialName,isDisabled,healthStatuses,commStyles,workerpoolIds,thumbprint}')
  })

  it('2023.1 and 2026.1 collections page as real ones of those years: Page.All, Page.Next, Page.Current, Page.Last, no IsStale', async () => {
    for (const v of ['2023.1', '2026.1'] as const) {
      const page = (await get(v, '/api/Spaces-1/workers?take=5')).body
      expect(page, v).not.toHaveProperty('IsStale')
      expect(Object.keys(page.Links), v).toEqual(['Self', 'Template', 'Page.All', 'Page.Next', 'Page.Current', 'Page.Last'])
      const last = (await get(v, `/api/Spaces-1/workers?take=5&skip=${(page.NumberOfPages - 1) * 5}`)).body
      expect(last.Links, v).not.toHaveProperty('Page.Next')
    }
  })

  it('a completed task\'s Completed is display text with CompletedTime ISO beside it', async () => {
    const task = (await get('2026.1', '/api/tasks?take=1')).body.Items[0]
    expect(task.IsCompleted).toBe(true)
    expect(task.CompletedTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/)
    expect(task.Completed).toMatch(/^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), [A-Z][a-z]+ \d{1,2}, \d{4} \d{1,2}:\d{2} (AM|PM)$/)
    const at = new Date(task.CompletedTime)
    expect(task.Completed).toContain(`, ${at.getUTCFullYear()} `)
    expect(task.QueueTime).toMatch(/^\d{4}-/)
  })
})

describe('environments', () => {
  it('list, /all and /{id} serve the environments deployment targets refer to', async () => {
    for (const v of VERSIONS) {
      const target = (await get(v, '/api/Spaces-1/machines/Machines-1')).body
      for (const id of target.EnvironmentIds) {
        const env = await get(v, `/api/Spaces-1/environments/${id}`)
        expect(env.status, v).toBe(200)
        expect(env.body).toMatchObject({Id: id, Name: 'Production', SpaceId: 'Spaces-1', UseGuidedFailure: false})
      }
      // The demo's environments, in promotion (SortOrder) order; the projects' steps are scoped to them.
      expect((await get(v, '/api/Spaces-1/environments/all')).body.map((e: {Name: string}) => e.Name)).toEqual(['Development', 'Staging', 'Production'])
      expect(await names(v, '/api/environments?name=production')).toEqual(['Production'])
      expect(await names(v, '/api/Spaces-1/environments?name=Staging')).toEqual(['Staging'])
      expect(await names(v, '/api/Spaces-1/environments?name=Test')).toEqual([])
      expect((await get(v, '/api/Spaces-1/environments/Environments-99')).status).toBe(404)
      expect((await get(v, '/api/Spaces-2/environments/all')).body.every((e: {SpaceId: string}) => e.SpaceId === 'Spaces-2')).toBe(true)
    }
  })
})
