/**
 * Version profiles: what each emulated Octopus Server version publishes and accepts.
 *
 * Written as data from published facts about real servers (not copied from any file). Where each
 * part comes from:
 *
 * - 2019.7 (2019.7.12): the root document in Octopus.Client's test data (CannedResponses/2019.7.12,
 *   OctopusDeploy/OctopusClients). Recorded from it: Workers (`workerpoolIds`, lower-case p, no
 *   shellNames), WorkerPools (with name), WorkerPoolsSummary (no shellNames), Tasks (no runbook, no
 *   date filters), Spaces (with name), Machines (no shellNames), Environments, TaskTypes
 *   (`/api/tasks/taskTypes`). The other links below are ones the sandbox serves and this version is
 *   expected to have; their 2019.7 spelling is UNCONFIRMED, so they use the 2020.4 spelling.
 * - 2021.2: no published 2021.2 root was found. Templates are 2020.4.0's (go-octopusdeploy's canned
 *   root, the nearest published one before 2021.2): `workerPoolIds`, +shellNames, Tasks +runbook.
 *   The date filters in the Tasks template first appear in the 2022.1 docs' root, so 2021.2 has none.
 * - 2023.1 (2023.1.9626): a published root (a third-party test of OctopusRecommendationEngine).
 *   Recorded from it: WorkerPools and Spaces without `name`, Tasks with the date filters and
 *   description, Machines +deploymentTargetTypes, TaskTypes `/api/tasks/tasktypes`, and every other
 *   link listed here.
 * - 2026.1: no 2024–2026 root document is published. The parameters are the generated 2026 REST
 *   reference's: Workers +operatingSystemNames; WorkerPools lists `name` again; Tasks +batch,
 *   hasPendingPreconditions, tenantTag. Link names are 2023.1's.
 *
 * Real roots carry many more links (117 in 2019.7.12, 156 in 2023.1.9626: projects, releases,
 * feeds, users, ...). The sandbox publishes the worker-related links recorded above (including
 * Events, EventCategories and WorkerToolsLatestImages, whose routes it does not serve: 404) and the
 * links of everything it serves; the rest are left out.
 *
 * Runbooks arrived in Octopus 2019.11 (Octopus docs, "Operations Runbooks": "Runbooks were introduced
 * in Octopus 2019.11"): the 2019.7 profile links no `Runbooks` or `RunbookProcesses` and serves
 * neither route (404, as a real 2019.7 server answers); the later ones have both (the 2020.4.0 root).
 *
 * No version's root has a `WorkerTaskLeases` link (none was seen in any real root); the lease API
 * itself exists from 2024.2.5816 on, so only the 2026.1 profile serves `/workertaskleases`.
 */

export type OctopusVersion = '2019.7' | '2021.2' | '2023.1' | '2026.1'

export const SUPPORTED_VERSIONS: OctopusVersion[] = ['2019.7', '2021.2', '2023.1', '2026.1']

/**
 * How query parameter names are matched against a template's variables. Octopus's frameworks
 * (NancyFx by default, ASP.NET Core's query parser always) match case-insensitively, so that is
 * the default; whether Octopus's own binding layer keeps it so is UNCONFIRMED, so 'exact' is
 * offered too (then `?workerPoolIds=` is ignored by 2019.7, which spells it `workerpoolIds`).
 */
export type QueryNameMatching = 'case-insensitive' | 'exact'

/** Collection paging links: `legacy` as in 2017-era documents, `modern` as in 2023–2024 ones. */
export type PagingStyle = 'legacy' | 'modern'

/** Query templates of the routes whose parameters differ by version (names as the server spells them). */
export type QueryKey =
  | 'Workers' | 'WorkersAll' | 'WorkerPools' | 'WorkerPoolsAll' | 'WorkerPoolsSummary' | 'Tasks' | 'Spaces' | 'SpacesAll'
  | 'Machines' | 'MachinesAll' | 'Environments' | 'EnvironmentsAll' | 'MachinePolicies' | 'Accounts' | 'Proxies' | 'IdsOnly'
  /** `/workerpools/{id}/workers`: no root link; its parameters are the ones Octopus.Client sends (2019) and the 2026 reference lists. */
  | 'PoolWorkers'

