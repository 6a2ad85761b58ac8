import {defaultConfig, type PolicyConfig} from '../../../src/config/octoworkers-yaml/load.js'
import type {PoolFacts, Snapshot, SpaceSnapshot, WorkerFacts} from '../../../src/domain/estate/types.js'

let nextId = 1

export function pool(name: string, opts: Partial<PoolFacts> = {}): PoolFacts {
  return {Id: `WorkerPools-${nextId++}`, Name: name, IsDefault: false, WorkerPoolType: 'StaticWorkerPool', ...opts}
}

export function worker(name: string, pools: PoolFacts[], opts: Partial<WorkerFacts> & {thumbprint?: string; uri?: string; style?: string} = {}): WorkerFacts {
  const {thumbprint, uri, style, ...rest} = opts
  const id = nextId++
  return {
    Id: `Workers-${id}`,
    Name: name,
    IsDisabled: false,
    HealthStatus: 'Healthy',
    WorkerPoolIds: pools.map((p) => p.Id),
    Endpoint: {CommunicationStyle: style ?? 'TentaclePassive', Uri: uri ?? `https://${name}.example.com:10933/`, Thumbprint: thumbprint ?? id.toString(16).padStart(40, '0').toUpperCase()},
    ...rest,
  }
}

export function space(name: string, pools: PoolFacts[], workers: WorkerFacts[], extra: Partial<SpaceSnapshot> = {}): SpaceSnapshot {
  return {space: {Id: `Spaces-${nextId++}`, Name: name}, pools, workers, summary: {MachineIdsForTentacleUpgrade: [], MachineIdsForCalamariUpgrade: []}, deploymentTargets: [], ...extra}
}

export function snapshot(spaces: SpaceSnapshot[], extra: Partial<Snapshot> = {}): Snapshot {
  return {server: 'https://octopus.example.com', spaces, builtInWorkerEnabled: false, serverNodes: [{Id: 'OctopusServerNodes-1', Name: 'node-1'}], ...extra}
}

export function config(overrides: Partial<PolicyConfig> = {}): PolicyConfig {
  return {...defaultConfig(), ...overrides}
}

/** A small estate that breaks no rule under the default config. */
export function cleanSpace(name = 'Default'): SpaceSnapshot {
  const def = pool('Default Worker Pool', {IsDefault: true})
  const linux = pool('Linux Pool')
  return space(name, [def, linux], [
    worker(`${name.toLowerCase()}-a`, [def, linux]),
    worker(`${name.toLowerCase()}-b`, [def, linux]),
  ])
}
