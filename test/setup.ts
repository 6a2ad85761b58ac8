import {register} from 'node:module'
import {afterAll} from 'vitest'
import {removeTempDirs} from './helpers/temp.js'

// oclif imports the command files itself, with Node's own loader rather than vitest's: the hooks
// bin/dev.js uses compile them from the TypeScript sources as they load (once per test process).
const HOOKS_KEY = Symbol.for('octoworkers.typescriptHooks')
const state = globalThis as Record<symbol, unknown>
if (!state[HOOKS_KEY]) {
  register('../scripts/dev/typescript-hooks.js', import.meta.url)
  state[HOOKS_KEY] = true
}

// Registered before any test file's own hooks, so it runs after them (hooks unwind as a stack).
afterAll(removeTempDirs)
