/**
 * Read routes for projects and what their steps run on (model/usage/documents.ts builds them), in both route forms.
 * Version differences emulated, so the client's handling of each reading is tested:
 * - `variables/all`: 2021.2 lists no parameters and ignores `ids` (returning every set, release
 *   snapshots included); 2026.1 honours `ids`.
 * - `libraryvariablesets/all`: 2021.2 ignores `contentType`; 2026.1 honours it.
 * - `runbookProcesses`: `ids` only on 2026.1.
 * - the space's `deploymentprocesses` list holds release snapshots on 2021.2 only.
 * - runbooks and runbook processes: only from 2019.11 on (`profile.runbooks`); a 2019.7 server
 *   answers their routes with 404.
 * - version-controlled projects: no database process (`deploymentprocesses/{id}` is 404, as real
 *   servers answer), the process is at `projects/{id}/{gitRef}/deploymentprocesses`.
 */
import {HttpError, queryList, queryValue} from '../http.js'
import {isLegacy} from '../context.js'
import {arrayJson, collectionJson, paging} from '../collections.js'
import {spacePath} from '../docs.js'
import type {Reply, Request, Route} from '../router.js'
import type {UsageKind} from '../model/usage/schema.js'
import type {StoredUsageDoc} from '../model/usage/store.js'

interface Listed {
  kind: UsageKind
  /** Route segment, e.g. `projects`. */
  path: string
  /** Octopus's name for the document type, in 404s and collection ItemType. */
  label: string
  template: string
  /** Versions that have the resource (default: every one). */
  when?: Route['when']
}

const LISTED: Listed[] = [
  {kind: 'Environment', path: 'environments', label: 'Environment', template: '{?name,skip,ids,take,partialName}'},
  {kind: 'Lifecycle', path: 'lifecycles', label: 'Lifecycle', template: '{?skip,take,ids,partialName}'},
  {kind: 'Project', path: 'projects', label: 'Project', template: '{?skip,take,ids,partialName}'},
  {kind: 'Channel', path: 'channels', label: 'Channel', template: '{?skip,take,ids,partialName}'},
  {kind: 'Runbook', path: 'runbooks', label: 'Runbook', template: '{?skip,take,ids,partialName,projectIds}', when: (profile) => profile.runbooks},
  {kind: 'LibraryVariableSet', path: 'libraryvariablesets', label: 'LibraryVariableSet', template: '{?skip,contentType,take,ids,partialName}'},
  {kind: 'Feed', path: 'feeds', label: 'Feed', template: '{?skip,take,ids,partialName,feedType}'},
]

function byIds(docs: readonly StoredUsageDoc[], ids: string[] | undefined): readonly StoredUsageDoc[] {
  if (!ids || ids.length === 0) return docs
  const wanted = new Set(ids.map((id) => id.toLowerCase()))
  return docs.filter((doc) => wanted.has(doc.Id.toLowerCase()))
}

function byName(docs: readonly StoredUsageDoc[], partialName: string | undefined): readonly StoredUsageDoc[] {
  if (!partialName) return docs
  const needle = partialName.toLowerCase()
  return docs.filter((doc) => String(doc.Name ?? '').toLowerCase().includes(needle))
}

function loadUsage(req: Request, kind: UsageKind, label: string, id: string): string {
  const json = req.ctx.usage.get(kind, req.spaceId, id)
  if (!json) throw new HttpError(404, `The ${label} with ID '${id}' could not be found.`, [`The ${label} with ID '${id}' could not be found.`])
  return json
}

function listedRoutes(listed: Listed): Route[] {
  const filtered = (req: Request) => {
    let docs = byIds(req.ctx.usage.list(listed.kind, req.spaceId), queryList(req.query, 'ids'))
    if (listed.kind === 'LibraryVariableSet' && !isLegacy(req.ctx)) {
      const contentType = queryValue(req.query, 'contentType')
      if (contentType) docs = docs.filter((doc) => doc.ContentType === contentType)
    }
    if (listed.kind === 'Runbook') {
      const projectIds = queryList(req.query, 'projectIds')
      if (projectIds?.length) docs = docs.filter((doc) => projectIds.includes(doc.ProjectId ?? ''))
    }
    // `name` is an exact, case-insensitive match where the route's template has it (environments).
    const exactName = listed.template.includes('name,') ? queryValue(req.query, 'name') : undefined
    if (exactName) docs = docs.filter((doc) => String(doc.Name ?? '').toLowerCase() === exactName.toLowerCase())
    return byName(docs, queryValue(req.query, 'partialName'))
  }
  const routes: Route[] = [
    {method: 'GET', path: `${listed.path}/all`, scope: 'space', handler: (req) => ({jsonText: arrayJson(req.ctx, filtered(req))})},
    {
      method: 'GET', path: listed.path, scope: 'space',
      handler: (req) => ({jsonText: collectionJson(req.ctx, listed.label, filtered(req), paging(req.query), spacePath(req.spaceId, listed.path), spacePath(req.spaceId, `${listed.path}${listed.template}`), req.query)}),
    },
    {method: 'GET', path: `${listed.path}/{id}`, scope: 'space', handler: (req) => ({jsonText: req.ctx.present.text(loadUsage(req, listed.kind, listed.label, req.params.id))})},
  ]
  return listed.when ? routes.map((route) => ({...route, when: listed.when})) : routes
}

