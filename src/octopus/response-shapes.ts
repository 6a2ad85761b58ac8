/**
 * What a response must look like for the command to use it (docs/ARCHITECTURE.md §4: "every
 * response is checked for the shape the command needs"), declared as valibot schemas. A proxy's
 * login page, a `[]` where a document belongs or a string where an array belongs must end in one
 * clear line naming what came back, never in `x.find is not a function` deep inside a command.
 *
 * A schema names only the fields the code reads, and lets every other field through: real
 * servers add fields from version to version. A body that fits is handed to the caller as it
 * came (not valibot's copy), so a document read for a read-merge-write PUT keeps every field.
 *
 * Each shape carries the wire type its callers get, and `shapeOf` checks at compile time that the
 * wire type has every field the schema demands, with a compatible type: the types and the
 * checks cannot drift apart.
 *
 * Pure: no I/O. The client applies a shape to every 2xx body.
 */
import * as v from 'valibot'
import type {
  FeaturesConfigurationResource,
  Links,
  MachinePolicyResource,
  ResourceCollection,
  RootDocument,
  SpaceResource,
  TaskDetailsResource,
  TaskResource,
  UserResource,
  WorkerPoolResource,
  WorkerPoolsSummaryResource,
  WorkerResource,
  WorkerTaskLeaseResource,
} from './types.js'
import {plural} from '../text/wording.js'

export interface ResponseShape<T = unknown> {
  /** What was expected, as a phrase: "a JSON array of named resources". */
  readonly what: string
  /** What the body must fit; none: any JSON value, or an empty body. */
  readonly schema?: v.GenericSchema
  /** Whether a non-JSON (text) or empty body is acceptable too, e.g. for a probe that reads only the status. */
  readonly anyBody?: boolean
  /** The wire type a body that fits is handed back as (type only: never set). */
  readonly wire?: T
}

const isJsonObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * A JSON object with these fields (others allowed). valibot's `object` also accepts an array (it
 * is `typeof 'object'`), which must be refused here: `[...]` where a document belongs.
 */
function jsonObjectWith<const E extends v.ObjectEntries>(entries: E) {
  return v.pipe(v.custom<Record<string, unknown>>(isJsonObject), v.object(entries))
}

/**
 * A shape for the wire type T. The `_check` parameter is a compile-time test only: it is `[]`
 * (nothing to pass) when T has every field the schema demands with a type the schema accepts,
 * and an impossible `[never]` otherwise, so that a schema and the type its callers read cannot
 * drift apart.
 */
function shapeOf<T>() {
  return <S extends v.GenericSchema>(what: string, schema: S, ..._check: [T] extends [v.InferOutput<S>] ? [] : [never]): ResponseShape<T> => ({what, schema})
}

/** Any JSON value or an empty body (PUT/POST/DELETE answers, which servers fill in differently). */
export const anyJson: ResponseShape = {what: 'JSON'}

/** Anything JSON or text: for probes that look at the status only. */
export const anyBody: ResponseShape = {what: 'any answer', anyBody: true}

const anyObjectSchema = jsonObjectWith({})

/** A JSON object: the default for a GET that names no shape. */
export const jsonObject: ResponseShape<Record<string, unknown>> = {what: 'a JSON object', schema: anyObjectSchema}

/** A document whose every field the caller reads with care (`?.`, `?? []`): only its being an object is checked. */
export function jsonDocument<T extends object>(): ResponseShape<T> {
  return {what: 'a JSON object', schema: anyObjectSchema}
}

const resourceSchema = jsonObjectWith({Id: v.string()})
const namedSchema = jsonObjectWith({Id: v.string(), Name: v.string()})
const namedListSchema = v.array(namedSchema)

/** One resource: an object with a string `Id` (a single pool, worker, task...). */
export function resource<T extends {Id: string}>(): ResponseShape<T> {
  return {what: 'a JSON object with Id', schema: resourceSchema}
}

/** An `/all` list of named resources (accounts, proxies, environments...): each with string `Id` and `Name`. */
export function namedList<T extends {Id: string; Name: string}>(what = 'a JSON array of named resources'): ResponseShape<T[]> {
  return {what, schema: namedListSchema}
}

