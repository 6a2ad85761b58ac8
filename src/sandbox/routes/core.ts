import {queryList, queryValue} from '../http.js'
import type {SandboxContext} from '../server-context.js'
import {arrayJson, collectionJson, paging} from '../collections.js'
import {loadDoc, loadPresented, matchesCommonFilters} from '../docs.js'
import {queryTemplate, rootLinks, spaceLinks} from '../profiles.js'
import type {Request, Route} from '../router.js'
import {defaultSpaceId, type SpaceDoc} from '../model/spaces.js'
import {readFeatures, writeFeatures} from '../model/features.js'
import {OIDC_SERVICE_ACCOUNT_USER} from '../oidc.js'

function rootDocument(ctx: SandboxContext) {
  return {
    Application: 'Octopus Deploy',
    Version: ctx.profile.versionString,
    ApiVersion: '3.0.0',
    InstallationId: ctx.store.getMeta('installation-id') ?? null,
    IsEarlyAccessProgram: false,
    HasLongTermSupport: true,
    Links: rootLinks(ctx.profile, defaultSpaceId(ctx)),
  }
}

function currentUser(req: Request) {
  if (req.principal === 'oidc') {
    const user = OIDC_SERVICE_ACCOUNT_USER
    return {...user, EmailAddress: null, IsActive: true, IsService: true, IsRequestor: false, CanPasswordBeEdited: false, Identities: [], Links: {Self: `/api/users/${user.Id}`}}
  }
  const readOnly = req.readOnlyKey
  const id = readOnly ? 'Users-2' : 'Users-1'
  return {
    Id: id,
    Username: readOnly ? 'sandbox-reader' : 'sandbox-admin',
    DisplayName: readOnly ? 'Sandbox read-only user' : 'Sandbox administrator',
    EmailAddress: readOnly ? 'reader@sandbox.invalid' : 'admin@sandbox.invalid',
    IsActive: true,
    IsService: true,
    IsRequestor: false,
    CanPasswordBeEdited: false,
    Identities: [],
    Links: {Self: `/api/users/${id}`},
  }
}

function listSpaces(ctx: SandboxContext, query: URLSearchParams): string[] {
  const ids = queryList(query, 'ids')
  const name = queryValue(query, 'name')
  const partialName = queryValue(query, 'partialName')
  return ctx.store.listDocs('Space', null).filter((r) => matchesCommonFilters(JSON.parse(r.json) as SpaceDoc, ids, name, partialName)).map((r) => r.json)
}

function serverNodes(ctx: SandboxContext): string[] {
  return ctx.store.listDocs('ServerNode', null).map((r) => r.json)
}

export const coreRoutes: Route[] = [
  {method: 'GET', path: '', scope: 'global', handler: (req) => ({json: rootDocument(req.ctx)})},
  {method: 'GET', path: '{spaceId}', scope: 'spaceHome', handler: (req) => {
    loadDoc(req.ctx, 'Space', req.params.spaceId)
    return {json: {Id: req.params.spaceId, Links: spaceLinks(req.ctx.profile, req.params.spaceId)}}
  }},
  {method: 'GET', path: 'users/me', scope: 'global', handler: (req) => ({json: currentUser(req)})},
  {method: 'GET', path: 'spaces', scope: 'global', query: 'Spaces', handler: (req) => ({jsonText: collectionJson(req.ctx, 'Space', listSpaces(req.ctx, req.query), paging(req.query), '/api/spaces', `/api/spaces${queryTemplate(req.ctx.profile, 'Spaces')}`, req.query)})},
  {method: 'GET', path: 'spaces/all', scope: 'global', query: 'SpacesAll', handler: (req) => ({jsonText: arrayJson(req.ctx, listSpaces(req.ctx, req.query))})},
  {method: 'GET', path: 'spaces/{id}', scope: 'global', handler: (req) => ({jsonText: loadPresented(req.ctx, 'Space', req.params.id)})},
  {method: 'GET', path: 'featuresconfiguration', scope: 'global', handler: (req) => ({json: readFeatures(req.ctx)})},
  {method: 'PUT', path: 'featuresconfiguration', scope: 'global', handler: (req) => ({json: writeFeatures(req.ctx, req.body())})},
  {method: 'GET', path: 'octopusservernodes', scope: 'global', handler: (req) => ({jsonText: collectionJson(req.ctx, 'OctopusServerNode', serverNodes(req.ctx), paging(req.query), '/api/octopusservernodes', '/api/octopusservernodes{/id}{?skip,take,ids,partialName}', req.query)})},
  {method: 'GET', path: 'octopusservernodes/all', scope: 'global', handler: (req) => ({jsonText: arrayJson(req.ctx, serverNodes(req.ctx))})},
  {method: 'GET', path: 'octopusservernodes/all', scope: 'space', handler: (req) => ({jsonText: arrayJson(req.ctx, serverNodes(req.ctx))})},
  {method: 'GET', path: 'octopusservernodes/{id}', scope: 'global', handler: (req) => ({jsonText: loadPresented(req.ctx, 'ServerNode', req.params.id)})},
]