export interface VersionProfile {
  version: OctopusVersion
  /** The full version string `/api` reports. */
  versionString: string
  queries: Record<QueryKey, string>
  taskTypesPath: string
  /** `/api/spaces/{id}/...` routes (the current route form; when it arrived is UNCONFIRMED, so only 2026.1). */
  spacesRouteForm: boolean
  /** `GET /{space}/workertaskleases` (2024.2.5816+). */
  workerTaskLeases: boolean
  /** Runbooks and runbook processes (2019.11+): their links and routes. */
  runbooks: boolean
  /** `KubernetesTentacle` workers (the Kubernetes agent as a worker, 2024). */
  kubernetesWorkers: boolean
  /** OpenID Connect for service accounts: discovery and the token exchange (2023.4.8077 / 2024.1.1889 on). */
  oidc: boolean
  paging: PagingStyle
  /** Document fields by version. */
  fields: {
    /** `Slug` on spaces, pools, workers: absent from the 2021.2 swagger; when it arrived is UNCONFIRMED (in 2023.1 here). */
    slug: boolean
    /** Worker/machine `Status` (MachineModelStatus): in the 2021.2 swagger, absent from the 2026 WorkerResource. */
    machineStatus: boolean
    /** `OperatingSystemVersion`: newer than the 2021.2 swagger; first version UNCONFIRMED, so only 2026.1. */
    operatingSystemVersion: boolean
    /** `SkipInitialHealthCheck` on workers: 2024.3.285. */
    skipInitialHealthCheck: boolean
    /** The newer feature flags of FeaturesConfigurationResource. */
    newerFeatureFlags: boolean
    /**
     * `GitUrl` and `Dockerfile` on an action's `Container` (an execution container built from a
     * Dockerfile in git): absent from the 2021.2 swagger's DeploymentActionContainerResource; the
     * first version with them is UNCONFIRMED, so 2023.1 on here.
     */
    containerFromGit: boolean
    /**
     * WorkerPool variables: a step's `WorkerPoolVariable` and variables of type `WorkerPool`, which
     * need "Octopus 2020.1 and later" (Octopus docs, worker pool variables).
     */
    workerPoolVariables: boolean
  }
}

const WORKERS_2019 = 'skip,take,name,ids,partialName,isDisabled,healthStatuses,commStyles,workerpoolIds,thumbprint'
const WORKERS_2020 = 'skip,take,name,ids,partialName,isDisabled,healthStatuses,commStyles,workerPoolIds,thumbprint,shellNames'
const WORKERS_2026 = `${WORKERS_2020},operatingSystemNames`
const POOLS_WITH_NAME = 'name,skip,ids,take,partialName'
const POOLS_WITHOUT_NAME = 'skip,ids,take,partialName'
const SUMMARY_2019 = 'ids,partialName,machinePartialName,isDisabled,healthStatuses,commStyles,hideEmptyWorkerPools'
const SUMMARY_2020 = `${SUMMARY_2019},shellNames`
const TASKS_2019 = 'skip,active,environment,tenant,project,name,node,running,states,hasPendingInterruptions,hasWarningsOrErrors,take,ids,partialName,spaces,includeSystem'
const TASKS_2020 = 'skip,active,environment,tenant,runbook,project,name,node,running,states,hasPendingInterruptions,hasWarningsOrErrors,take,ids,partialName,spaces,includeSystem'
const TASKS_2022 = `${TASKS_2020},description,fromCompletedDate,toCompletedDate,fromQueueDate,toQueueDate,fromStartDate,toStartDate`
const TASKS_2026 = `${TASKS_2022},batch,hasPendingPreconditions,tenantTag`
const MACHINES_2019 = 'skip,take,name,ids,partialName,roles,isDisabled,healthStatuses,commStyles,tenantIds,tenantTags,environmentIds,thumbprint,deploymentId'
const MACHINES_2020 = `${MACHINES_2019},shellNames`
const MACHINES_2022 = `${MACHINES_2020},deploymentTargetTypes`
const POOL_WORKERS_2019 = 'skip,take,partialName,isDisabled,healthStatuses,commStyles'
const POOL_WORKERS_2020 = `${POOL_WORKERS_2019},shellNames`
const POOL_WORKERS_2026 = `${POOL_WORKERS_2020},operatingSystemNames,deploymentTargetTypes`

/** Routes whose templates did not change across these versions (2020.4 and 2023.1 agree). */
const COMMON = {
  WorkersAll: 'ids,thumbprint',
  WorkerPoolsAll: 'ids',
  SpacesAll: '',
  MachinesAll: 'ids,thumbprint',
  Environments: 'name,skip,ids,take,partialName',
  EnvironmentsAll: 'ids',
  MachinePolicies: 'skip,take,ids,partialName',
  Accounts: 'skip,take,ids,partialName,accountType',
  Proxies: 'skip,take,ids,partialName',
  IdsOnly: 'ids',
}