/** An `/all` list of resources that have no name of their own (variable sets, processes). */
export function resourceList<T extends {Id: string}>(): ResponseShape<T[]> {
  return {what: 'a JSON array of resources', schema: v.array(resourceSchema)}
}

/** A `Links` object: link name to URL template. */
const linkTemplates = v.pipe(v.custom<Record<string, unknown>>(isJsonObject), v.record(v.string(), v.string()))

/**
 * A paged Octopus collection: `{Items: [...], TotalResults?, Links?}` whose items fit `item`.
 * `Links` is read for `Page.Next`, `TotalResults` to know when the last page is in.
 */
export function collectionOf<T>(item: ResponseShape<T>): ResponseShape<ResourceCollection<T>> {
  return {what: 'an Octopus collection (a JSON object with Items)', schema: collectionSchema(item.schema ?? v.unknown())}
}

function collectionSchema(item: v.GenericSchema) {
  return jsonObjectWith({Items: v.array(item), TotalResults: v.optional(v.number()), Links: v.optional(linkTemplates)})
}

/** The `/api` root document: a `Version` string and a `Links` object of string templates. */
export const rootDocument = shapeOf<RootDocument>()('an Octopus root document', jsonObjectWith({
  Version: v.string(),
  Links: linkTemplates,
  InstallationId: v.optional(v.string()),
}))

/** A space's home document (`/api/Spaces-1`): its links (absent on servers that have none to give). */
export const spaceHome = shapeOf<{Links?: Links | null}>()('a JSON object', jsonObjectWith({Links: v.nullish(linkTemplates)}))

export const spaceList = shapeOf<SpaceResource[]>()('a JSON array of spaces', v.array(jsonObjectWith({
  Id: v.string(),
  Name: v.string(),
  IsDefault: v.optional(v.boolean()),
  Slug: v.nullish(v.string()),
})))

const poolSchema = jsonObjectWith({Id: v.string(), Name: v.string(), WorkerPoolType: v.optional(v.string()), SortOrder: v.optional(v.number())})
export const poolList = shapeOf<WorkerPoolResource[]>()('a JSON array of named resources', v.array(poolSchema))

/**
 * A worker list holds every worker of a space (10,000 and more on a large estate), so its items
 * are checked for what every command reads of each (`Id`, `Name`), as the lists of other
 * resources are: checking six fields of each item cost `check` on 10,000 workers about 15 ms more
 * than these two. The code reads the other fields with care (`WorkerPoolIds ?? []`...).
 */
export const workerList = shapeOf<WorkerResource[]>()('a JSON array of named resources', namedListSchema)

/**
 * One worker, read before a change is written back (a read-merge-write PUT): the fields the
 * floor guard and the endpoint forms read are checked for their type where present (real servers
 * always send them; hand-made documents may not).
 */
export const workerDocument = shapeOf<WorkerResource>()('a JSON object with Id', jsonObjectWith({
  Id: v.string(),
  Name: v.string(),
  WorkerPoolIds: v.nullish(v.array(v.string())),
  IsDisabled: v.optional(v.boolean()),
  HealthStatus: v.optional(v.string()),
  Endpoint: v.nullish(jsonObjectWith({CommunicationStyle: v.optional(v.string())})),
}))

export const machinePolicyList = shapeOf<MachinePolicyResource[]>()('a JSON array of named resources', namedListSchema)

export const features = shapeOf<FeaturesConfigurationResource>()('a JSON object', jsonObjectWith({IsBuiltInWorkerEnabled: v.optional(v.boolean())}))

export const poolsSummary = jsonDocument<WorkerPoolsSummaryResource>()

const taskSchema = jsonObjectWith({Id: v.string(), State: v.string()})
export const task = shapeOf<TaskResource>()('a JSON object with Id', taskSchema)

/** `/tasks/{id}/details`: the task and its activity log tree (walked for lease lines). */
export const taskDetails = shapeOf<TaskDetailsResource>()('a JSON object with Task and ActivityLogs', jsonObjectWith({
  Task: taskSchema,
  ActivityLogs: v.array(jsonObjectWith({})),
}))

