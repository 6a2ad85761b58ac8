import {describe, expect, it} from 'vitest'
import {api, type Sandbox} from '../../helpers/sandbox.js'
import type {FaultRule, FaultServer} from '../../fault-server/index.js'
import {lines, octoVia, withFaultedSandbox} from './helpers.js'

// A wrong-shaped answer is one line naming the server, the URL and what came
// back, exit 1; never `Unexpected error: spaces.find is not a function`.

let sandbox: Sandbox
let faults: FaultServer
withFaultedSandbox((s, f) => {
  sandbox = s
  faults = f
})

/** Nineteen answers a middlebox, a wrong URL or a broken server gives instead of the JSON asked for. */
const WRONG: Array<[string, Partial<FaultRule> & {mode: FaultRule['mode']}, RegExp]> = [
  ['an HTML login page', {mode: 'html'}, /got text\/html, 1\.\d kB/],
  ['plain text', {mode: 'body', body: 'Service Unavailable', contentType: 'text/plain'}, /got text\/plain, 19 B/],
  ['XML', {mode: 'body', body: '<?xml version="1.0"?><Error/>', contentType: 'application/xml'}, /got application\/xml/],
  ['an empty body', {mode: 'body', body: '', contentType: 'application/json'}, /got an empty body/],
  ['malformed JSON', {mode: 'body', body: '[{"Id": "WorkerPools-1", ', contentType: 'application/json'}, /got malformed JSON \(application\/json/],
  ['JSON with no content type', {mode: 'body', body: 'ok', contentType: ''}, /got a body with no content type, 2 B/],
  ['JSON null', {mode: 'body', body: null}, /got JSON null/],
  ['a JSON boolean', {mode: 'body', body: true}, /got a JSON boolean/],
  ['a JSON number', {mode: 'body', body: 42}, /got a JSON number/],
  ['a JSON string', {mode: 'body', body: JSON.stringify('pools')}, /got a JSON string/],
  ['an empty object', {mode: 'body', body: {}}, /got a JSON object/],
  ['a collection instead of an array', {mode: 'body', body: {Items: [], TotalResults: 0}}, /got a JSON object/],
  ['an array of numbers', {mode: 'body', body: [1, 2]}, /item 1 is a JSON number/],
  ['an array of strings', {mode: 'body', body: ['WorkerPools-1']}, /item 1 is a JSON string/],
  ['an array holding null', {mode: 'body', body: [null]}, /item 1 is JSON null/],
  ['an array of arrays', {mode: 'body', body: [[]]}, /item 1 is a JSON array/],
  ['objects without an Id', {mode: 'body', body: [{Name: 'x'}]}, /item 1 is a JSON object without a string Id/],
  ['a numeric Id', {mode: 'body', body: [{Id: 5, Name: 'x'}]}, /without a string Id/],
  ['an object without a Name', {mode: 'body', body: [{Id: 'WorkerPools-1', Name: 'a'}, {Id: 'WorkerPools-2'}]}, /item 2 is a JSON object without a string Name/],
]

describe('pool list against wrong-shaped answers for /workerpools/all', () => {
  it.each(WRONG)('%s: one line naming server, URL and what came back; exit 1; no "Unexpected error"', async (_label, fault, got) => {
    faults.add({...fault, method: 'GET', path: '/api/Spaces-1/workerpools/all'})
    const result = await octoVia(faults, sandbox, ['pool', 'list'])
    expect(result.exitCode, result.stderr).toBe(1)
    const error = lines(result.stderr).find((l) => l.startsWith('Error:'))!
    expect(error).toContain(faults.url)
    expect(error).toContain('GET /api/Spaces-1/workerpools/all')
    expect(error).toMatch(got)
    expect(error).toMatch(/is this the Octopus Server's root URL\?$/)
    expect(result.stderr).not.toMatch(/Unexpected error|is not a function|Cannot read propert/)
    expect(result.stdout).toBe('')
  })
})

/** Valid workers ahead of a wrong answer's items, so that the list passes the size past which check splits it as it arrives. */
const PADDING = Array.from({length: 4300}, (_, i) => ({Id: `Workers-${9000 + i}`, Name: `padding-${i}`, SpaceId: 'Spaces-1', Note: 'x'.repeat(1000)}))

function padded(fault: Partial<FaultRule> & {mode: FaultRule['mode']}): Partial<FaultRule> & {mode: FaultRule['mode']} {
  if (fault.mode !== 'body') return fault
  if (Array.isArray(fault.body)) return {...fault, body: [...PADDING, ...fault.body]}
  if (typeof fault.body === 'string' && fault.body.startsWith('[')) return {...fault, body: `[${JSON.stringify(PADDING).slice(1, -1)},${fault.body.slice(1)}`}
  return fault
}

describe('check, which splits a large worker list as it arrives, against the same wrong answers for /workers/all', () => {
  it.each(WRONG)('%s (after 4.4 MB of valid workers where it is a list): the same line as a command that reads the list whole', async (_label, fault) => {
    faults.add({...padded(fault), method: 'GET', path: '/api/Spaces-1/workers/all'})
    const [itemByItem, whole] = await Promise.all([
      octoVia(faults, sandbox, ['check', '--json', '--fail-on', 'never']),
      octoVia(faults, sandbox, ['worker', 'list', '--json']),
    ])
    expect(itemByItem.exitCode, itemByItem.stderr).toBe(1)
    const message = JSON.parse(itemByItem.stdout).Error.Message as string
    expect(message).toContain('GET /api/Spaces-1/workers/all got ')
    expect(message).toBe(JSON.parse(whole.stdout).Error.Message)
    if (padded(fault) !== fault) expect(message).toMatch(/item 43\d\d is |malformed JSON \(application\/json, 4\.\d MB\)/)
    expect(itemByItem.stderr).not.toMatch(/Unexpected error|is not a function|Cannot read propert/)
  })
})

describe('other routes and commands', () => {
  it.each([
    ['the spaces list', '/api/spaces/all', {Items: []}, /GET \/api\/spaces\/all got a JSON object \(\d+ B\), not a JSON array of spaces/],
    ['the space home', '/api/Spaces-1', ['not', 'a', 'document'], /GET \/api\/Spaces-1 got a JSON array of 3 items/],
    ['the workers list', '/api/Spaces-1/workers/all', {Workers: []}, /GET \/api\/Spaces-1\/workers\/all got a JSON object/],
  ])('worker list with a wrong-shaped %s', async (_label, path, body, got) => {
    faults.add({mode: 'body', method: 'GET', path: new RegExp(`^${path}$`), body})
    const result = await octoVia(faults, sandbox, ['worker', 'list', '--json'])
    expect(result.exitCode, result.stderr).toBe(1)
    const doc = JSON.parse(result.stdout)
    expect(doc.Error).toMatchObject({Code: 'bad-response', ExitCode: 1})
    expect(doc.Error.Message).toMatch(got)
  })

  it('a wrong-shaped single resource (the pool that pool update reads) is the same clear line, and nothing is changed', async () => {
    const before = (await api(sandbox, 'GET', '/api/Spaces-1/workerpools/WorkerPools-2')).body
    faults.add({mode: 'body', method: 'GET', path: '/api/Spaces-1/workerpools/WorkerPools-2', body: [{Id: 'WorkerPools-2'}]})
    const result = await octoVia(faults, sandbox, ['pool', 'update', 'WorkerPools-2', '--description', 'changed'])
    expect(result.exitCode, result.stderr).toBe(1)
    expect(result.stderr).toMatch(/GET \/api\/Spaces-1\/workerpools\/WorkerPools-2 got a JSON array of 1 item \(\d+ B\), not a JSON object with Id/)
    expect(result.stderr).not.toMatch(/Unexpected error/)
    expect(faults.requests.filter((r) => r.method === 'PUT')).toEqual([])
    expect((await api(sandbox, 'GET', '/api/Spaces-1/workerpools/WorkerPools-2')).body).toEqual(before)
  })

  it.each([
    ['WorkerPoolIds is a string, not a list', {WorkerPoolIds: 'WorkerPools-1'}, /got a JSON object whose WorkerPoolIds is a JSON string \([\d.]+ k?B\), not a JSON object with Id/],
    ['IsDisabled is a string', {IsDisabled: 'false'}, /got a JSON object whose IsDisabled is a JSON string \([\d.]+ k?B\), not a JSON object with Id/],
  ])('the worker worker disable reads before writing it back, when its %s: one clear line, exit 1, nothing written', async (_label, change, got) => {
    const workers = (await api(sandbox, 'GET', '/api/Spaces-1/workers/all')).body as Array<{Id: string; Name: string}>
    const target = workers[0]
    const before = (await api(sandbox, 'GET', `/api/Spaces-1/workers/${target.Id}`)).body
    faults.add({mode: 'body', method: 'GET', path: `/api/Spaces-1/workers/${target.Id}`, body: {...before, ...change}})
    const result = await octoVia(faults, sandbox, ['worker', 'disable', target.Id, '--yes', '--force'])
    expect(result.exitCode, result.stderr).toBe(1)
    // A bulk command reports each worker's outcome: the failed one names what came back.
    expect(result.stdout + result.stderr).toMatch(got)
    expect(result.stdout + result.stderr).not.toMatch(/Unexpected error|is not a function/)
    expect(faults.requests.filter((r) => r.method === 'PUT')).toEqual([])
    expect((await api(sandbox, 'GET', `/api/Spaces-1/workers/${target.Id}`)).body).toEqual(before)
  })

  it('the well-formed answers still pass through (the checks refuse nothing real)', async () => {
    const result = await octoVia(faults, sandbox, ['pool', 'list', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const names = (JSON.parse(result.stdout) as Array<{Name: string}>).map((p) => p.Name)
    const real = ((await api(sandbox, 'GET', '/api/Spaces-1/workerpools/all')).body as Array<{Name: string}>).map((p) => p.Name)
    expect(names.sort()).toEqual(real.sort())
  })
})
