import {api, type Sandbox} from '../../helpers/sandbox.js'

/** Everything an estate apply could change in the default space. */
export async function estateState(sb: Sandbox): Promise<unknown> {
  const pools = (await api(sb, 'GET', '/api/Spaces-1/workerpools/all')).body
  const workers = (await api(sb, 'GET', '/api/Spaces-1/workers/all')).body.map((w: any) => ({Id: w.Id, Name: w.Name, IsDisabled: w.IsDisabled, WorkerPoolIds: w.WorkerPoolIds, MachinePolicyId: w.MachinePolicyId, Endpoint: w.Endpoint}))
  const features = (await api(sb, 'GET', '/api/featuresconfiguration')).body
  return {pools, workers, builtIn: features.IsBuiltInWorkerEnabled}
}
