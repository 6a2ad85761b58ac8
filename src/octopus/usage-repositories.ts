/**
 * The reads behind `pool usage`: projects, their processes, runbooks, environments, channels and
 * variables of one space, each as ONE list request (or a few pages of a paged list), never one
 * request per project or runbook on a database-stored estate. Only version-controlled projects
 * cost one more request each (their process lives in git). URLs come from the space's links
 * where the server publishes them (`Projects`, `DeploymentProcesses`, ... as in the root
 * document since 2019).
 *
 * A link the server does not publish is a resource it does not have, unless every version this
 * tool supports (2019.7 on) has it. So:
 * - `Runbooks` (and with them `RunbookProcesses`) arrived in Octopus 2019.11: without the link
 *   nothing is read, and the server is reported as having no runbooks (never a guessed route, which
 *   a 2019.7 server answers with 404);
 * - `Projects`, `DeploymentProcesses`, `Environments`, `Channels`, `LibraryVariables`, `Variables`,
 *   `Lifecycles` and `feeds/all` exist on every supported version (all are in the 2019.7.12 and
 *   2020.4.0 roots): without a link (a root that lists only some links) their documented
 *   `/api/{spaceId}/...` route is read, and a 404 there is an error the callers report, never an
 *   empty estate;
 * - `variables/all` has no link of its own on any version: it is probed, and a 404 falls back to
 *   one `Variables` read per set;
 * - a version-controlled project's process is read only for a project that says it is one.
 */
import type {SpaceContext} from './client.js'
import {OctopusApiError} from './errors.js'
import type {TemplateParams} from './uri-template.js'
import {jsonDocument, namedList, resource, resourceList} from './response-shapes.js'
import type {ChannelFacts, LibraryVariableSetFacts, LifecycleFacts, NamedFacts, ProcessFacts, ProjectFacts, RunbookFacts, VariableSetFacts} from './usage-types.js'

/** The largest page Octopus accepts; paged lists are then read in one request unless the server caps it. */
const ALL = 2_147_483_647

function spaceUrl(space: SpaceContext, linkName: string, params: TemplateParams, fallback: string): string {
  if (space.hasLink(linkName)) return space.link(linkName, params)
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (key === 'id' || value === undefined || value === null) continue
    query.set(key, Array.isArray(value) ? value.join(',') : String(value))
  }
  const id = params.id === undefined ? '' : `/${encodeURIComponent(String(params.id))}`
  const qs = query.toString()
  return space.path(`${fallback}${id}${qs ? `?${qs}` : ''}`)
}

/** Each item of a list kept as it came: read as it arrives, so that the body is never held whole beside its tree. */
const asItIs = <T>(item: T): T => item

export function listProjects(space: SpaceContext): Promise<ProjectFacts[]> {
  return space.client.getList(spaceUrl(space, 'Projects', {id: 'all'}, 'projects'), namedList<ProjectFacts>(), asItIs)
}

/**
 * The space's deployment processes (paged; "sorted by Id"); may include release snapshots. Each is
 * reduced by `keep` as the list arrives (a large space's processes are its largest list after its workers).
 */
export function listDeploymentProcesses(space: SpaceContext, keep: (process: ProcessFacts) => ProcessFacts = asItIs): Promise<ProcessFacts[]> {
  return space.client.getAllPages(spaceUrl(space, 'DeploymentProcesses', {skip: 0, take: ALL}, 'deploymentprocesses'), resource<ProcessFacts>(), keep)
}

/** Whether the server has runbooks at all: its root (or the space home) links them from Octopus 2019.11 on. */
export function serverHasRunbooks(space: SpaceContext): boolean {
  return space.hasLink('Runbooks')
}

/** The space's runbooks; none, without a request, on a server that has no runbooks. */
export async function listRunbooks(space: SpaceContext): Promise<RunbookFacts[]> {
  if (!serverHasRunbooks(space)) return []
  return space.client.getList(space.link('Runbooks', {id: 'all'}), namedList<RunbookFacts>(), asItIs)
}

/**
 * The space's runbook processes (paged; may include runbook snapshots); none on a server without
 * runbooks. Where runbooks exist their processes do too, so the documented route stands in for a
 * missing `RunbookProcesses` link.
 */
export async function listRunbookProcesses(space: SpaceContext, keep: (process: ProcessFacts) => ProcessFacts = asItIs): Promise<ProcessFacts[]> {
  if (!serverHasRunbooks(space)) return []
  return space.client.getAllPages(spaceUrl(space, 'RunbookProcesses', {skip: 0, take: ALL}, 'runbookProcesses'), resource<ProcessFacts>(), keep)
}

