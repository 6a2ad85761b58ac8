import type {WorkerPoolResource} from '../../../src/octopus/types.js'

/** A pool document shaped like the server's; only the fields a test cares about vary. */
export function pool(id: string, name: string, extra: Partial<Record<string, unknown>> = {}): WorkerPoolResource {
  return {
    Id: id,
    Name: name,
    Description: '',
    SortOrder: Number(id.split('-')[1] ?? 0),
    SpaceId: 'Spaces-1',
    IsDefault: false,
    CanAddWorkers: true,
    WorkerPoolType: 'StaticWorkerPool',
    Links: {Self: `/api/Spaces-1/workerpools/${id}`},
    ...extra,
  } as unknown as WorkerPoolResource
}
