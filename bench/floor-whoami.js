// The floor for any Node CLI: `whoami --json`'s four requests to the server (root
// document, spaces, the default space's home, the current user) with nothing but node:http, and
// the same JSON out. `npm run bench` prints its ratio to `node -e 0` beside ours.
import http from 'node:http'

const server = process.env.OCTOPUS_URL
const agent = new http.Agent({keepAlive: true})
const get = (path) => new Promise((resolve, reject) => {
  http.get(new URL(path, server), {agent, headers: {'X-Octopus-ApiKey': process.env.OCTOPUS_API_KEY, Accept: 'application/json'}}, (res) => {
    let body = ''
    res.setEncoding('utf8').on('data', (chunk) => (body += chunk)).on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`${path}: ${res.statusCode}`))))
  }).on('error', reject)
})

const root = await get('/api')
const space = (await get('/api/spaces/all')).find((s) => s.IsDefault)
await get(`/api/${space.Id}`)
const me = await get('/api/users/me')
process.stdout.write(JSON.stringify({Server: server, Version: root.Version, User: {Id: me.Id, Username: me.Username, DisplayName: me.DisplayName}, Space: {Id: space.Id, Name: space.Name}, Profile: null, CredentialSource: 'env'}, null, 2) + '\n')
agent.destroy()
