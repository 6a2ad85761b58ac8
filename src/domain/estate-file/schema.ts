/**
 * The estate file (`estate export` writes it, `estate plan`/`apply` read it): the one statement of
 * what it may hold, from which its TypeScript types are derived. Every mapping is strict, so a typo
 * (`enabeld: false`) is an error naming the allowed keys, never a silently ignored setting.
 *
 * Names are the keys (pools, workers, policies, accounts, proxies and spaces are named, never given
 * by ID), so one file describes an estate on any instance. Nothing secret has a place in it: workers
 * reference their SSH account by name; thumbprints and fingerprints are public certificate hashes.
 *
 * json-schema.ts states the same document as JSON Schema for editors; a unit test keeps them agreed.
 */
import * as v from 'valibot'

export const ESTATE_FILE_VERSION = 1

export const WORKER_KINDS = ['listening', 'polling', 'ssh', 'kubernetes'] as const
export type WorkerKind = (typeof WORKER_KINDS)[number]
export const POOL_TYPES = ['static', 'dynamic'] as const
export const SSH_PLATFORMS = ['linux-x64', 'linux-arm64', 'linux-arm', 'osx-x64'] as const

type Path = Array<string | number>

function strict<const E extends v.ObjectEntries>(entries: E, what: string) {
  const allowed = Object.keys(entries)
  return v.strictObject(entries, (issue) => {
    if (issue.expected === 'never') return `unknown key '${String(issue.input)}' in ${what} (allowed: ${allowed.join(', ')})`
    if (issue.input === undefined && issue.expected !== 'Object') return `${what} needs '${String(issue.expected).replace(/"/g, '')}'`
    return `${what} must be a mapping`
  })
}

const text = (what: string) => v.pipe(v.string(`${what} must be a string`), v.trim(), v.nonEmpty(`${what} must not be empty`))
const optionalText = (what: string) => v.optional(v.string(`${what} must be a string`))
const flag = (what: string) => v.optional(v.boolean(`${what} must be true or false`))
const thumbprint = v.pipe(
  v.string('thumbprint must be a string'),
  v.trim(),
  v.regex(/^[0-9A-Fa-f]{40}$/, (issue) => `thumbprint must be 40 hexadecimal characters (a SHA-1 certificate thumbprint), not '${String(issue.input)}'`),
  v.toUpperCase(),
)
const poolNames = v.pipe(
  v.array(text('a pool name'), 'pools must be a list of pool names'),
  v.minLength(1, 'a worker must be in at least one pool (pools: [...])'),
)
const policy = v.optional(text('machinePolicy'))
const enabled = flag('enabled')

export const poolSchema = strict({
  name: text('name'),
  type: v.optional(v.picklist(POOL_TYPES, (issue) => `type must be static or dynamic, not '${String(issue.input)}'`)),
  workerType: v.optional(text('workerType')),
  description: optionalText('description'),
  default: flag('default'),
  /** The pool's name on the server before this file renamed it: the rename is an update, not a delete and a create. */
  renamedFrom: v.optional(text('renamedFrom')),
}, 'a pool')

const listening = strict({
  name: text('name'), kind: v.literal('listening'), pools: poolNames,
  url: v.pipe(text('url'), v.regex(/^https:\/\/[^/\s]+/i, (issue) => `url must be an https:// URL (a listening Tentacle), not '${String(issue.input)}'`)),
  thumbprint, proxy: v.optional(text('proxy')), machinePolicy: policy, enabled,
}, 'a listening worker')

const polling = strict({
  name: text('name'), kind: v.literal('polling'), pools: poolNames,
  uri: v.pipe(text('uri'), v.regex(/^poll:\/\/[a-z0-9]+\/?$/i, (issue) => `uri must be poll://<subscription id>/, not '${String(issue.input)}'`)),
  thumbprint, machinePolicy: policy, enabled,
}, 'a polling worker')

const ssh = strict({
  name: text('name'), kind: v.literal('ssh'), pools: poolNames,
  host: text('host'),
  port: v.optional(v.pipe(v.number('port must be a number'), v.integer('port must be a whole number'), v.minValue(1, 'port must be 1-65535'), v.maxValue(65535, 'port must be 1-65535'))),
  fingerprint: text('fingerprint'),
  account: text('account'),
  platform: v.optional(v.picklist(SSH_PLATFORMS, (issue) => `platform must be one of ${SSH_PLATFORMS.join(', ')}, not '${String(issue.input)}'`)),
  proxy: v.optional(text('proxy')), machinePolicy: policy, enabled,
}, 'an SSH worker')

/** Kubernetes agents register through their Helm chart: the file manages their pools, policy and state only. */
const kubernetes = strict({
  name: text('name'), kind: v.literal('kubernetes'), pools: poolNames, machinePolicy: policy, enabled,
}, 'a Kubernetes agent worker')

export const workerSchema = v.variant('kind', [listening, polling, ssh, kubernetes], (issue) =>
  issue.input === undefined ? 'a worker needs \'kind\' (listening, polling, ssh or kubernetes)' : `kind must be one of ${WORKER_KINDS.join(', ')}, not '${String(issue.input)}'`)

const spaceSchema = v.nullish(strict({
  pools: v.nullish(v.array(poolSchema, 'pools must be a list'), () => []),
  workers: v.nullish(v.array(workerSchema, 'workers must be a list'), () => []),
}, 'a space'), () => ({pools: [], workers: []}))

export const estateFileSchema = strict({
  version: v.optional(v.literal(ESTATE_FILE_VERSION, (issue) => `version must be ${ESTATE_FILE_VERSION}, not '${String(issue.input)}'`)),
  builtInWorker: v.optional(v.picklist(['enabled', 'disabled'], (issue) => `builtInWorker must be enabled or disabled, not '${String(issue.input)}'`)),
  spaces: v.optional(v.record(v.pipe(v.string(), v.nonEmpty('a space name must not be empty')), spaceSchema, 'spaces must be a mapping of space names'), {}),
}, 'the estate file')

export type PoolDecl = v.InferOutput<typeof poolSchema>
export type WorkerDecl = v.InferOutput<typeof workerSchema>
export type EstateFile = v.InferOutput<typeof estateFileSchema>

/** The document, or the first problem with the path to it (the caller maps the path to a line). */
export function validateEstateFile(raw: unknown): {file: EstateFile} | {path: Path; message: string} {
  const result = v.safeParse(estateFileSchema, raw ?? {}, {abortEarly: true, abortPipeEarly: true})
  if (result.success) return {file: result.output}
  const issue = result.issues[0]
  return {path: (issue.path ?? []).map((step) => step.key as string | number), message: issue.message}
}
