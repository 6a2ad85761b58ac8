#!/usr/bin/env -S node --loader ts-node/esm --disable-warning=ExperimentalWarning
// Runs the TypeScript sources directly (no build): oclif discovers the commands in src/commands
// and loads the help and autocomplete plugins from node_modules, where the bundle that
// bin/run.js runs has them built in (see scripts/build-bundle.js).
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {execute} from '@oclif/core/execute'

const root = fileURLToPath(new URL('..', import.meta.url))
const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
pjson.oclif = {
  ...pjson.oclif,
  commands: './src/commands',
  hooks: {command_not_found: './src/hooks/command-not-found.ts'},
  plugins: ['@oclif/plugin-help', '@oclif/plugin-autocomplete'],
}
// The ts-node loader compiles the .ts files; oclif need not map paths to sources itself.
globalThis.oclif ??= {}
globalThis.oclif.enableAutoTranspile = false

await execute({development: true, loadOptions: {root, pjson}})
