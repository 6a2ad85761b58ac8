#!/usr/bin/env node
// Runs the bundled build in dist/bundle (made by `npm run build`, and by `npm pack` for the package).
//
// CommonJS (bin/package.json says so for this folder): as an ES module this file would start Node's
// ES module loader, about 9 ms of CPU and 2 MiB on every run, for nothing else uses it (the bundle
// and the files oclif loads by path are CommonJS).
'use strict'
const path = require('node:path')

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

// execute handles a command's errors itself (message, exit code).
const {execute} = require('../dist/bundle/cli.cjs')
execute({loadOptions: {root: path.join(__dirname, '..', path.sep), ...(process.env.DEBUG ? {} : {logger: silentLogger})}})
