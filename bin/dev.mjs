#!/usr/bin/env node
// Runs the TypeScript sources directly (no build): oclif discovers the commands in src/commands
// and loads the help and autocomplete plugins from node_modules, where the bundle that
// bin/run.js runs has them built in (see scripts/build-bundle.js). The sources are compiled as
// they load (scripts/dev/typescript-hooks.js); the tests spawn this file for the runs that need
// a process of their own, so its output is the production output: no oclif development mode.
import '../scripts/dev/register.js'
import {fileURLToPath} from 'node:url'
import {sourcesPjson} from '../scripts/dev/sources-pjson.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const pjson = sourcesPjson()
// The hooks compile the .ts files; oclif must not map paths to sources or look for ts-node itself.
globalThis.oclif ??= {}
globalThis.oclif.enableAutoTranspile = false

const {execute} = await import('@oclif/core/execute')
await execute({loadOptions: {root, pjson}})