export const PROFILES: Record<OctopusVersion, VersionProfile> = {
  '2019.7': {
    version: '2019.7',
    versionString: '2019.7.12',
    queries: {...COMMON, Workers: WORKERS_2019, WorkerPools: POOLS_WITH_NAME, WorkerPoolsSummary: SUMMARY_2019, Tasks: TASKS_2019, Spaces: POOLS_WITH_NAME, Machines: MACHINES_2019, PoolWorkers: POOL_WORKERS_2019},
    taskTypesPath: '/api/tasks/taskTypes',
    spacesRouteForm: false,
    workerTaskLeases: false,
    runbooks: false,
    kubernetesWorkers: false,
    oidc: false,
    // Octopus.Client's canned collections (2017) have IsStale, Page.Current/Next and Page.0..N, no Page.All/Last.
    // That 2019.7 still wrote them so is UNCONFIRMED.
    paging: 'legacy',
    fields: {slug: false, machineStatus: true, operatingSystemVersion: false, skipInitialHealthCheck: false, newerFeatureFlags: false, containerFromGit: false, workerPoolVariables: false},
  },
  '2021.2': {
    version: '2021.2',
    versionString: '2021.2.7650',
    queries: {...COMMON, Workers: WORKERS_2020, WorkerPools: POOLS_WITH_NAME, WorkerPoolsSummary: SUMMARY_2020, Tasks: TASKS_2020, Spaces: POOLS_WITH_NAME, Machines: MACHINES_2020, PoolWorkers: POOL_WORKERS_2020},
    taskTypesPath: '/api/tasks/taskTypes',
    spacesRouteForm: false,
    workerTaskLeases: false,
    runbooks: true,
    kubernetesWorkers: false,
    oidc: false,
    // No 2021.2 collection was published; the docs' collection example of that era already has Page.All.
    paging: 'modern',
    fields: {slug: false, machineStatus: true, operatingSystemVersion: false, skipInitialHealthCheck: false, newerFeatureFlags: false, containerFromGit: false, workerPoolVariables: true},
  },
  '2023.1': {
    version: '2023.1',
    versionString: '2023.1.9626',
    queries: {...COMMON, Workers: WORKERS_2020, WorkerPools: POOLS_WITHOUT_NAME, WorkerPoolsSummary: SUMMARY_2020, Tasks: TASKS_2022, Spaces: POOLS_WITHOUT_NAME, Machines: MACHINES_2022, PoolWorkers: POOL_WORKERS_2020},
    taskTypesPath: '/api/tasks/tasktypes',
    spacesRouteForm: false,
    workerTaskLeases: false,
    runbooks: true,
    kubernetesWorkers: false,
    oidc: false,
    // The 2023.1.9626 events collection: Self, Template, Page.All, Page.Next, Page.Current, Page.Last; no IsStale, no Page.N.
    paging: 'modern',
    fields: {slug: true, machineStatus: true, operatingSystemVersion: false, skipInitialHealthCheck: false, newerFeatureFlags: true, containerFromGit: true, workerPoolVariables: true},
  },
  '2026.1': {
    version: '2026.1',
    versionString: '2026.1.4312',
    queries: {...COMMON, Workers: WORKERS_2026, WorkerPools: POOLS_WITH_NAME, WorkerPoolsSummary: SUMMARY_2020, Tasks: TASKS_2026, Spaces: POOLS_WITHOUT_NAME, Machines: MACHINES_2022, PoolWorkers: POOL_WORKERS_2026},
    taskTypesPath: '/api/tasks/tasktypes',
    spacesRouteForm: true,
    workerTaskLeases: true,
    runbooks: true,
    kubernetesWorkers: true,
    oidc: true,
    paging: 'modern',
    fields: {slug: true, machineStatus: false, operatingSystemVersion: true, skipInitialHealthCheck: true, newerFeatureFlags: true, containerFromGit: true, workerPoolVariables: true},
  },
}

export function profileOf(version: OctopusVersion): VersionProfile {
  return PROFILES[version]
}

/** The `{?a,b}` query part of a template for a route. */
export function queryTemplate(profile: VersionProfile, key: QueryKey): string {
  const names = profile.queries[key]
  return names ? `{?${names}}` : ''
}

/**
 * Keeps only the query parameters the version's template for the route lists (plus `apikey`,
 * which is authentication, not a filter), as a real server binds only the parameters it knows.
 */
export function acceptedQuery(profile: VersionProfile, key: QueryKey, query: URLSearchParams, matching: QueryNameMatching): URLSearchParams {
  const names = profile.queries[key].split(',').filter(Boolean)
  const known = matching === 'exact' ? new Set(names) : new Set(names.map((n) => n.toLowerCase()))
  const out = new URLSearchParams()
  for (const [name, value] of query) {
    const probe = matching === 'exact' ? name : name.toLowerCase()
    if (known.has(probe) || name.toLowerCase() === 'apikey') out.append(name, value)
  }
  return out
}

