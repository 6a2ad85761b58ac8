#!/usr/bin/env node
// Runs the bundled build in dist/bundle (made by `npm run build`, and by `npm pack` for the package).
import {createRequire} from 'node:module'
import {fileURLToPath} from 'node:url'

const require = createRequire(import.meta.url)

// Under --debug, stack traces go through the bundle's source map and so name src/*.ts lines:
// turned on before the bundle loads (maps are attached as modules load), and only then (it costs).
// Otherwise the bundle is compiled through V8's code cache (src/cli/startup/compile-cache.ts),
// which bypasses Node's source-map support.
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true)
else require('../dist/bundle/compile-cache.cjs').start(process.argv.slice(2), process.env)

// The bundle is compiled JavaScript: oclif must never look for TypeScript sources to transpile
// (it does when NODE_ENV is development or test). Its settings object is globalThis.oclif.
globalThis.oclif ??= {}
globalThis.oclif.enableAutoTranspile = false

// oclif logs its own steps through the `debug` package, which prints only under DEBUG=...; without
// DEBUG, a logger that drops the lines spares loading it.
const quiet = () => {}
const silentLogger = {namespace: 'oclif', child: () => silentLogger, debug: quiet, error: quiet, info: quiet, trace: quiet, warn: quiet}

const {execute} = require('../dist/bundle/cli.cjs')
await execute({loadOptions: {root: fileURLToPath(new URL('..', import.meta.url)), ...(process.env.DEBUG ? {} : {logger: silentLogger})}})
