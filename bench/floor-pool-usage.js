// The floor for `pool usage --all-spaces --json`: its requests (spaces 4 at a time; within a space,
// its lists at once, then the variable sets), each body JSON.parsed, and nothing else.
// (The scale seed has no version-controlled project: the one-per-git-project reads are left out.)
import {allSpaces, finish, mapBounded, usageReads} from './floor-http.js'

const spaces = await allSpaces()
await mapBounded(spaces, 4, (space) => usageReads(space.Id, {poolsToo: true}))
finish()