function isSnapshot(doc: StoredUsageDoc): boolean {
  return /-s-\d+-[A-Z0-9]+$/i.test(doc.Id)
}

function processList(kind: 'DeploymentProcess' | 'RunbookProcess', path: string, itemType: string): Route {
  return {
    method: 'GET', path, scope: 'space', when: kind === 'RunbookProcess' ? (profile) => profile.runbooks : undefined,
    handler: (req) => {
      let docs = req.ctx.usage.list(kind, req.spaceId)
      // Whether real lists include release snapshots is unconfirmed: 2021.2 here does, 2026.1 does not.
      if (!isLegacy(req.ctx)) docs = docs.filter((doc) => !isSnapshot(doc))
      if (kind === 'DeploymentProcess' || !isLegacy(req.ctx)) docs = byIds(docs, queryList(req.query, 'ids'))
      return {jsonText: collectionJson(req.ctx, itemType, docs, paging(req.query), spacePath(req.spaceId, path), spacePath(req.spaceId, `${path}{?skip,take,ids}`), req.query)}
    },
  }
}

interface ProjectDoc {
  Id: string
  IsVersionControlled: boolean
  DeploymentProcessId: string
  PersistenceSettings: {Type: string; DefaultBranch?: string}
}

function loadProject(req: Request): ProjectDoc {
  return JSON.parse(loadUsage(req, 'Project', 'Project', req.params.id)) as ProjectDoc
}

/** `main`, `refs/heads/main` (URL-encoded as one segment) both name the branch. */
function canonicalRef(gitRef: string): string {
  return gitRef.startsWith('refs/') ? gitRef : `refs/heads/${gitRef}`
}

function gitProcess(req: Request): Reply {
  const project = loadProject(req)
  if (!project.IsVersionControlled) {
    throw new HttpError(400, `The project '${project.Id}' is not version controlled; its deployment process is at /deploymentprocesses/${project.DeploymentProcessId}.`)
  }
  const ref = canonicalRef(req.params.gitRef)
  const json = req.ctx.usage.get('GitDeploymentProcess', req.spaceId, `${project.Id}|${ref}`)
  if (!json) throw new HttpError(404, `The git reference '${req.params.gitRef}' could not be found in the repository of project '${project.Id}'.`)
  // Stored under a key that names the ref; served with the process's own ID (in its place, first).
  return {json: {...(JSON.parse(json) as StoredUsageDoc), Id: project.DeploymentProcessId}}
}

function databaseProcess(req: Request, id: string): Reply {
  const json = req.ctx.usage.get('DeploymentProcess', req.spaceId, id)
  // What real servers answer for a version-controlled project's process ID.
  if (!json) throw new HttpError(404, `The resource '${id}' was not found.`)
  return {jsonText: req.ctx.present.text(json)}
}

function allVariableSets(req: Request): Reply {
  const sets = req.ctx.usage.list('VariableSet', req.spaceId)
  // 2021.2 lists no parameters for this route: it answers with every set, snapshots included.
  if (isLegacy(req.ctx)) return {jsonText: arrayJson(req.ctx, sets)}
  return {jsonText: arrayJson(req.ctx, byIds(sets.filter((doc) => !isSnapshot(doc)), queryList(req.query, 'ids')))}
}

export const usageRoutes: Route[] = [
  ...LISTED.flatMap(listedRoutes),
  processList('DeploymentProcess', 'deploymentprocesses', 'DeploymentProcess'),
  {method: 'GET', path: 'deploymentprocesses/{id}', scope: 'space', handler: (req) => databaseProcess(req, req.params.id)},
  {
    // A per-project route of newer servers (the current API reference; not in 2021.2).
    method: 'GET', path: 'projects/{id}/deploymentprocesses', scope: 'space', when: (profile) => profile.version >= '2023.1',
    handler: (req) => {
      const project = loadProject(req)
      if (project.IsVersionControlled) throw new HttpError(400, `The project '${project.Id}' is version controlled: give a git ref, e.g. /projects/${project.Id}/refs%2Fheads%2F${project.PersistenceSettings.DefaultBranch ?? 'main'}/deploymentprocesses.`)
      return databaseProcess(req, project.DeploymentProcessId)
    },
  },
  {method: 'GET', path: 'projects/{id}/{gitRef}/deploymentprocesses', scope: 'space', handler: gitProcess},
  processList('RunbookProcess', 'runbookProcesses', 'RunbookProcess'),
  {method: 'GET', path: 'runbookProcesses/{id}', scope: 'space', when: (profile) => profile.runbooks, handler: (req) => ({jsonText: req.ctx.present.text(loadUsage(req, 'RunbookProcess', 'RunbookProcess', req.params.id))})},
  {method: 'GET', path: 'variables/all', scope: 'space', handler: allVariableSets},
  {method: 'GET', path: 'variables/{id}', scope: 'space', handler: (req) => ({jsonText: req.ctx.present.text(loadUsage(req, 'VariableSet', 'VariableSet', req.params.id))})},
]
