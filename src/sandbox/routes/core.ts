import {queryList, queryValue, validationError} from '../http.js'
import {isLegacy, type SandboxContext} from '../context.js'
import {arrayJson, collectionJson, paging} from '../collections.js'
import {loadDoc, loadJson, matchesCommonFilters, stamp} from '../docs.js'
import {queryTemplate, rootLinks, spaceLinks} from '../profiles.js'
import type {Request, Route} from '../router.js'

export interface SpaceDoc {
  Id: string
  Name: string
  Slug: string
  Description: string | null
  IsDefault: boolean
  TaskQueueStopped: boolean
  SpaceManagersTeams: string[]
  SpaceManagersTeamMembers: string[]
  LastModifiedOn: string
  LastModifiedBy: string
  Links: Record<string, string>
}

export function defaultSpaceId(ctx: SandboxContext): string | undefined {
  return ctx.store.listDocs('Space', null).map((r) => JSON.parse(r.json) as SpaceDoc).find((s) => s.IsDefault)?.Id
}

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

/** The fields of FeaturesConfigurationResource each emulated version knows, all kept on PUT. */
const FEATURE_FLAGS_2021 = ['IsBuiltInWorkerEnabled', 'IsCommunityActionTemplatesEnabled', 'IsHelpSidebarEnabled', 'IsKubernetesEnabled', 'IsActionContainersEnabled', 'IsConfigurationAsCodeEnabled', 'IsAzureZipDeployEnabled', 'IsStepUiFrameworkEnabled']
const FEATURE_FLAGS_2026 = [...FEATURE_FLAGS_2021, 'IsAutomaticStepUpdatesEnabled', 'IsCompositeDockerHubRegistryFeedEnabled', 'IsConfigureFeedsWithLocalOrSmbPathsEnabled', 'IsExperimentalUIFeatureEnabled', 'IsGitHubAppEnabled', 'IsKubernetesCloudTargetDiscoveryEnabled', 'IsProjectsPageOnboardingEnabled', 'IsProjectsPageOptimizationEnabled', 'IsWebhookTriggerEnabled']
const FEATURE_STRINGS = ['HelpSidebarSupportLink', 'HelpSidebarSupportLinkLabel', 'DefaultPowerShellEdition']

export function defaultFeatures(): Record<string, unknown> {
  const doc: Record<string, unknown> = {Id: 'features'}
  for (const flag of FEATURE_FLAGS_2026) doc[flag] = flag !== 'IsExperimentalUIFeatureEnabled'
  doc.HelpSidebarSupportLink = null
  doc.HelpSidebarSupportLinkLabel = null
  doc.DefaultPowerShellEdition = 'WindowsPowerShell'
  return doc
}

export function readFeatures(ctx: SandboxContext): Record<string, unknown> {
  const stored = ctx.store.getMeta('features')
  const doc = stored ? (JSON.parse(stored) as Record<string, unknown>) : defaultFeatures()
  const flags = isLegacy(ctx) ? FEATURE_FLAGS_2021 : FEATURE_FLAGS_2026
  const out: Record<string, unknown> = {Id: 'features'}
  for (const flag of flags) out[flag] = doc[flag]
  for (const field of isLegacy(ctx) ? ['HelpSidebarSupportLink'] : FEATURE_STRINGS) out[field] = doc[field] ?? null
  out.LastModifiedOn = doc.LastModifiedOn ?? null
  out.LastModifiedBy = doc.LastModifiedBy ?? null
  out.Links = {Self: '/api/featuresconfiguration'}
  return out
}

/** PUT is a full replace: a flag the body leaves out goes back to its default (clients send the whole GET body back). */
function writeFeatures(ctx: SandboxContext, req: Request): Record<string, unknown> {
  const body = req.body()
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw validationError('The request body must be a JSON object.')
  const input = body as Record<string, unknown>
  const errors: string[] = []
  const stored = ctx.store.getMeta('features')
  const previous = stored ? (JSON.parse(stored) as Record<string, unknown>) : defaultFeatures()
  const next: Record<string, unknown> = {...defaultFeatures()}
  // Flags this emulated version does not know are left as they were.
  const known = isLegacy(ctx) ? FEATURE_FLAGS_2021 : FEATURE_FLAGS_2026
  for (const flag of FEATURE_FLAGS_2026) {
    if (!known.includes(flag)) {
      next[flag] = previous[flag]
      continue
    }
    const value = input[flag]
    if (value === undefined || value === null) continue
    if (typeof value !== 'boolean') errors.push(`${flag} must be true or false.`)
    else next[flag] = value
  }
  for (const field of FEATURE_STRINGS) {
    const value = input[field]
    if (value === undefined || value === null) next[field] = field === 'DefaultPowerShellEdition' ? 'WindowsPowerShell' : null
    else if (typeof value !== 'string') errors.push(`${field} must be a string.`)
    else next[field] = value
  }
  if (errors.length) throw validationError(...errors)
  Object.assign(next, stamp(ctx))
  ctx.store.setMeta('features', JSON.stringify(next))
  return readFeatures(ctx)
}

function currentUser(req: Request) {
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
  {method: 'GET', path: 'spaces/all', scope: 'global', query: 'SpacesAll', handler: (req) => ({jsonText: arrayJson(listSpaces(req.ctx, req.query))})},
  {method: 'GET', path: 'spaces/{id}', scope: 'global', handler: (req) => ({jsonText: loadJson(req.ctx, 'Space', req.params.id)})},
  {method: 'GET', path: 'featuresconfiguration', scope: 'global', handler: (req) => ({json: readFeatures(req.ctx)})},
  {method: 'PUT', path: 'featuresconfiguration', scope: 'global', handler: (req) => ({json: writeFeatures(req.ctx, req)})},
  {method: 'GET', path: 'octopusservernodes', scope: 'global', handler: (req) => ({jsonText: collectionJson(req.ctx, 'OctopusServerNode', serverNodes(req.ctx), paging(req.query), '/api/octopusservernodes', '/api/octopusservernodes{/id}{?skip,take,ids,partialName}', req.query)})},
  {method: 'GET', path: 'octopusservernodes/all', scope: 'global', handler: (req) => ({jsonText: arrayJson(serverNodes(req.ctx))})},
  {method: 'GET', path: 'octopusservernodes/all', scope: 'space', handler: (req) => ({jsonText: arrayJson(serverNodes(req.ctx))})},
  {method: 'GET', path: 'octopusservernodes/{id}', scope: 'global', handler: (req) => ({jsonText: loadJson(req.ctx, 'ServerNode', req.params.id)})},
]

