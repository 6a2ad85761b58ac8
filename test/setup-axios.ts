import {loadAxios} from '../src/octopus/transport.js'

// axios loads with the fetch API's globals out of its sight (src/octopus/transport.ts). In the
// tiers whose tests call fetch themselves while commands run in their process, it is loaded here,
// before the first test of each worker, so that no test's fetch can run while they are hidden.
await loadAxios()
