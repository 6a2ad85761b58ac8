import type {ModelContext} from '../../context.js'
import {validationError} from '../../http.js'
import {Fields} from '../../validate.js'

export type ApiTaskName = 'Health' | 'Upgrade' | 'UpdateCalamari'

const API_TASKS: readonly ApiTaskName[] = ['Health', 'Upgrade', 'UpdateCalamari']
const RESTRICTIONS = ['DeploymentTargets', 'Workers', 'Policies', 'Unlimited'] as const

/** A checked `POST /tasks` body and the machines it reaches. */
export interface TaskRequest {
  name: ApiTaskName
  description: string
  /** The body's Arguments, with MachineIds always present, as the task document keeps them. */
  args: Record<string, unknown>
  machineIds: string[]
}

/**
 * Reads `POST /tasks`: `Health`, `Upgrade` (Arguments WorkerpoolId / MachineIds / RestrictedTo)
 * and `UpdateCalamari` (MachineIds). Problems are reported in three rounds, as before: the
 * document itself, then its Arguments, then what the Arguments refer to.
 */
export function readTaskRequest(ctx: ModelContext, spaceId: string, body: unknown): TaskRequest {
  const f = Fields.of(body)
  const name = f.requiredChoice('Name', API_TASKS, 'Please specify the task Name (Health, Upgrade or UpdateCalamari).',
    (other) => `The sandbox can start Health, Upgrade and UpdateCalamari tasks only, not '${other}'. Synthetic deployments come from POST /api/sandbox/simulations.`)
  if (f.has('SpaceId') && f.body.SpaceId !== spaceId) f.errors.push(`SpaceId '${String(f.body.SpaceId)}' does not match the space of this route (${spaceId}).`)
  const description = f.optionalString('Description')
  const args = f.nested('Arguments') ?? new Fields({}, 'Arguments.', f.errors)
  f.check()
  // Octopus spells it WorkerpoolId; WorkerPoolId is read too, and either is named WorkerpoolId in messages.
  const poolId = args.optionalString(args.has('WorkerpoolId') ? 'WorkerpoolId' : 'WorkerPoolId', 'WorkerpoolId')
  const machineIds = args.stringArray('MachineIds')
  const restrictedTo = args.optionalChoice('RestrictedTo', RESTRICTIONS, 'Arguments.RestrictedTo must be DeploymentTargets, Workers, Policies or Unlimited.')
  f.check()
  // UpdateCalamari takes MachineIds only (no WorkerpoolId), as Octopus's BuiltInTasks define it.
  if (name === 'UpdateCalamari' && poolId) f.errors.push('UpdateCalamari takes Arguments.MachineIds only, not a WorkerpoolId.')
  f.check()
  const targets = resolveTargets(ctx, spaceId, poolId ?? undefined, machineIds, restrictedTo)
  const defaultDescription = name === 'Health' ? (poolId ? `Check health of worker pool ${poolId}` : 'Manual health check') : name === 'Upgrade' ? 'Manual upgrade' : 'Manual Calamari update'
  return {name: name!, description: description ?? defaultDescription, args: {...args.body, MachineIds: machineIds}, machineIds: targets}
}

/** The machines a task reaches: the named ones and the pool's workers, or every machine of the space. */
function resolveTargets(ctx: ModelContext, spaceId: string, poolId: string | undefined, machineIds: string[], restrictedTo: string | null): string[] {
  const {store} = ctx
  const errors: string[] = []
  let ids: string[] = []
  for (const id of machineIds) {
    const row = store.getDoc('Worker', id) ?? store.getDoc('Machine', id)
    if (!row || row.space_id !== spaceId) errors.push(`Machine '${id}' does not exist in ${spaceId}.`)
    else ids.push(row.id)
  }
  if (poolId) {
    const pool = store.getDoc('WorkerPool', poolId)
    if (!pool || pool.space_id !== spaceId) errors.push(`Worker pool '${poolId}' does not exist in ${spaceId}.`)
    else ids.push(...store.poolWorkerIds(pool.id))
  }
  if (errors.length) throw validationError(...errors)
  if (!poolId && machineIds.length === 0) {
    if (restrictedTo !== 'DeploymentTargets') ids.push(...store.listDocs('Worker', spaceId).map((r) => r.id))
    if (restrictedTo !== 'Workers') ids.push(...store.listDocs('Machine', spaceId).map((r) => r.id))
  }
  ids = [...new Set(ids)]
  return ids
}
