/** `pool create`: input checks, what is missing asked for, the `--if-not-exists` decision, the request body, the echo. */
import {CliError, ExitCode, usageError} from '../../text/errors.js'
import {shellQuote} from '../../text/shell.js'
import type {SpaceContext} from '../../octopus/client.js'
import {createWorkerPool, listDynamicWorkerTypes, listWorkerPools, type DynamicWorkerType} from '../../octopus/repositories.js'
import type {WorkerPoolResource} from '../../octopus/types.js'
import {validatePoolName} from './validate.js'
import {poolTypeFlag, poolTypeName, type PoolTypeFlag} from '../../domain/pools.js'

export interface CreatePoolInput {
  name: string
  type: PoolTypeFlag
  workerType?: string
  description?: string
  isDefault?: boolean
  sortOrder?: number
  ifNotExists?: boolean
}

/** `--worker-type` only makes sense for a dynamic pool (exit 2 otherwise). */
export function checkWorkerTypeAllowed(type: PoolTypeFlag, workerType: string | undefined): void {
  if (workerType !== undefined && type !== 'dynamic') {
    throw usageError(`--worker-type applies only to dynamic pools; this pool is ${type}.`, {hint: 'Add --type dynamic, or drop --worker-type.'})
  }
}

/**
 * The dynamic worker type the user meant (matched case-insensitively on Type or Id), as the
 * server spells it. Unknown or missing: exit 2 listing the valid types.
 */
export function matchWorkerType(input: string | undefined, types: DynamicWorkerType[]): string {
  const valid = types.map((t) => t.Type)
  const listing = valid.length > 0 ? `Valid worker types: ${valid.join(', ')}.` : 'This server lists no dynamic worker types (dynamic pools are an Octopus Cloud feature).'
  if (input === undefined || input.trim() === '') {
    throw usageError(`A dynamic pool needs --worker-type. ${listing}`, {details: {validWorkerTypes: valid}})
  }
  const wanted = input.trim().toLowerCase()
  const match = types.find((t) => t.Type.toLowerCase() === wanted) ?? types.find((t) => t.Id.toLowerCase() === wanted)
  if (!match) throw usageError(`Unknown worker type '${input}'. ${listing}`, {details: {validWorkerTypes: valid}})
  return match.Type
}

export type ExistingDecision = {create: true} | {create: false; existing: WorkerPoolResource}

/**
 * Whether to create, given the pools that exist. A same-named pool (case-insensitive) with the
 * same type under `--if-not-exists` means "nothing to do"; with another type, or without
 * `--if-not-exists`, it is a failure (exit 1) that changes nothing.
 */
export function decideCreate(pools: WorkerPoolResource[], input: Pick<CreatePoolInput, 'name' | 'type' | 'ifNotExists'>): ExistingDecision {
  const existing = pools.find((p) => p.Name.toLowerCase() === input.name.toLowerCase())
  if (!existing) return {create: true}
  const existingType = poolTypeFlag(existing.WorkerPoolType)
  if (existingType !== input.type) {
    throw new CliError(`A ${existingType} pool named '${existing.Name}' (${existing.Id}) already exists; it cannot also be ${input.type}.`, ExitCode.Failure, {
      code: 'conflict',
      hint: 'Choose another name, or use the existing pool.',
      details: {existingId: existing.Id, existingType},
    })
  }
  if (!input.ifNotExists) {
    throw new CliError(`A pool named '${existing.Name}' already exists (${existing.Id}).`, ExitCode.Failure, {
      code: 'conflict',
      hint: 'Pass --if-not-exists to treat an existing pool of the same type as success.',
      details: {existingId: existing.Id},
    })
  }
  return {create: false, existing}
}

/** The `POST /workerpools` body (SpaceId is added by the repository). */
export function createPoolBody(input: CreatePoolInput): Record<string, unknown> {
  const body: Record<string, unknown> = {
    Name: input.name,
    WorkerPoolType: poolTypeName(input.type),
    IsDefault: Boolean(input.isDefault),
    Description: input.description ?? '',
  }
  if (input.sortOrder !== undefined) body.SortOrder = input.sortOrder
  if (input.type === 'dynamic') body.WorkerType = input.workerType
  return body
}

