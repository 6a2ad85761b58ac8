import {afterAll} from 'vitest'
import {loadAxios} from '../src/octopus/transport.js'
import {removeTempDirs} from './helpers/temp.js'

// Registered before any test file's own hooks, so it runs after them (hooks unwind as a stack).
afterAll(removeTempDirs)

// axios loads with the fetch API's globals out of its sight (src/octopus/transport.ts). Loaded here,
// before the first test of each worker, no test's own fetch can run while they are hidden.
await loadAxios()
