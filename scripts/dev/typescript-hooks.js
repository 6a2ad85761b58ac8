// Node module hooks that run the TypeScript sources as they are (bin/dev.mjs, and the tests' own
// processes): a `.ts` file is compiled by esbuild when it is loaded, types stripped, nothing
// checked (`npm run typecheck` does that), in about a millisecond a file; and an import of
// `./x.js` from a `.ts` file finds `./x.ts`, as TypeScript's Node16 resolution writes them.
import {existsSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {fileURLToPath} from 'node:url'
import {transform} from 'esbuild'

export async function resolve(specifier, context, nextResolve) {
  if (context.parentURL?.endsWith('.ts') && specifier.endsWith('.js') && /^\.\.?\//.test(specifier)) {
    const source = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL)
    if (existsSync(fileURLToPath(source))) return {url: source.href, shortCircuit: true}
  }
  return nextResolve(specifier, context)
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context)
  const file = fileURLToPath(url)
  // An inline source map: stack traces name the .ts lines (with --enable-source-maps).
  const {code} = await transform(await readFile(file, 'utf8'), {loader: 'ts', format: 'esm', target: 'node20', sourcemap: 'inline', sourcefile: file})
  return {format: 'module', source: code, shortCircuit: true}
}
