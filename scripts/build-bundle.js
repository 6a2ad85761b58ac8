#!/usr/bin/env node
// The production build: src/ bundled by esbuild into dist/bundle/, which is what bin/run.js runs
// (from a clone after `npm run build`, and from the installed package).
//
// Why a bundle: most of a command's start-up went into resolving and loading ~300 module files
// (@oclif/core, axios, our own). Here everything a command needs is in a few files, with the
// dependencies we import lazily (axios, yaml, cli-table3, @inquirer/prompts, the sandbox) split
// into chunks that load only when a command reaches them.
//
// oclif finds the commands through its "explicit" strategy: dist/bundle/commands.js exports
// COMMANDS, an object of command classes keyed by id. That module is GENERATED here from the files
// in src/commands (ids follow oclif's own file-name rule), so a new command file needs no list edit.
// The help and autocomplete commands of @oclif/plugin-help and @oclif/plugin-autocomplete are
// bundled into the same object instead of being loaded as plugins at every start.
//
// Native modules stay external: better-sqlite3 (loaded only by `sandbox start`) and
// @napi-rs/keyring (loaded only when a command reads or writes the keychain).
import {build} from 'esbuild'
import {readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const outdir = path.join(root, 'dist/bundle')
const require = createRequire(path.join(root, 'package.json'))

/**
 * Loaded from node_modules at run time, never bundled: the native add-ons, and typescript, which
 * oclif requires only to map compiled paths back to .ts sources in development (bin/run.js turns
 * that off, so the installed package never needs it).
 */
export const EXTERNAL = ['better-sqlite3', '@napi-rs/keyring', 'typescript']

/** Command files under dir, as [oclif id, absolute path]; ids as oclif derives them from file names. */
export function commandFiles(dir = path.join(root, 'src/commands')) {
  const found = []
  const walk = (sub) => {
    for (const entry of readdirSync(path.join(dir, sub), {withFileTypes: true})) {
      const rel = path.join(sub, entry.name)
      if (entry.isDirectory()) walk(rel)
      else if (/\.ts$/.test(entry.name) && !/\.(d|test|spec)\.ts$/.test(entry.name)) found.push(rel)
    }
  }
  walk('')
  return found
    .map((rel) => {
      const parsed = path.parse(rel)
      const id = [...parsed.dir.split(path.sep).filter(Boolean), parsed.name === 'index' ? '' : parsed.name].filter(Boolean).join(':')
      return [id, path.join(dir, rel)]
    })
    .sort(([a], [b]) => a.localeCompare(b))
}

/** The plugins' commands, by id: bundled with ours so no plugin is loaded at start-up. */
function pluginCommandFiles() {
  // The plugins' package "exports" hide their command files; import them by path.
  // (their "exports" also hide package.json: go up from the main module, lib/index.js).
  const packageDir = (name) => path.resolve(path.dirname(require.resolve(name)), '..')
  const autocomplete = packageDir('@oclif/plugin-autocomplete')
  const help = packageDir('@oclif/plugin-help')
  return [
    ['help', path.join(help, 'lib/commands/help.js')],
    ['autocomplete', path.join(autocomplete, 'lib/commands/autocomplete/index.js')],
    ['autocomplete:create', path.join(autocomplete, 'lib/commands/autocomplete/create.js')],
    ['autocomplete:script', path.join(autocomplete, 'lib/commands/autocomplete/script.js')],
  ]
}

/**
 * Each command's metadata as oclif caches it (flags, args, summary, examples...), read from the
 * real command classes: our src/commands compiled without their dependencies (so the same
 * @oclif/core as this script's reads them) into a scratch dir, then loaded the way `oclif manifest`
 * loads a plugin. Returned by id, without the fields oclif fills in itself (id, plugin names).
 */
async function commandMetadata(commands) {
  const scratch = path.join(root, 'dist/.command-metadata')
  rmSync(scratch, {recursive: true, force: true})
  const eager = `${commands.map(([, file], i) => `import C${i} from ${JSON.stringify(file)}`).join('\n')}\nexport const COMMANDS = {${commands.map(([id], i) => `${JSON.stringify(id)}: C${i}`).join(', ')}}\n`
  await build({
    absWorkingDir: root,
    stdin: {contents: eager, resolveDir: root, loader: 'js'},
    outfile: path.join(scratch, 'commands.js'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  })
  try {
    const {Plugin} = await import('@oclif/core')
    const pjson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
    pjson.oclif = {...pjson.oclif, commands: {strategy: 'explicit', target: './dist/.command-metadata/commands.js', identifier: 'COMMANDS'}}
    const plugin = new Plugin({root, pjson, isRoot: true, type: 'core', ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true})
    await plugin.load()
    return Object.fromEntries(
      Object.entries(plugin.manifest.commands).map(([id, cached]) => {
        const meta = {...cached}
        for (const key of ['id', 'pluginAlias', 'pluginName', 'pluginType']) delete meta[key]
        return [id, meta]
      }),
    )
  } finally {
    rmSync(scratch, {recursive: true, force: true})
  }
}

/**
 * What `run` does with the real class. oclif sets `id` and `plugin` on the class it finds in
 * COMMANDS; the real class gets them too, then runs as if oclif had found it directly.
 */
const LAZY_COMMAND_RUNTIME = `
function lazyCommand(load, keys, metadataJson) {
  class LazyCommand {
    static async run(argv, config) {
      const {default: Command} = await load()
      Command.id = this.id
      Command.plugin = this.plugin
      return Command.run(argv, config)
    }
  }
  // The metadata is parsed only if oclif asks for it: when it has no oclif.manifest.json (a clone),
  // or while \`oclif manifest\` writes one. With a manifest, running a command never reads it.
  let metadata
  for (const key of keys) {
    Object.defineProperty(LazyCommand, key, {enumerable: true, configurable: true, get: () => (metadata ??= JSON.parse(metadataJson))[key]})
  }
  return LazyCommand
}
`

/**
 * dist/bundle/commands.js: COMMANDS maps each id to a small stand-in class that carries the
 * command's metadata (for help and the manifest) and imports the real command (its own chunk,
 * with only what it uses) when the command runs. oclif looks a command up synchronously in
 * COMMANDS, so the stand-in is what makes one-command-at-a-time loading possible there.
 */
function commandsModule(commands, metadata) {
  const entries = commands.map(([id, file]) => {
    const meta = metadata[id]
    if (!meta) throw new Error(`no metadata for command ${id}`)
    return `  ${JSON.stringify(id)}: lazyCommand(() => import(${JSON.stringify(file)}), ${JSON.stringify(Object.keys(meta))}, ${JSON.stringify(JSON.stringify(meta))}),`
  })
  return `${LAZY_COMMAND_RUNTIME}\nexport const COMMANDS = {\n${entries.join('\n')}\n}\n`
}

/** Virtual entry modules: generated source, so nothing generated lands in src/. */
const virtualEntries = {
  commands: () => generated.commands,
  // bin/run.js imports oclif's runner from here, so oclif is loaded from the bundle too.
  run: () => `export {execute} from '@oclif/core/execute'\n`,
}

const virtualPlugin = {
  name: 'octoworkers-virtual-entries',
  setup(b) {
    b.onResolve({filter: /^virtual:/}, (args) => ({path: args.path.slice('virtual:'.length), namespace: 'virtual'}))
    b.onLoad({filter: /.*/, namespace: 'virtual'}, (args) => ({contents: virtualEntries[args.path](), loader: 'js', resolveDir: root}))
  },
}

/**
 * axios builds its fetch adapter when it is imported, which touches the `Request`/`Response`
 * globals and so loads Node's internal undici (~10 ms). In Node axios picks its http adapter first
 * (the default order is xhr, http, fetch and there is no XMLHttpRequest), so the fetch adapter is
 * never used; it is replaced by one that reports itself unavailable, as it would be on a platform
 * without fetch. Every request still goes through axios's http adapter.
 */
const axiosWithoutFetchAdapter = {
  name: 'axios-without-fetch-adapter',
  setup(b) {
    b.onLoad({filter: /[\\/]axios[\\/]lib[\\/]adapters[\\/]fetch\.js$/}, () => ({
      contents: 'export const getFetch = () => false\nexport default false\n',
      loader: 'js',
    }))
  },
}

function hookEntries() {
  const dir = path.join(root, 'src/hooks')
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => /\.ts$/.test(f) && !/\.d\.ts$/.test(f))
      .map((f) => [`hooks/${path.parse(f).name}`, path.join(dir, f)]),
  )
}

