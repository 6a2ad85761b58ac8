#!/usr/bin/env node
// Runs the bundled build in dist/bundle (made by `npm run build`, and by `npm pack` for the package).
// Under --debug, stack traces go through the bundle's source maps and so name src/*.ts lines;
// turned on before the bundle loads (maps are attached as modules load), and only then (it costs).
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true)
// The bundle is compiled JavaScript: oclif must never look for TypeScript sources to transpile
// (it does when NODE_ENV is development or test). Its settings object is globalThis.oclif.
globalThis.oclif = {...globalThis.oclif, enableAutoTranspile: false}
const {execute} = await import('../dist/bundle/run.js')

await execute({dir: import.meta.url})
