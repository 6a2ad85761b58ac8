import type {WorkerPoolResource, WorkerResource} from '../../../src/octopus/types.js'

export const THUMB = '0E80575D3BD8D30854802A4E8340A2E23AE961FD'

export function pool(id: string, name: string, type: 'StaticWorkerPool' | 'DynamicWorkerPool' = 'StaticWorkerPool'): WorkerPoolResource {
  return {Id: id, Name: name, WorkerPoolType: type, IsDefault: false, SortOrder: 0, CanAddWorkers: type === 'StaticWorkerPool', Links: {}} as unknown as WorkerPoolResource
}

export function worker(id: string, name: string, overrides: Partial<WorkerResource> = {}): WorkerResource {
  return {
    Id: id,
    Name: name,
    WorkerPoolIds: ['WorkerPools-1'],
    MachinePolicyId: 'MachinePolicies-1',
    IsDisabled: false,
    HealthStatus: 'Healthy',
    StatusSummary: 'ok',
    Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: `https://${name}.example.com:10933/`, Thumbprint: THUMB, Id: 'endpoint-1'},
    Links: {},
    ...overrides,
  } as WorkerResource
}
