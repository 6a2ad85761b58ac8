// What the floors share: GET with node:http and a keep-alive agent (as the CLI's transport: no
// compression, `Accept: application/json`), every body read whole and JSON.parsed, and a bounded map
// with the CLI's semantics (at most `limit` in flight, results in input order). It counts requests and
// bytes, which each floor prints so that the bench can show it made as many requests as the command.
import http from 'node:http'

const server = process.env.OCTOPUS_URL
const agent = new http.Agent({keepAlive: true})
const headers = {'X-Octopus-ApiKey': process.env.OCTOPUS_API_KEY, Accept: 'application/json'}
export const counted = {requests: 0, bytes: 0}

// A kept-alive socket the server closed while idle (its keep-alive timeout passes while it builds a
// large body for another request) resets on reuse: a GET is then sent again, as the CLI's retry does.
export const get = (path, retried = false) => new Promise((resolve, reject) => {
  if (!retried) counted.requests++
  const request = http.get(new URL(path, server), {agent, headers}, (res) => {
    const chunks = []
    res.on('data', (chunk) => chunks.push(chunk)).on('end', () => {
      const body = Buffer.concat(chunks)
      counted.bytes += body.length
      if (res.statusCode !== 200) return reject(new Error(`${path}: ${res.statusCode}`))
      resolve(JSON.parse(body.toString('utf8')))
    })
  })
  request.on('error', (error) => (error.code === 'ECONNRESET' && request.reusedSocket && !retried ? get(path, true).then(resolve, reject) : reject(error)))
})

export async function mapBounded(items, limit, fn) {
  const results = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await fn(items[index], index)
    }
  }
  await Promise.all(Array.from({length: Math.min(Math.max(1, limit), items.length)}, worker))
  return results
}

/** The root document, the spaces, and each space's home document (8 at a time), as every --all-spaces command starts. */
export async function allSpaces() {
  await get('/api')
  const spaces = await get('/api/spaces/all')
  await mapBounded(spaces, 8, (space) => get(`/api/${space.Id}`))
  return spaces
}

/**
 * One space's usage reads, as the CLI makes them: the lists at once, then every variable set in one
 * request (lifecycles only when a runbook takes its environments from them).
 */
export async function usageReads(spaceId, {poolsToo}) {
  const s = `/api/${spaceId}`
  const [projects, , runbooks, , , , libraryVariableSets] = await Promise.all([
    get(`${s}/projects/all`),
    get(`${s}/deploymentprocesses?skip=0&take=2147483647`),
    get(`${s}/runbooks/all`),
    get(`${s}/runbookProcesses?skip=0&take=2147483647`),
    get(`${s}/environments/all`),
    get(`${s}/channels/all`),
    get(`${s}/libraryvariablesets/all?contentType=Variables`),
    get(`${s}/feeds/all`),
    ...(poolsToo ? [get(`${s}/workerpools/all`), get(`${s}/workerpools/summary`)] : []),
  ])
  const ids = [...projects.map((p) => p.VariableSetId), ...libraryVariableSets.map((l) => l.VariableSetId)].filter((id) => typeof id === 'string' && id !== '')
  const lifecycles = runbooks.some((r) => (r.EnvironmentScope ?? '').toLowerCase() === 'fromprojectlifecycles')
  // As the CLI: past 6,000 characters the URL leaves the ids filter out (one request either way).
  const withIds = `${s}/variables/all?ids=${[...new Set(ids)].map(encodeURIComponent).join(',')}`
  await Promise.all([
    ids.length ? get(withIds.length <= 6000 ? withIds : `${s}/variables/all`) : undefined,
    lifecycles ? get(`${s}/lifecycles/all`) : undefined,
  ])
}

export function finish() {
  process.stdout.write(JSON.stringify({Requests: counted.requests, Bytes: counted.bytes}) + '\n')
  agent.destroy()
}
