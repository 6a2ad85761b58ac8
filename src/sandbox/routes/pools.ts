import {queryList} from '../http.js'
import {arrayJson, collectionJson, paging} from '../collections.js'
import {loadPresented, spacePath} from '../docs.js'
import type {Route} from '../router.js'
import {queryTemplate} from '../profiles.js'
import {createPool, deletePool, DYNAMIC_WORKER_TYPES, listPools, loadPool, poolSummary, setPoolSortOrder, updatePool} from '../model/pools.js'
import {filterWorkers, workerFilterFromQuery, type WorkerDoc} from '../model/workers.js'

export const poolRoutes: Route[] = [
  {method: 'GET', path: 'workerpools', scope: 'space', query: 'WorkerPools', handler: (req) => {
    const texts = listPools(req.ctx, req.spaceId, req.query).map((p) => JSON.stringify(p))
    return {jsonText: collectionJson(req.ctx, 'WorkerPool', texts, paging(req.query), spacePath(req.spaceId, 'workerpools'), spacePath(req.spaceId, `workerpools${queryTemplate(req.ctx.profile, 'WorkerPools')}`), req.query)}
  }},
  {method: 'GET', path: 'workerpools/all', scope: 'space', query: 'WorkerPoolsAll', handler: (req) => {
    const ids = queryList(req.query, 'ids')
    if (!ids) return {jsonText: arrayJson(req.ctx, req.ctx.store.listJson('WorkerPool', req.spaceId))}
    return {json: listPools(req.ctx, req.spaceId, req.query)}
  }},
  {method: 'POST', path: 'workerpools', scope: 'space', handler: (req) => ({status: 201, json: createPool(req.ctx, req.spaceId, req.body())})},
  {method: 'GET', path: 'workerpools/summary', scope: 'space', query: 'WorkerPoolsSummary', handler: (req) => ({json: poolSummary(req.ctx, req.spaceId, req.query)})},
  {method: 'GET', path: 'workerpools/dynamicworkertypes', scope: 'space', handler: (req) => ({json: {
    Id: null,
    WorkerTypes: DYNAMIC_WORKER_TYPES.map((t) => ({...t, StartDateUtc: '2023-01-01T00:00:00.000Z', DeprecationDateUtc: null, EndOfLifeDateUtc: null})),
    Links: {Self: spacePath(req.spaceId, 'workerpools/dynamicworkertypes')},
  }})},
  {method: 'GET', path: 'workerpools/supportedtypes', scope: 'space', handler: (req) => ({json: {
    Id: null,
    SupportedPoolTypes: ['StaticWorkerPool', 'DynamicWorkerPool'],
    Links: {Self: spacePath(req.spaceId, 'workerpools/supportedtypes')},
  }})},
  {method: 'PUT', path: 'workerpools/sortorder', scope: 'space', handler: (req) => {
    setPoolSortOrder(req.ctx, req.spaceId, req.body())
    return {json: listPools(req.ctx, req.spaceId, new URLSearchParams())}
  }},
  {method: 'GET', path: 'workerpools/{id}', scope: 'space', handler: (req) => ({jsonText: loadPresented(req.ctx, 'WorkerPool', req.params.id, req.spaceId)})},
  {method: 'PUT', path: 'workerpools/{id}', scope: 'space', handler: (req) => ({json: updatePool(req.ctx, req.spaceId, loadPool(req.ctx, req.spaceId, req.params.id), req.body())})},
  {method: 'DELETE', path: 'workerpools/{id}', scope: 'space', handler: (req) => {
    deletePool(req.ctx, req.spaceId, req.params.id)
    return {json: null}
  }},
  {method: 'GET', path: 'workerpools/{id}/workers', scope: 'space', query: 'PoolWorkers', handler: (req) => {
    const pool = loadPool(req.ctx, req.spaceId, req.params.id)
    const filter = {...workerFilterFromQuery(req.query), workerPoolIds: [pool.Id]}
    const workers = filterWorkers(req.ctx.store.listJson('Worker', req.spaceId, true).map((t) => JSON.parse(t) as WorkerDoc), filter)
    const template = queryTemplate(req.ctx.profile, 'PoolWorkers')
    return {jsonText: collectionJson(req.ctx, 'Worker', workers.map((w) => JSON.stringify(w)), paging(req.query), spacePath(req.spaceId, `workerpools/${pool.Id}/workers`), spacePath(req.spaceId, `workerpools/${pool.Id}/workers${template}`), req.query)}
  }},
]
