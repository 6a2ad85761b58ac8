import {describe, expect, it} from 'vitest'
import {diffEstate, type ActualEstate, type ActualSpace} from '../../../src/domain/estate-file/diff.js'
import {mergeEstateFiles} from '../../../src/domain/estate-file/desired.js'
import {validateEstateFile, type EstateFile} from '../../../src/domain/estate-file/schema.js'
import {exportEstate} from '../../../src/domain/estate-file/export.js'

const thumb = 'A'.repeat(40)
const pool = (n: number, name: string, extra: object = {}) => ({Id: `WorkerPools-${n}`, Name: name, IsDefault: false, WorkerPoolType: 'StaticWorkerPool', Description: '', SortOrder: n, ...extra})
const worker = (n: number, name: string, pools: number[], extra: object = {}) => ({
  Id: `Workers-${n}`, Name: name, IsDisabled: false, HealthStatus: 'Healthy', MachinePolicyId: 'MachinePolicies-1',
  WorkerPoolIds: pools.map((p) => `WorkerPools-${p}`), Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: `https://${name}:10933/`, Thumbprint: thumb, ProxyId: null}, ...extra,
})

function server(): ActualEstate {
  const space = {
    Id: 'Spaces-1', Name: 'Default',
    pools: [pool(1, 'Default', {IsDefault: true}), pool(2, 'A'), pool(3, 'B'), pool(4, 'Hosted', {WorkerPoolType: 'DynamicWorkerPool', WorkerType: 'UbuntuDefault'})],
    workers: [worker(1, 'w1', [1]), worker(2, 'w2', [2]), worker(3, 'w3', [2, 3]), worker(4, 'imported', [3], {Endpoint: {CommunicationStyle: 'None'}})],
    policies: [{Id: 'MachinePolicies-1', Name: 'Default Machine Policy'}], accounts: [], proxies: [{Id: 'Proxies-1', Name: 'Corp'}],
  } as unknown as ActualSpace
  return {spaces: [space], builtInWorkerEnabled: true}
}

function desiredOf(doc: object) {
  const checked = validateEstateFile(doc)
  if (!('file' in checked)) throw new Error(checked.message)
  return mergeEstateFiles([{file: 'estate.yaml', doc: checked.file as EstateFile, lineOf: (path) => path.length}])
}

/** The file export writes for the server, as the starting point of each case. */
function exported(): any {
  return structuredClone(exportEstate(server()).document)
}

describe('diffEstate', () => {
  it('finds nothing to do for the file export writes', () => {
    const diff = diffEstate(desiredOf(exported()), server(), {prune: false})
    expect(diff.changes).toEqual([])
    expect(diff.unmanaged.map((u) => u.Name)).toEqual(['imported'])
  })

  it('renames with renamedFrom instead of deleting and creating', () => {
    const doc = exported()
    Object.assign(doc.spaces.Default.pools[1], {name: 'A2', renamedFrom: 'A'})
    for (const w of doc.spaces.Default.workers) w.pools = w.pools.map((p: string) => (p === 'A' ? 'A2' : p))
    const diff = diffEstate(desiredOf(doc), server(), {prune: true})
    expect(diff.changes.map((c) => [c.Action, c.Name, c.Fields])).toEqual([['update', 'A2', [{Field: 'name', Old: 'A', New: 'A2'}]]])
  })

  it('keeps undeclared pools in their slots when it reorders the declared ones, and puts a new pool after the one before it in the file', () => {
    const doc = exported()
    const pools = doc.spaces.Default.pools
    doc.spaces.Default.pools = [pools[0], {name: 'New', type: 'static'}, pools[2], pools[1]]
    const diff = diffEstate(desiredOf(doc), server(), {prune: false})
    const reorder = diff.changes.find((c) => c.Action === 'reorder')!
    expect(reorder.Order).toEqual(['Default', 'New', 'B', 'A', 'Hosted'])
    expect(diff.changes.map((c) => c.Action)).toEqual(['create', 'reorder'])
  })

  it('moves the default, and orders the plan: pools, workers, default, order, deletes', () => {
    const doc = exported()
    delete doc.spaces.Default.pools[0].default
    doc.spaces.Default.pools.push({name: 'C', type: 'static', default: true})
    doc.spaces.Default.workers = doc.spaces.Default.workers.filter((w: any) => w.name !== 'w2')
    doc.spaces.Default.workers[0].enabled = false
    const diff = diffEstate(desiredOf(doc), server(), {prune: true})
    expect(diff.changes.map((c) => `${c.Action} ${c.Name}`)).toEqual(['create C', 'update w1', 'set-default C', 'delete w2'])
    expect(diff.unmanaged).toEqual([{SpaceName: 'Default', Resource: 'worker', Name: 'imported', Kept: 'a worker with no endpoint, which a file cannot declare'}])
  })

  it('refuses to change a worker\'s kind or put one in a dynamic pool (exit 2, with the line)', () => {
    const kind = exported()
    Object.assign(kind.spaces.Default.workers[0], {kind: 'polling', uri: 'poll://abc/'})
    delete kind.spaces.Default.workers[0].url
    expect(() => diffEstate(desiredOf(kind), server(), {prune: false})).toThrow(/estate\.yaml:4: worker 'w1' is a listening .* not polling/)
    const dynamic = exported()
    dynamic.spaces.Default.workers[0].pools = ['Hosted']
    expect(() => diffEstate(desiredOf(dynamic), server(), {prune: false})).toThrow(/cannot be in 'Hosted': it is a dynamic pool/)
  })

  it('declares a missing Kubernetes agent as one to install, not an error', () => {
    const doc = exported()
    doc.spaces.Default.workers.push({name: 'k8s', kind: 'kubernetes', pools: ['A']})
    const diff = diffEstate(desiredOf(doc), server(), {prune: false})
    expect(diff.changes.map((c) => `${c.Action} ${c.Name}`)).toEqual(['install-agent k8s'])
  })

  it('refuses --prune of the default pool unless another is declared the default', () => {
    const doc = exported()
    doc.spaces.Default.pools.shift()
    for (const w of doc.spaces.Default.workers) w.pools = w.pools.filter((p: string) => p !== 'Default').concat(w.pools.includes('Default') ? ['A'] : [])
    expect(() => diffEstate(desiredOf(doc), server(), {prune: true})).toThrow(/--prune would delete 'Default', the default pool/)
  })
})