/** One page of `/workertaskleases`: the leases under `WorkerTaskLeases` (absent: none). */
export const leasePage = shapeOf<{WorkerTaskLeases?: ResourceCollection<WorkerTaskLeaseResource>}>()('a JSON object', jsonObjectWith({
  WorkerTaskLeases: v.optional(collectionSchema(resourceSchema)),
}))

export const currentUser = shapeOf<UserResource>()('a JSON object with Id', jsonObjectWith({Id: v.string(), Username: v.string()}))

/** "a JSON string", "JSON null", "a JSON array of 3 items"... for messages. */
export function describeJson(value: unknown): string {
  if (value === null) return 'JSON null'
  if (Array.isArray(value)) return `a JSON array of ${plural(value.length, 'item')}`
  switch (typeof value) {
    case 'string': return 'a JSON string'
    case 'number': return 'a JSON number'
    case 'boolean': return 'a JSON boolean'
    case 'object': return 'a JSON object'
    default: return 'no JSON value'
  }
}

/** Why `value` does not fit `shape`, in words ("a JSON array whose item 2 is a JSON object without a string Name"), or undefined when it fits. */
export function shapeProblem(shape: ResponseShape, value: unknown): string | undefined {
  if (!shape.schema) return undefined
  // abortEarly: the first problem is the one reported, and a 10,000-item list stops at it.
  const result = v.safeParse(shape.schema, value, {abortEarly: true})
  if (result.success) return undefined
  const issue = result.issues[0]
  return describeIssue(shape.schema, issue.path ?? [], issue.input)
}

/**
 * Why item `index` of a list does not fit its item schema, in the words `shapeProblem` uses for the
 * whole list: a list read item by item (list-reader.ts) reports what one read whole would.
 */
export function describeItemIssue(itemSchema: v.GenericSchema | undefined, index: number, path: readonly v.IssuePathItem[], input: unknown): string {
  return `a JSON array whose item ${index + 1} is ${describeIssue(itemSchema, path, input)}`
}

/** Walks the issue's path and the schema together, saying where in the document the problem is. */
function describeIssue(schema: v.GenericSchema | undefined, path: readonly v.IssuePathItem[], input: unknown): string {
  const [step, ...rest] = path
  if (!step) return describeJson(input)
  const inner = schema && childSchema(schema, step)
  if (step.type === 'array') return describeItemIssue(inner, Number(step.key), rest, input)
  const key = String(step.key)
  if (rest.length > 0) return `a JSON object whose ${key} is ${describeIssue(inner, rest, input)}`
  // A record's entries (link templates) are values under a name, not fields a document must have.
  const inRecord = schema !== undefined && baseSchema(schema).type === 'record'
  if (!inRecord && inner && baseSchema(inner).type === 'string') return `a JSON object without a string ${key}`
  return step.value === undefined ? `a JSON object without ${key}` : `a JSON object whose ${key} is ${describeJson(step.value)}`
}

type SchemaNode = v.GenericSchema & {pipe?: readonly unknown[]; wrapped?: v.GenericSchema; item?: v.GenericSchema; entries?: Record<string, v.GenericSchema>; value?: v.GenericSchema}

/** The schema under optional/nullish wrappers and inside a pipe (its last schema). */
function baseSchema(schema: v.GenericSchema): SchemaNode {
  let node = schema as SchemaNode
  for (;;) {
    if (node.wrapped) node = node.wrapped as SchemaNode
    else if (node.pipe) {
      const last = [...node.pipe].reverse().find((item) => (item as {kind?: string}).kind === 'schema' && item !== node) as SchemaNode | undefined
      if (!last || last === node) return node
      node = last
    } else return node
  }
}

function childSchema(schema: v.GenericSchema, step: v.IssuePathItem): v.GenericSchema | undefined {
  const node = baseSchema(schema)
  if (step.type === 'array') return node.item
  return node.entries?.[String(step.key)] ?? node.value
}

/** `1.2 kB`, `300 B`, `256.0 MB`: sizes in messages. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`
  if (n < 1_000_000_000) return `${(n / 1_000_000).toFixed(1)} MB`
  return `${(n / 1_000_000_000).toFixed(1)} GB`
}
