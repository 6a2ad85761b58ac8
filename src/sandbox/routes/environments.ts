import {queryList, queryValue} from '../http.js'
import type {SandboxContext} from '../context.js'
import {arrayJson, collectionJson, paging} from '../collections.js'
import {loadJson, matchesCommonFilters, spacePath, stamp} from '../docs.js'
import {queryTemplate} from '../profiles.js'
import {slugify} from '../validate.js'
import type {Request, Route} from '../router.js'

/**
 * Environments (read-only here): list, `/all` and `/{id}`, so the environments deployment targets
 * refer to resolve, as on a real server (Octopus's own TypeScript client and the `octopus-deploy`
 * npm package read them). The shape is the 2021.2 swagger's EnvironmentResource (plus `Slug` on
 * versions that have slugs). Other route files may build on `buildEnvironment` and `listEnvironments`.
 */
export interface EnvironmentDoc {
  Id: string
  Name: string
  Slug: string
  Description: string | null
  SortOrder: number
  UseGuidedFailure: boolean
  AllowDynamicInfrastructure: boolean
  ExtensionSettings: unknown[]
  SpaceId: string
  LastModifiedOn: string
  LastModifiedBy: string
  Links: Record<string, string>
}

export function buildEnvironment(ctx: SandboxContext, spaceId: string, id: string, fields: {Name: string; Description?: string | null; SortOrder: number}): EnvironmentDoc {
  return {
    Id: id,
    Name: fields.Name,
    Slug: slugify(fields.Name),
    Description: fields.Description ?? null,
    SortOrder: fields.SortOrder,
    UseGuidedFailure: false,
    AllowDynamicInfrastructure: true,
    ExtensionSettings: [],
    SpaceId: spaceId,
    ...stamp(ctx),
    Links: {
      Self: spacePath(spaceId, `environments/${id}`),
      Machines: spacePath(spaceId, `environments/${id}/machines{?skip,take,partialName,roles,isDisabled,healthStatuses,commStyles,tenantIds,tenantTags,shellNames}`),
    },
  }
}

/** The space's environments in SortOrder, filtered by `ids`, `name` (exact) and `partialName`. */
export function listEnvironments(ctx: SandboxContext, spaceId: string, query: URLSearchParams): string[] {
  const ids = queryList(query, 'ids')
  const name = queryValue(query, 'name')
  const partialName = queryValue(query, 'partialName')
  return ctx.store.listDocs('Environment', spaceId)
    .map((r) => ({row: r, doc: JSON.parse(r.json) as EnvironmentDoc}))
    .filter(({doc}) => matchesCommonFilters(doc, ids, name, partialName))
    .sort((a, b) => a.doc.SortOrder - b.doc.SortOrder || a.row.num - b.row.num)
    .map(({row}) => row.json)
}

export const environmentRoutes: Route[] = [
  {method: 'GET', path: 'environments', scope: 'space', query: 'Environments', handler: (req: Request) => ({jsonText: collectionJson(req.ctx, 'Environment', listEnvironments(req.ctx, req.spaceId, req.query), paging(req.query),
    spacePath(req.spaceId, 'environments'), spacePath(req.spaceId, `environments${queryTemplate(req.ctx.profile, 'Environments')}`), req.query)})},
  {method: 'GET', path: 'environments/all', scope: 'space', query: 'EnvironmentsAll', handler: (req: Request) => ({jsonText: arrayJson(listEnvironments(req.ctx, req.spaceId, req.query))})},
  {method: 'GET', path: 'environments/{id}', scope: 'space', handler: (req: Request) => ({jsonText: loadJson(req.ctx, 'Environment', req.params.id, req.spaceId)})},
]
