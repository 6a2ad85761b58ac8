/**
 * Validates request and response bodies against the official Octopus 2021.2 swagger
 * (`test/fixtures/octopus/swagger-2021.2.json`; its origin is noted in that folder's README).
 *
 * Real Octopus returns null for unset strings, objects and enums although the swagger does not
 * say "nullable", so every schema here also accepts null.
 */
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {createRequire} from 'node:module'
import type {ValidateFunction} from 'ajv'

/** The part of Ajv's API used here. */
interface AjvCore {
  addSchema(schema: object, key: string): unknown
  addFormat(name: string, format: RegExp): unknown
  compile(schema: object): ValidateFunction
}

// CommonJS modules; createRequire gives the same constructor under Node and vitest.
const require = createRequire(import.meta.url)
const Ajv04 = require('ajv-draft-04') as new (options: object) => AjvCore
const addFormats = require('ajv-formats') as (ajv: AjvCore) => AjvCore

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const SWAGGER_PATH = path.resolve(repoRoot, 'test/fixtures/octopus/swagger-2021.2.json')
export const ADDITIONS_2026_PATH = path.resolve(repoRoot, 'test/fixtures/octopus/api-2026.1-additions.json')

/** Which server's documents to validate: the 2021.2 swagger, or it with the 2026.1 additions applied. */
export type ApiVersion = '2021.2' | '2026.1'

interface Additions {
  enumAdditions: Record<string, string[]>
  propertyAdditions: Record<string, Record<string, unknown>>
  propertiesRemoved: Record<string, string[]>
}

/** The 2021.2 definitions changed as the 2026.1 additions say; a removed property must be absent (`not: {}`). */
function definitionsFor(swagger: Swagger, version: ApiVersion): Record<string, unknown> {
  if (version === '2021.2') return swagger.definitions
  const additions = JSON.parse(readFileSync(ADDITIONS_2026_PATH, 'utf8')) as Additions
  const defs = structuredClone(swagger.definitions) as Record<string, {enum?: string[]; properties?: Record<string, unknown>}>
  for (const [name, values] of Object.entries(additions.enumAdditions)) defs[name]!.enum = [...defs[name]!.enum!, ...values]
  for (const [name, props] of Object.entries(additions.propertyAdditions)) defs[name]!.properties = {...defs[name]!.properties, ...props}
  for (const [name, props] of Object.entries(additions.propertiesRemoved)) for (const prop of props) defs[name]!.properties![prop] = {not: {}}
  return defs
}

interface Operation {
  parameters?: Array<{in: string; schema?: unknown}>
  responses?: Record<string, {schema?: unknown}>
}

interface Swagger {
  paths: Record<string, Record<string, Operation>>
  definitions: Record<string, unknown>
}

/**
 * Where the 2021.2 swagger describes a field other than the server sends it, with the reason. Kept
 * to the cases a public source settles:
 * - VariableType: the generator rendered Octopus's enumeration class as an object with a `Value`;
 *   the server sends the plain string ("String", "Sensitive", "WorkerPool", ...), as the Go client
 *   (`variables/variable.go`, Type string) and the Terraform provider (`type = "WorkerPool"`) read it.
 * - PropertyValueResource (step and action Properties): on the wire a plain string, or the object
 *   only when the value is sensitive (the Go client's `core/property_value.go` marshals it so).
 */
const SWAGGER_CORRECTIONS: Record<string, unknown> = {
  VariableType: {type: 'string'},
  PropertyValueResource: {anyOf: [{type: 'string'}, {type: 'object', properties: {IsSensitive: {type: 'boolean'}, SensitiveValue: {$ref: '#/definitions/SensitiveValue'}, Value: {type: 'string'}}}]},
}

function loadSwagger(): Swagger {
  if (!existsSync(SWAGGER_PATH)) {
    throw new Error(`The Octopus swagger was not found at ${SWAGGER_PATH}. The repository is incomplete: restore test/fixtures/octopus/swagger-2021.2.json.`)
  }
  const swagger = JSON.parse(readFileSync(SWAGGER_PATH, 'utf8')) as Swagger
  Object.assign(swagger.definitions, SWAGGER_CORRECTIONS)
  return swagger
}

/** Adds null to every typed schema and every $ref (Octopus sends null for unset values). */
function nullable(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(nullable)
  if (!schema || typeof schema !== 'object') return schema
  const input = schema as Record<string, unknown>
  if (input.not !== undefined) return input
  if (typeof input.$ref === 'string') return {anyOf: [{$ref: input.$ref.replace(/^#\/definitions\//, 'swagger#/definitions/')}, {type: 'null'}]}
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(input)) {
    if (key === 'properties' || key === 'definitions') {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, nullable(v)]))
    } else if (key === 'items' || key === 'additionalProperties' || key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      out[key] = nullable(value)
    } else out[key] = value
  }
  if (typeof out.type === 'string') out.type = [out.type, 'null']
  if (Array.isArray(out.enum)) out.enum = [...out.enum, null]
  // Swagger's `required` lists are not what the server enforces on every response; keep them out.
  delete out.required
  return out
}

const cached = new Map<ApiVersion, {swagger: Swagger; ajv: AjvCore; validators: Map<string, ValidateFunction>}>()
let swaggerDoc: Swagger | undefined

