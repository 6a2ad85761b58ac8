import {queryList, queryValue} from '../http.js'
import {arrayJson, collectionJson, paging} from '../collections.js'
import {loadDoc, loadPresented, matchesCommonFilters, spacePath} from '../docs.js'
import type {DocKind} from '../store.js'
import type {Request, Route} from '../router.js'
import {queryTemplate, type QueryKey} from '../profiles.js'
import {createAccount, createMachine, createProxy} from '../model/infra.js'

/** Machine policies, accounts, proxies and deployment targets: enough for workers to refer to (model/infra.ts). */

function filtered(req: Request, kind: DocKind, extra?: (doc: any) => boolean): string[] {
  const ids = queryList(req.query, 'ids')
  const name = queryValue(req.query, 'name')
  const partialName = queryValue(req.query, 'partialName')
  return req.ctx.store.listDocs(kind, req.spaceId)
    .filter((r) => {
      const doc = JSON.parse(r.json)
      return matchesCommonFilters(doc, ids, name, partialName) && (!extra || extra(doc))
    })
    .map((r) => r.json)
}

/** list, /all and {id} for a space-scoped kind. */
function readRoutes(segment: string, kind: DocKind, itemType: string, query: QueryKey, allQuery: QueryKey, extra?: (req: Request) => ((doc: any) => boolean) | undefined): Route[] {
  return [
    {method: 'GET', path: segment, scope: 'space', query, handler: (req) => ({jsonText: collectionJson(req.ctx, itemType, filtered(req, kind, extra?.(req)), paging(req.query), spacePath(req.spaceId, segment), spacePath(req.spaceId, `${segment}${queryTemplate(req.ctx.profile, query)}`), req.query)})},
    {method: 'GET', path: `${segment}/all`, scope: 'space', query: allQuery, handler: (req) => ({jsonText: arrayJson(req.ctx, filtered(req, kind, extra?.(req)))})},
    {method: 'GET', path: `${segment}/{id}`, scope: 'space', handler: (req) => ({jsonText: loadPresented(req.ctx, kind, req.params.id, req.spaceId)})},
  ]
}

const machineFilter = (req: Request) => {
  const thumbprint = queryValue(req.query, 'thumbprint')?.toUpperCase()
  return thumbprint ? (doc: {Thumbprint: string | null}) => (doc.Thumbprint ?? '').toUpperCase() === thumbprint : undefined
}

const accountFilter = (req: Request) => {
  const types = queryList(req.query, 'accountType')
  return types ? (doc: {AccountType: string}) => types.includes(doc.AccountType) : undefined
}

export const infraRoutes: Route[] = [
  ...readRoutes('machinepolicies', 'MachinePolicy', 'MachinePolicy', 'MachinePolicies', 'IdsOnly'),
  {method: 'GET', path: 'machinepolicies/{id}/workers', scope: 'space', handler: (req) => {
    const policy = loadDoc<{Id: string}>(req.ctx, 'MachinePolicy', req.params.id, req.spaceId)
    const workers = req.ctx.store.listJson('Worker', req.spaceId, true).filter((t) => (JSON.parse(t) as {MachinePolicyId: string}).MachinePolicyId === policy.Id)
    return {jsonText: collectionJson(req.ctx, 'Worker', workers, paging(req.query), spacePath(req.spaceId, `machinepolicies/${policy.Id}/workers`), spacePath(req.spaceId, `machinepolicies/${policy.Id}/workers{?skip,take}`), req.query)}
  }},
  ...readRoutes('accounts', 'Account', 'Account', 'Accounts', 'IdsOnly', accountFilter),
  {method: 'POST', path: 'accounts', scope: 'space', handler: (req) => ({status: 201, json: createAccount(req.ctx, req.spaceId, req.body())})},
  ...readRoutes('proxies', 'Proxy', 'Proxy', 'Proxies', 'IdsOnly'),
  {method: 'POST', path: 'proxies', scope: 'space', handler: (req) => ({status: 201, json: createProxy(req.ctx, req.spaceId, req.body())})},
  ...readRoutes('machines', 'Machine', 'Machine', 'Machines', 'MachinesAll', machineFilter),
  {method: 'POST', path: 'machines', scope: 'space', handler: (req) => ({status: 201, json: createMachine(req.ctx, req.spaceId, req.body())})},
]