/** Generated entry sources, filled in before the build that reads them. */
const generated = {commands: ''}

export async function buildBundle({quiet = false} = {}) {
  const commands = [...commandFiles(), ...pluginCommandFiles()]
  generated.commands = commandsModule(commands, await commandMetadata(commands))
  rmSync(outdir, {recursive: true, force: true})
  const result = await build({
    absWorkingDir: root,
    entryPoints: {commands: 'virtual:commands', run: 'virtual:run', ...hookEntries()},
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    external: EXTERNAL,
    // Whitespace and syntax only: identifiers keep their names, so a stack trace is readable even
    // before its source map is applied.
    minifyWhitespace: true,
    minifySyntax: true,
    // Linked maps without the sources: bin/run.js turns source maps on under --debug, and traces
    // then name src/*.ts lines.
    sourcemap: 'linked',
    sourcesContent: false,
    // CommonJS dependencies (oclif, axios's helpers) call require() for Node built-ins.
    banner: {js: "import {createRequire as __octoworkersCreateRequire} from 'node:module';const require=__octoworkersCreateRequire(import.meta.url);"},
    legalComments: 'none',
    metafile: true,
    logLevel: quiet ? 'error' : 'warning',
    plugins: [virtualPlugin, axiosWithoutFetchAdapter],
  })
  // Beside the bundle, not in it (the package ships dist/bundle only): for size checks and tests.
  writeFileSync(path.join(root, 'dist/bundle-meta.json'), JSON.stringify(result.metafile))
  return result
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now()
  const result = await buildBundle()
  const outputs = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.js'))
  const kib = outputs.reduce((n, [, o]) => n + o.bytes, 0) / 1024
  process.stderr.write(`bundle: ${outputs.length} files, ${kib.toFixed(0)} KiB in dist/bundle (${Date.now() - started} ms)\n`)
}