/** The non-interactive command equivalent to an interactive create, for scripts and CI. */
export function equivalentCreateCommand(bin: string, input: CreatePoolInput, connection: {space?: string; server?: string} = {}): string {
  const args = ['pool', 'create', input.name, '--type', input.type]
  if (input.type === 'dynamic' && input.workerType) args.push('--worker-type', input.workerType)
  if (input.description !== undefined && input.description !== '') args.push('--description', input.description)
  if (input.isDefault) args.push('--default')
  if (input.sortOrder !== undefined) args.push('--sort-order', String(input.sortOrder))
  if (input.ifNotExists) args.push('--if-not-exists')
  if (connection.server) args.push('--server', connection.server)
  if (connection.space) args.push('--space', connection.space)
  return [bin, ...args.map(shellQuote)].join(' ')
}

/** What the command line gave; `name` and `type` may be missing when prompts are on. */
export interface CreatePoolDraft extends Omit<CreatePoolInput, 'name' | 'type'> {
  name?: string
  type?: PoolTypeFlag
}

/** `pool create --json`: the pool as the server returned it, and whether this run created it. */
export type CreatePoolDocument = WorkerPoolResource & {
  Created: boolean
}

/** The --json document, and beside it what only the text form shows (on stderr). */
export interface CreatePoolResult {
  document: CreatePoolDocument
  /** The non-interactive command equal to this run, when something was asked. */
  equivalent?: string
}

/** What `pool create` asks for when the command line left it out (src/cli/prompts/pool-create.ts asks on a terminal). */
export interface PoolCreateQuestions {
  name(): Promise<string>
  type(): Promise<PoolTypeFlag>
  /** Asked only of a dynamic pool, when the server lists types to choose from. */
  workerType(types: DynamicWorkerType[]): Promise<string>
}

export interface CreatePoolRequest {
  draft: CreatePoolDraft
  /** Asks for what is missing; undefined when prompts are off. */
  ask?: PoolCreateQuestions
  /** Connects and resolves the space; called after the checks and questions that need no server. */
  connect: () => Promise<SpaceContext>
  /** The equivalent command line of an input (bin and connection flags are the caller's). */
  echo: (input: CreatePoolInput) => string
  bin: string
}

/**
 * Checks what the command line alone can tell (exit 2 before any request), asks for what is
 * missing when it can ask, then creates the pool unless `--if-not-exists` finds it.
 */
export async function createPool(request: CreatePoolRequest): Promise<CreatePoolResult> {
  const {draft, ask} = request
  let name = draft.name === undefined ? undefined : validatePoolName(draft.name)
  let type = draft.type
  let workerType = draft.workerType
  if (name === undefined && !ask) throw usageError('Missing the pool name.', {hint: `Usage: ${request.bin} pool create <name> [--type static|dynamic].`})
  if (type === undefined && !ask) type = 'static'
  if (type !== undefined) checkWorkerTypeAllowed(type, workerType)

  let prompted = false
  if (name === undefined) {
    name = validatePoolName(await ask!.name())
    prompted = true
  }
  if (type === undefined) {
    type = await ask!.type()
    prompted = true
    checkWorkerTypeAllowed(type, workerType)
  }

  const space = await request.connect()
  if (type === 'dynamic') {
    const types = await listDynamicWorkerTypes(space)
    if (workerType === undefined && ask && types.length > 0) {
      workerType = await ask.workerType(types)
      prompted = true
    }
    workerType = matchWorkerType(workerType, types)
  }

  const input: CreatePoolInput = {...draft, name, type, workerType}
  const decision = decideCreate(await listWorkerPools(space), input)
  const equivalent = prompted ? request.echo(input) : undefined
  if (!decision.create) return {document: {...decision.existing, Created: false}, equivalent}
  const pool = await createWorkerPool(space, createPoolBody(input))
  return {document: {...pool, Created: true}, equivalent}
}
