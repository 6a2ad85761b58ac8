/**
 * The estate file as JSON Schema (draft 2020-12), for editors (`# yaml-language-server: $schema=…`)
 * and `estate schema`. Written by hand from schema.ts (valibot has no JSON Schema generator among
 * this project's dependencies); a unit test validates sample documents with both and checks they agree.
 */
import {ESTATE_FILE_VERSION, POOL_TYPES, SSH_PLATFORMS} from './schema.js'

/**
 * Where an exported file tells editors to find the schema: a file beside it, which `estate schema
 * -o estate.schema.json` writes (yaml-language-server resolves a relative `$schema` path against
 * the YAML file). Not a URL: the package is not published anywhere a URL could point at, and a
 * file beside the estate files is the schema of the version that wrote them, offline too.
 */
export const ESTATE_SCHEMA_FILE = 'estate.schema.json'

const nonEmpty = {type: 'string', pattern: '\\S'}
const thumbprint = {type: 'string', pattern: '^\\s*[0-9A-Fa-f]{40}\\s*$', description: 'The Tentacle certificate\'s SHA-1 thumbprint (public).'}
const common = {
  name: {...nonEmpty, description: 'The worker\'s name (its key: a worker of this name on the server is this worker).'},
  pools: {type: 'array', items: nonEmpty, minItems: 1, description: 'Static pools of the same space, by name.'},
  machinePolicy: {...nonEmpty, description: 'Machine policy by name; left out: unchanged (a new worker gets the default).'},
  enabled: {type: 'boolean', description: 'Left out: enabled.'},
}

function worker(kind: string, properties: Record<string, unknown>, required: string[], description: string) {
  return {
    type: 'object',
    description,
    additionalProperties: false,
    required: ['name', 'kind', 'pools', ...required],
    properties: {...common, kind: {const: kind}, ...properties},
  }
}

export const ESTATE_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'octoworkers estate file',
  description: 'Worker pools and workers of an Octopus Deploy instance, by name (octoworkers estate export / plan / apply).',
  type: 'object',
  additionalProperties: false,
  properties: {
    version: {const: ESTATE_FILE_VERSION},
    builtInWorker: {enum: ['enabled', 'disabled'], description: 'The Octopus Server\'s built-in worker (instance-wide).'},
    spaces: {
      type: 'object',
      description: 'Spaces by name.',
      propertyNames: {minLength: 1},
      additionalProperties: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: {
          pools: {
            type: ['array', 'null'],
            description: 'Worker pools, in their sort order.',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name'],
              properties: {
                name: nonEmpty,
                type: {enum: [...POOL_TYPES], description: 'Left out: static.'},
                workerType: {...nonEmpty, description: 'Dynamic pools only, e.g. UbuntuDefault.'},
                description: {type: 'string'},
                default: {type: 'boolean', description: 'The space\'s default pool (at most one per space).'},
                renamedFrom: {...nonEmpty, description: 'The pool\'s former name: renames it instead of creating a new one.'},
              },
            },
          },
          workers: {
            type: ['array', 'null'],
            items: {
              oneOf: [
                worker('listening', {url: {type: 'string', pattern: '^\\s*[Hh][Tt][Tt][Pp][Ss]://[^/\\s]+'}, thumbprint, proxy: nonEmpty}, ['url', 'thumbprint'], 'A listening Tentacle.'),
                worker('polling', {uri: {type: 'string', pattern: '^\\s*[Pp][Oo][Ll][Ll]://[A-Za-z0-9]+/?\\s*$'}, thumbprint}, ['uri', 'thumbprint'], 'A polling Tentacle.'),
                worker('ssh', {
                  host: nonEmpty, port: {type: 'integer', minimum: 1, maximum: 65535}, fingerprint: nonEmpty,
                  account: {...nonEmpty, description: 'SSH key pair or username/password account, by name.'},
                  platform: {enum: [...SSH_PLATFORMS]}, proxy: nonEmpty,
                }, ['host', 'fingerprint', 'account'], 'An SSH connection.'),
                worker('kubernetes', {}, [], 'A Kubernetes agent (installed with its Helm chart; the file manages its pools, policy and state).'),
              ],
            },
          },
        },
      },
    },
  },
} as const
