/**
 * The smoke tier runs what users run: the bundle in dist/bundle (bin/run.js). It is built here,
 * once per test run, in about a second (esbuild; no type check), so that `npm test` on a fresh
 * clone needs no build step before it. The other tiers run the TypeScript sources.
 */
import {spawnSync} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export default function buildBundle(): void {
  const build = spawnSync(process.execPath, [path.join(root, 'scripts/build-bundle.js')], {cwd: root, encoding: 'utf8'})
  if (build.status !== 0) throw new Error(`The bundle did not build (node scripts/build-bundle.js, exit ${build.status}):\n${build.stdout}${build.stderr}`)
}
