import {readFileSync} from 'node:fs'
import path from 'node:path'
import {createRequire} from 'node:module'
import {describe, expect, it} from 'vitest'
import {ESTATE_JSON_SCHEMA} from '../../../src/domain/estate-file/json-schema.js'
import {validateEstateFile, WORKER_KINDS} from '../../../src/domain/estate-file/schema.js'
import {repoRoot} from '../../helpers/cli.js'

const Ajv2020 = createRequire(import.meta.url)('ajv/dist/2020.js').default as new (opts: object) => {compile(schema: object): (doc: unknown) => boolean}
const jsonSchemaAccepts = new Ajv2020({strict: false, allErrors: true}).compile(ESTATE_JSON_SCHEMA)

const thumb = 'A'.repeat(40)
const worker = {name: 'w1', kind: 'listening', pools: ['P'], url: 'https://w1.example:10933/', thumbprint: thumb}
const space = (content: object) => ({version: 1, spaces: {Default: content}})

/** Documents both schemas must judge alike: accepted ones first, then each kind of mistake. */
const SAMPLES: Array<[string, unknown, boolean]> = [
  ['empty document', {}, true],
  ['a full estate', {version: 1, builtInWorker: 'disabled', spaces: {Default: {
    pools: [{name: 'P', type: 'static', default: true, description: 'd'}, {name: 'H', type: 'dynamic', workerType: 'UbuntuDefault'}, {name: 'N', renamedFrom: 'Old'}],
    workers: [
      worker,
      {name: 'w2', kind: 'polling', pools: ['P'], uri: 'poll://abc123/', thumbprint: thumb.toLowerCase(), machinePolicy: 'Default Machine Policy', enabled: false},
      {name: 'w3', kind: 'ssh', pools: ['P'], host: 'h', port: 2222, fingerprint: 'SHA256:x', account: 'key', platform: 'linux-x64', proxy: 'Corp'},
      {name: 'w4', kind: 'kubernetes', pools: ['P']},
    ],
  }}}, true],
  ['a space with nothing under it', {spaces: {Default: null}}, true],
  ['unknown top-level key', {versoin: 1}, false],
  ['unknown pool key', space({pools: [{name: 'P', colour: 'red'}]}), false],
  ['unknown worker key', space({workers: [{...worker, enabeld: false}]}), false],
  ['worker in no pool', space({workers: [{...worker, pools: []}]}), false],
  ['unknown kind', space({workers: [{...worker, kind: 'cloud'}]}), false],
  ['listening field on a polling worker', space({workers: [{...worker, kind: 'polling', uri: 'poll://abc/'}]}), false],
  ['short thumbprint', space({workers: [{...worker, thumbprint: 'ABC'}]}), false],
  ['http listening url', space({workers: [{...worker, url: 'http://w1:10933/'}]}), false],
  ['port out of range', space({workers: [{name: 'w3', kind: 'ssh', pools: ['P'], host: 'h', port: 70000, fingerprint: 'f', account: 'a'}]}), false],
  ['ssh without account', space({workers: [{name: 'w3', kind: 'ssh', pools: ['P'], host: 'h', fingerprint: 'f'}]}), false],
  ['bad pool type', space({pools: [{name: 'P', type: 'elastic'}]}), false],
  ['empty pool name', space({pools: [{name: ''}]}), false],
  ['wrong version', {version: 2}, false],
  ['bad builtInWorker', {builtInWorker: 'off'}, false],
  ['enabled as a string', space({workers: [{...worker, enabled: 'no'}]}), false],
]

describe('the estate file\'s JSON Schema and its valibot schema', () => {
  it.each(SAMPLES)('agree on %s', (_what, doc, valid) => {
    expect('file' in validateEstateFile(doc)).toBe(valid)
    expect(jsonSchemaAccepts(doc)).toBe(valid)
  })

  it('has a branch for every worker kind', () => {
    const branches = ESTATE_JSON_SCHEMA.properties.spaces.additionalProperties.properties.workers.items.oneOf
    expect(branches.map((b) => b.properties.kind.const)).toEqual([...WORKER_KINDS])
  })

  it('is the file the package ships (schema/estate.schema.json)', () => {
    const shipped = JSON.parse(readFileSync(path.join(repoRoot, 'schema/estate.schema.json'), 'utf8'))
    expect(shipped, 'run: node bin/dev.mjs estate schema > schema/estate.schema.json').toEqual(JSON.parse(JSON.stringify(ESTATE_JSON_SCHEMA)))
  })
})
