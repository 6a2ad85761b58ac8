import {usageLinks} from './usage-model.js'

/**
 * Link templates (RFC 6570) as Octopus publishes them. Space links always use the
 * `/api/Spaces-N/...` form: every server version since 2019 answers it.
 */

export const WORKERS_QUERY = '{?skip,take,name,ids,partialName,isDisabled,healthStatuses,commStyles,workerPoolIds,thumbprint,shellNames}'
const TASKS_QUERY_2021 = '{?skip,active,environment,tenant,runbook,project,name,node,running,states,hasPendingInterruptions,hasWarningsOrErrors,take,ids,partialName,spaces,includeSystem}'
const TASKS_QUERY_2026 = '{?skip,active,environment,tenant,runbook,project,name,node,running,states,hasPendingInterruptions,hasWarningsOrErrors,take,ids,partialName,spaces,includeSystem,description,fromCompletedDate,toCompletedDate,fromQueueDate,toQueueDate,fromStartDate,toStartDate}'

export function tasksQuery(version: string): string {
  return version.startsWith('2021') ? TASKS_QUERY_2021 : TASKS_QUERY_2026
}

/** The links of a space, with the space ID already filled in. */
export function spaceLinks(spaceId: string, version: string): Record<string, string> {
  const base = `/api/${spaceId}`
  const links: Record<string, string> = {
    Self: base,
    SpaceHome: base,
    WorkerPools: `${base}/workerpools{/id}{?name,skip,ids,take,partialName}`,
    WorkerPoolsSummary: `${base}/workerpools/summary{?ids,partialName,machinePartialName,isDisabled,healthStatuses,commStyles,hideEmptyWorkerPools,shellNames}`,
    WorkerPoolsSortOrder: `${base}/workerpools/sortorder`,
    WorkerPoolsDynamicWorkerTypes: `${base}/workerpools/dynamicworkertypes`,
    WorkerPoolsSupportedTypes: `${base}/workerpools/supportedtypes`,
    Workers: `${base}/workers{/id}${WORKERS_QUERY}`,
    DiscoverWorker: `${base}/workers/discover{?host,port,type,proxyId}`,
    WorkerOperatingSystems: `${base}/workers/operatingsystem/names/all`,
    WorkerShells: `${base}/workers/operatingsystem/shells/all`,
    MachinePolicies: `${base}/machinepolicies{/id}{?skip,take,ids,partialName}`,
    Accounts: `${base}/accounts{/id}{?skip,take,ids,partialName,accountType}`,
    Proxies: `${base}/proxies{/id}{?skip,take,ids,partialName}`,
    Machines: `${base}/machines{/id}{?skip,take,name,ids,partialName,roles,isDisabled,healthStatuses,commStyles,tenantIds,tenantTags,environmentIds,thumbprint,deploymentId,shellNames}`,
    Tasks: `${base}/tasks{/id}${tasksQuery(version)}`,
    ...usageLinks(base),
  }
  if (!version.startsWith('2021')) links.WorkerTaskLeases = `${base}/workertaskleases{?skip,take}`
  return links
}

/** The `/api` root document's links: global ones plus the default space's. */
export function rootLinks(defaultSpaceId: string | undefined, version: string): Record<string, string> {
  const global: Record<string, string> = {
    Self: '/api',
    CurrentUser: '/api/users/me',
    SpaceHome: '/api/{spaceId}',
    Spaces: '/api/spaces{/id}{?name,skip,ids,take,partialName}',
    FeaturesConfiguration: '/api/featuresconfiguration',
    OctopusServerNodes: '/api/octopusservernodes{/id}{?skip,take,ids,partialName}',
    Tasks: `/api/tasks{/id}${tasksQuery(version)}`,
    TaskTypes: '/api/tasks/taskTypes',
  }
  if (!defaultSpaceId) return global
  const space = spaceLinks(defaultSpaceId, version)
  delete space.Self
  delete space.SpaceHome
  // Tasks stays global in the root document (as on a real server).
  delete space.Tasks
  return {...global, ...space}
}