/** The space's lifecycles (phases with their environments). */
export function listLifecycles(space: SpaceContext): Promise<LifecycleFacts[]> {
  return space.client.get(spaceUrl(space, 'Lifecycles', {id: 'all'}, 'lifecycles'), resourceList<LifecycleFacts>())
}

export function listEnvironments(space: SpaceContext): Promise<NamedFacts[]> {
  return space.client.get(spaceUrl(space, 'Environments', {id: 'all'}, 'environments'), namedList<NamedFacts>())
}

export function listChannels(space: SpaceContext): Promise<ChannelFacts[]> {
  return space.client.getList(spaceUrl(space, 'Channels', {id: 'all'}, 'channels'), namedList<ChannelFacts>(), asItIs)
}

/**
 * Library variable sets (script modules left out). `contentType` is an optimisation the server
 * may ignore, so the client filters again.
 */
export async function listLibraryVariableSets(space: SpaceContext): Promise<LibraryVariableSetFacts[]> {
  const sets = await space.client.get(spaceUrl(space, 'LibraryVariables', {id: 'all', contentType: 'Variables'}, 'libraryvariablesets'), namedList<LibraryVariableSetFacts>())
  return sets.filter((s) => !s.ContentType || s.ContentType === 'Variables')
}

export function listFeeds(space: SpaceContext): Promise<NamedFacts[]> {
  return space.client.get(space.path('feeds/all'), namedList<NamedFacts>())
}

/** Above this URL length the `ids` filter is left out (one request either way). */
const MAX_IDS_URL = 6000

/**
 * The variable sets with these IDs, in ONE request: `variables/all?ids=...`. Servers that do not
 * know `ids` (the 2021.2 swagger lists none) return every set, snapshots included, so the answer
 * is filtered here either way; when the IDs would make the URL too long they are not sent.
 * A server without `variables/all` (404) is read one set at a time, as a last resort.
 */
export async function listVariableSets(space: SpaceContext, ids: string[], onFallback?: () => void): Promise<VariableSetFacts[]> {
  const wanted = new Set(ids)
  if (wanted.size === 0) return []
  const base = space.path('variables/all')
  const withIds = `${base}?ids=${[...wanted].map(encodeURIComponent).join(',')}`
  const url = withIds.length <= MAX_IDS_URL ? withIds : base
  // Each set is kept or dropped as the list arrives: the unwanted sets of a server that ignored `ids` are never all held.
  const keep = (set: VariableSetFacts) => (wanted.has(set.Id) ? set : undefined)
  const response = await space.client.request<VariableSetFacts[]>('GET', url, {allowStatus: [404], expect: resourceList<VariableSetFacts>(), keep: keep as (item: never) => unknown})
  if (response.status !== 404 && Array.isArray(response.data)) return response.data
  onFallback?.()
  const sets: VariableSetFacts[] = []
  for (const id of wanted) sets.push(await space.client.get(spaceUrl(space, 'Variables', {id}, 'variables'), resource<VariableSetFacts>()))
  return sets
}

/** A git ref as a path segment: `refs/heads/main` stays one segment. */
function gitRefSegment(gitRef: string): string {
  return encodeURIComponent(gitRef)
}

/**
 * The deployment process of a version-controlled project at a git ref: the project's own
 * `DeploymentProcess` link (a `{gitRef}` template on such projects), else the documented route.
 */
export function getGitDeploymentProcess(space: SpaceContext, project: ProjectFacts, gitRef: string): Promise<ProcessFacts> {
  const link = project.Links?.DeploymentProcess
  const url = link && link.includes('{gitRef}')
    ? link.replace(/\{gitRef\}/g, gitRefSegment(gitRef))
    : space.path(`projects/${encodeURIComponent(project.Id)}/${gitRefSegment(gitRef)}/deploymentprocesses`)
  return space.client.get(url, jsonDocument<ProcessFacts>())
}

/** The text variables of a project whose variables are in git (sensitive ones stay in the database set). */
export function getGitVariables(space: SpaceContext, project: ProjectFacts, gitRef: string): Promise<VariableSetFacts> {
  return space.client.get(space.path(`projects/${encodeURIComponent(project.Id)}/${gitRefSegment(gitRef)}/variables`), jsonDocument<VariableSetFacts>())
}

export function isNotFoundOrForbidden(error: unknown): error is OctopusApiError {
  return error instanceof OctopusApiError && [401, 403, 404].includes(error.status)
}