/** Space links for these resources, as real root documents publish them (2020.4 templates). */
function usageLinks(base: string): Record<string, string> {
  return {
    Projects: `${base}/projects{/id}{?name,skip,ids,clone,take,partialName,clonedFromProjectId}`,
    DeploymentProcesses: `${base}/deploymentprocesses{/id}{?skip,take,ids}`,
    Runbooks: `${base}/runbooks{/id}{?skip,take,ids,partialName,clone,projectIds}`,
    RunbookProcesses: `${base}/runbookProcesses{/id}{?skip,take,ids}`,
    Environments: `${base}/environments{/id}{?name,skip,ids,take,partialName}`,
    Channels: `${base}/channels{/id}{?skip,take,ids,partialName}`,
    LibraryVariables: `${base}/libraryvariablesets{/id}{?skip,contentType,take,ids,partialName}`,
    Lifecycles: `${base}/lifecycles{/id}{?skip,take,ids,partialName}`,
    Variables: `${base}/variables{/id}{?ids}`,
  }
}

/** The links of a space, with the space ID filled in. */
export function spaceLinks(profile: VersionProfile, spaceId: string): Record<string, string> {
  const base = `/api/${spaceId}`
  const q = (key: QueryKey) => queryTemplate(profile, key)
  const links: Record<string, string> = {
    // Projects, processes, variables... (what `pool usage` reads); this profile's own templates below win.
    ...usageLinks(base),
    Self: base,
    SpaceHome: base,
    Accounts: `${base}/accounts{/id}${q('Accounts')}`,
    DiscoverWorker: `${base}/workers/discover{?host,port,type,proxyId}`,
    Environments: `${base}/environments{/id}${q('Environments')}`,
    MachinePolicies: `${base}/machinepolicies{/id}${q('MachinePolicies')}`,
    Machines: `${base}/machines{/id}${q('Machines')}`,
    Proxies: `${base}/proxies{/id}${q('Proxies')}`,
    Tasks: `${base}/tasks{/id}${q('Tasks')}`,
    WorkerOperatingSystems: `${base}/workers/operatingsystem/names/all`,
    WorkerPools: `${base}/workerpools{/id}${q('WorkerPools')}`,
    WorkerPoolsDynamicWorkerTypes: `${base}/workerpools/dynamicworkertypes`,
    WorkerPoolsSortOrder: `${base}/workerpools/sortorder`,
    WorkerPoolsSummary: `${base}/workerpools/summary${q('WorkerPoolsSummary')}`,
    WorkerPoolsSupportedTypes: `${base}/workerpools/supportedtypes`,
    Workers: `${base}/workers{/id}${q('Workers')}`,
    WorkerShells: `${base}/workers/operatingsystem/shells/all`,
  }
  if (!profile.runbooks) {
    delete links.Runbooks
    delete links.RunbookProcesses
  }
  if (profile.version === '2019.7') {
    // 2019.7.12's templates have no shellNames filter; the shell and operating-system lists that go
    // with it are left out too (UNCONFIRMED: the 2019.7.12 root was not at hand to compare every
    // link). WorkerPoolsDynamicWorkerTypes stays: when dynamic pools arrived is UNCONFIRMED (by 2020.1).
    delete links.WorkerOperatingSystems
    delete links.WorkerShells
  }
  return links
}

/** The `/api` root document's links: global ones plus the default space's (as a real root has them). */
export function rootLinks(profile: VersionProfile, defaultSpaceId: string | undefined): Record<string, string> {
  const global: Record<string, string> = {
    Self: '/api',
    CurrentUser: '/api/users/me',
    EventCategories: '/api/events/categories{?appliesTo}',
    Events: '/api/events{/id}{?skip,regarding,regardingAny,user,users,projects,projectGroups,environments,eventGroups,eventCategories,eventAgents,tags,tenants,from,to,internal,fromAutoId,toAutoId,documentTypes,asCsv,take,ids,spaces,includeSystem,excludeDifference}',
    FeaturesConfiguration: '/api/featuresconfiguration',
    OctopusServerNodes: '/api/octopusservernodes{/id}{?skip,take,ids,partialName}',
    SpaceHome: '/api/{spaceId}',
    Spaces: `/api/spaces{/id}${queryTemplate(profile, 'Spaces')}`,
    Tasks: `/api/tasks{/id}${queryTemplate(profile, 'Tasks')}`,
    TaskTypes: profile.taskTypesPath,
    Web: '/app',
  }
  if (profile.version !== '2019.7') global.WorkerToolsLatestImages = '/api/workertoolslatestimages'
  if (!defaultSpaceId) return global
  const space = spaceLinks(profile, defaultSpaceId)
  delete space.Self
  delete space.SpaceHome
  // Tasks stays global in the root document (as on a real server).
  delete space.Tasks
  return sortedLinks({...global, ...space})
}

/** Real roots list links alphabetically after Self (the 2023.1.9626 root does). */
function sortedLinks(links: Record<string, string>): Record<string, string> {
  const {Self, ...rest} = links
  return {Self, ...Object.fromEntries(Object.entries(rest).sort(([a], [b]) => a.toLowerCase().localeCompare(b.toLowerCase())))}
}
