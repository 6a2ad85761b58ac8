// The floor for `check --all-spaces --json`: the requests it makes, with the same concurrency
// (spaces 8 at a time; within a space, its reads at once), each body JSON.parsed, and nothing else:
// no rules, no output but the request count. `npm run bench` prints the command's time as a ratio to it.
// (The scale seed has no version-controlled project: the one-per-git-project reads are left out.)
import {allSpaces, finish, get, mapBounded, usageReads} from './floor-http.js'

const spaces = await allSpaces()
await Promise.all([
  get('/api/featuresconfiguration'),
  get('/api/octopusservernodes/all'),
  mapBounded(spaces, 8, (space) => Promise.all([
    get(`/api/${space.Id}/workerpools/all`),
    get(`/api/${space.Id}/workers/all`),
    get(`/api/${space.Id}/workerpools/summary`),
    get(`/api/${space.Id}/machines/all`),
    usageReads(space.Id, {poolsToo: false}),
  ])),
])
finish()
