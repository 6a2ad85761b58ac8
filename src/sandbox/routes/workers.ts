import {arrayJson, collectionJson, paging} from '../collections.js'
import {loadPresented, spacePath} from '../docs.js'
import {queryTemplate} from '../profiles.js'
import type {Route} from '../router.js'
import {connectionStatus, createWorker, deleteWorker, distinctWorkerValues, filterWorkers, hasWorkerFilter, loadWorker, updateWorker, workerFilterFromQuery, type WorkerDoc} from '../model/workers.js'

export const workerRoutes: Route[] = [
  {method: 'GET', path: 'workers', scope: 'space', query: 'Workers', handler: (req) => {
    const filter = workerFilterFromQuery(req.query)
    const texts = req.ctx.store.listJson('Worker', req.spaceId, true)
    const items = hasWorkerFilter(filter) ? filterWorkers(texts.map((t) => JSON.parse(t) as WorkerDoc), filter).map((w) => JSON.stringify(w)) : texts
    return {jsonText: collectionJson(req.ctx, 'Worker', items, paging(req.query), spacePath(req.spaceId, 'workers'), spacePath(req.spaceId, `workers${queryTemplate(req.ctx.profile, 'Workers')}`), req.query)}
  }},
  {method: 'GET', path: 'workers/all', scope: 'space', query: 'WorkersAll', handler: (req) => {
    const filter = workerFilterFromQuery(req.query)
    const texts = req.ctx.store.listJson('Worker', req.spaceId, true)
    // The fast path: the presented texts of the stored list, joined (presented once per list).
    if (!hasWorkerFilter(filter)) return {jsonText: arrayJson(req.ctx, texts)}
    return {json: filterWorkers(texts.map((t) => JSON.parse(t) as WorkerDoc), filter)}
  }},
  {method: 'POST', path: 'workers', scope: 'space', handler: (req) => ({status: 201, json: createWorker(req.ctx, req.spaceId, req.body())})},
  {method: 'GET', path: 'workers/operatingsystem/names/all', scope: 'space', handler: (req) => ({json: distinctWorkerValues(req.ctx, req.spaceId, 'OperatingSystem')})},
  {method: 'GET', path: 'workers/operatingsystem/shells/all', scope: 'space', handler: (req) => ({json: distinctWorkerValues(req.ctx, req.spaceId, 'ShellName')})},
  {method: 'GET', path: 'workers/{id}', scope: 'space', handler: (req) => ({jsonText: loadPresented(req.ctx, 'Worker', req.params.id, req.spaceId)})},
  {method: 'PUT', path: 'workers/{id}', scope: 'space', handler: (req) => ({json: updateWorker(req.ctx, req.spaceId, loadWorker(req.ctx, req.spaceId, req.params.id), req.body())})},
  {method: 'DELETE', path: 'workers/{id}', scope: 'space', handler: (req) => {
    deleteWorker(req.ctx, req.spaceId, req.params.id)
    return {json: null}
  }},
  {method: 'GET', path: 'workers/{id}/connection', scope: 'space', handler: (req) => ({json: connectionStatus(req.ctx, req.spaceId, req.params.id)})},
]