function context(version: ApiVersion = '2021.2') {
  const hit = cached.get(version)
  if (hit) return hit
  swaggerDoc ??= loadSwagger()
  const swagger = swaggerDoc
  const ajv = new Ajv04({strict: false, allErrors: true, validateFormats: true})
  addFormats(ajv)
  // .NET TimeSpan as Octopus serializes it: [-][d.]hh:mm:ss[.fffffff]
  ajv.addFormat('date-span', /^-?(\d+\.)?\d{1,2}:\d{2}:\d{2}(\.\d{1,7})?$/)
  ajv.addSchema({definitions: Object.fromEntries(Object.entries(definitionsFor(swagger, version)).map(([name, schema]) => [name, nullable(schema)]))}, 'swagger')
  const entry = {swagger, ajv, validators: new Map<string, ValidateFunction>()}
  cached.set(version, entry)
  return entry
}

function validatorFor(schema: unknown, version: ApiVersion = '2021.2'): ValidateFunction {
  const {ajv, validators} = context(version)
  const key = JSON.stringify(schema)
  let v = validators.get(key)
  if (!v) {
    v = ajv.compile(nullable(schema) as object)
    validators.set(key, v)
  }
  return v
}

/** The swagger operation for a method and a swagger-style route (relative to basePath `/api`). */
export function operation(method: string, route: string): Operation | undefined {
  return context().swagger.paths[route]?.[method.toLowerCase()]
}

export function hasRoute(method: string, route: string): boolean {
  return operation(method, route) !== undefined
}

function check(schema: unknown, body: unknown, where: string, version: ApiVersion = '2021.2'): string[] {
  const validate = validatorFor(schema, version)
  if (validate(body)) return []
  return (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || '(root)'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`)
}

/**
 * Request bodies the swagger documents only in prose (the operation has no body parameter), with the
 * schema that prose states: sortorder "takes an array of worker pool IDs"; the features PUT replaces
 * the FeaturesConfigurationResource its GET and PUT return.
 */
const PROSE_REQUEST_SCHEMAS: Record<string, unknown> = {
  'PUT /workerpools/sortorder': {type: 'array', items: {type: 'string'}},
  'PUT /{baseSpaceId}/workerpools/sortorder': {type: 'array', items: {type: 'string'}},
  'PUT /featuresconfiguration': {$ref: '#/definitions/FeaturesConfigurationResource'},
}

function requestSchema(method: string, route: string, op: Operation): unknown {
  return op.parameters?.find((p) => p.in === 'body')?.schema ?? PROSE_REQUEST_SCHEMAS[`${method.toUpperCase()} ${route}`]
}

/** Errors in a request body for that route, or [] (also when the swagger has no body schema). */
export function validateRequest(method: string, route: string, body: unknown, version: ApiVersion = '2021.2'): string[] {
  const op = operation(method, route)
  if (!op) return [`${method} ${route}: not in the swagger`]
  const schema = requestSchema(method, route, op)
  if (!schema || body === undefined) return []
  return check(schema, body, `${method} ${route} request`, version)
}

/**
 * Property paths in a request body (e.g. `Endpoint.Host`, `Items[].Name`) that the route's request
 * schema does not declare. The swagger allows undeclared properties, so a misspelt field would
 * pass validateRequest and be ignored by a real server; this makes such fields visible.
 */
export function undeclaredRequestProperties(method: string, route: string, body: unknown): string[] {
  const op = operation(method, route)
  const schema = op && requestSchema(method, route, op)
  if (!schema || body === undefined) return []
  const found = new Set<string>()
  collectUndeclared(schema, body, '', found)
  return [...found].sort()
}

function collectUndeclared(schema: unknown, value: unknown, at: string, found: Set<string>): void {
  let resolved = schema as {$ref?: string; properties?: Record<string, unknown>; items?: unknown}
  if (resolved.$ref) resolved = context().swagger.definitions[resolved.$ref.replace(/^#\/definitions\//, '')] as typeof resolved
  if (Array.isArray(value)) {
    if (resolved.items) for (const item of value) collectUndeclared(resolved.items, item, `${at}[]`, found)
    return
  }
  // Free-form objects (no declared properties, e.g. a task's Arguments) have nothing to compare with.
  if (!value || typeof value !== 'object' || !resolved.properties) return
  for (const [key, child] of Object.entries(value)) {
    const where = at ? `${at}.${key}` : key
    if (key in resolved.properties) collectUndeclared(resolved.properties[key], child, where, found)
    else found.add(where)
  }
}

/** Errors in a response body for that route and status, or [] when the swagger has no schema for it. */
export function validateResponse(method: string, route: string, status: number, body: unknown, version: ApiVersion = '2021.2'): string[] {
  const op = operation(method, route)
  if (!op) return [`${method} ${route}: not in the swagger`]
  const response = op.responses?.[String(status)] ?? (status >= 400 ? undefined : op.responses?.default)
  // Error bodies follow the swagger's OctopusErrorsContract (`Error`) whatever the route documents.
  if (status >= 400) return check({$ref: '#/definitions/Error'}, body, `${method} ${route} ${status}`, version)
  if (!response?.schema) return []
  return check(response.schema, body, `${method} ${route} ${status}`, version)
}
