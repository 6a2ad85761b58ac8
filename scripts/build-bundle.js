#!/usr/bin/env node
// The production build: src/ bundled by esbuild into dist/bundle/, which is what bin/run.js runs
// (from a clone after `npm run build`, and from the installed package).
//
// Why a bundle: most of a command's start-up went into resolving and loading ~300 module files
// (@oclif/core, axios, our own). Here everything is one CommonJS file, dist/bundle/cli.cjs, whose
// modules are evaluated only when a command reaches them (axios, yaml, @inquirer/prompts, the
// sandbox...), and which V8 need not compile again on every run (src/cli/startup/compile-cache.ts,
// loaded first as dist/bundle/compile-cache.cjs).
//
// oclif finds the commands through its "explicit" strategy: dist/bundle/commands.cjs exports
// COMMANDS, an object of command classes keyed by id. That module is GENERATED here from the files
// in src/commands (ids follow oclif's own file-name rule), so a new command file needs no list edit.
// The help and autocomplete commands of @oclif/plugin-help and @oclif/plugin-autocomplete are
// bundled into the same object instead of being loaded as plugins at every start.
//
// Native modules stay external: better-sqlite3 (loaded only by `sandbox start`) and
// @napi-rs/keyring (loaded only when a command reads or writes the keychain).
import {build} from 'esbuild'
import {createHash} from 'node:crypto'
import {mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {compactJsonText} from './compact-manifest.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const outdir = path.join(root, 'dist/bundle')
const require = createRequire(path.join(root, 'package.json'))
const lazyRequireModule = path.join(root, 'scripts/bundle/lazy-require.cjs')

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

/** The commands' metadata, in dist/bundle beside cli.cjs (about 120 KB every run would otherwise read). */
const METADATA_FILE = 'command-metadata.json'

/**
 * What `run` does with the real class. oclif sets `id` and `plugin` on the class it finds in
 * COMMANDS; the real class gets them too, then runs as if oclif had found it directly.
 */
const LAZY_COMMAND_RUNTIME = `
// Read on first use, from beside the bundle (a path esbuild leaves alone): it is not part of cli.cjs.
let allMetadata
const commandMetadata = () => (allMetadata ??= require(require('node:path').join(__dirname, ${JSON.stringify(METADATA_FILE)})))
function lazyCommand(load, id, keys) {
  class LazyCommand {
    static async run(argv, config) {
      const {default: Command} = await load()
      Command.id = this.id
      Command.plugin = this.plugin
      return Command.run(argv, config)
    }
  }
  // The metadata is read only if oclif asks for it: when it has no oclif.manifest.json (a clone),
  // or while \`oclif manifest\` writes one. With a manifest, running a command never reads it.
  for (const key of keys) {
    Object.defineProperty(LazyCommand, key, {enumerable: true, configurable: true, get: () => commandMetadata()[id][key]})
  }
  return LazyCommand
}
`

/**
 * COMMANDS (which dist/bundle/commands.cjs hands to oclif) maps each id to a small stand-in class that carries the
 * command's metadata (for help and the manifest) and imports the real command (evaluating only
 * what it uses) when the command runs. oclif looks a command up synchronously in
 * COMMANDS, so the stand-in is what makes one-command-at-a-time loading possible there.
 */
function commandsModule(commands, metadata) {
  const entries = commands.map(([id, file]) => {
    const meta = metadata[id]
    if (!meta) throw new Error(`no metadata for command ${id}`)
    return `  ${JSON.stringify(id)}: lazyCommand(() => import(${JSON.stringify(file)}), ${JSON.stringify(id)}, ${JSON.stringify(Object.keys(meta))}),`
  })
  return `${LAZY_COMMAND_RUNTIME}\nexport const COMMANDS = {\n${entries.join('\n')}\n}\n`
}

/**
 * Virtual entry modules: generated source, so nothing generated lands in src/.
 * - cli: the bundle. bin/run.js requires oclif's runner from it; oclif finds COMMANDS, the Help
 *   class and the hooks through the small files beside it (see FACADES), which require it too, so
 *   there is one oclif and one copy of every module.
 * - compile-cache: what bin/run.js loads first, with this build's id and command topics.
 */
const virtualEntries = {
  commands: () => generated.commands,
  cli: () => [
    `export {execute} from '@oclif/core/execute'`,
    `export {COMMANDS} from 'virtual:commands'`,
    // Required inside functions, so that esbuild evaluates them (and what they import, such as
    // string-width, which makes an Intl.Segmenter at import) only when oclif asks for them.
    `export const loadHelp = () => require(${JSON.stringify(path.join(root, 'src/cli/help.ts'))}).default`,
    `export const hooks = {${Object.entries(hookEntries()).map(([name, file]) => `${JSON.stringify(name)}: () => require(${JSON.stringify(file)}).default`).join(', ')}}`,
  ].join('\n'),
  'compile-cache': () => [
    `import path from 'node:path'`,
    `import {startCompileCache} from ${JSON.stringify(path.join(root, 'src/cli/startup/compile-cache.ts'))}`,
    `import {cacheDir} from ${JSON.stringify(path.join(root, 'src/config/cache-dir.ts'))}`,
    `export function start(argv, env) {`,
    `  const files = ${JSON.stringify(COMPILED_FILES)}.map((file) => path.join(__dirname, file))`,
    `  startCompileCache({files, bundleId: ${JSON.stringify(generated.bundleId)}, slots: ${JSON.stringify(generated.slots)}, argv, env, cacheRoot: cacheDir(env)})`,
    `}`,
  ].join('\n'),
}

/** The files oclif loads by path (package.json "oclif"): each hands over its part of the bundle. */
const FACADES = {
  'commands.cjs': "exports.COMMANDS = require('./cli.cjs').COMMANDS\n",
  'help.cjs': "exports.default = require('./cli.cjs').loadHelp()\n",
}

const virtualPlugin = {
  name: 'octoworkers-virtual-entries',
  setup(b) {
    b.onResolve({filter: /^virtual:/}, (args) => ({path: args.path.slice('virtual:'.length), namespace: 'virtual'}))
    b.onLoad({filter: /.*/, namespace: 'virtual'}, (args) => ({contents: virtualEntries[args.path](), loader: 'js', resolveDir: root}))
  },
}

/**
 * axios is bundled from its own sources, unchanged. One of its imports is deferred: the form-data
 * package (with mime-types and its 200 KB mime-db), which axios needs only for multipart bodies,
 * is not bundled but loaded from node_modules the first time axios uses it.
 */
const axiosLazyFormData = {
  name: 'axios-lazy-form-data',
  setup(b) {
    // axios's own `import FormData from 'form-data'`: a stand-in that loads it on first use.
    b.onResolve({filter: /^form-data$/}, (args) => (/[\\/]axios[\\/]/.test(args.importer) ? {path: 'form-data', namespace: 'lazy-form-data'} : undefined))
    b.onLoad({filter: /.*/, namespace: 'lazy-form-data'}, () => ({
      contents: `import {lazyRequire} from ${JSON.stringify(lazyRequireModule)}\nexport default lazyRequire(() => ${runtimeRequire('axios', 'form-data')}, {callable: true})\n`,
      loader: 'js',
      resolveDir: root,
    }))
  },
}

/**
 * @inquirer/prompts' editor prompt, left out: it opens $EDITOR through @inquirer/external-editor,
 * which brings iconv-lite and its encoding tables (about 600 KB, a fifth of the bundle, that every
 * run would read). No command uses it (src/ui/prompt-kit.ts lists the prompts we use);
 * @inquirer/prompts still re-exports it, so it gets a stand-in that says why it is missing.
 */
const withoutEditorPrompt = {
  name: 'without-editor-prompt',
  setup(b) {
    b.onResolve({filter: /^@inquirer\/editor$/}, (args) => (/[\\/]@inquirer[\\/]prompts[\\/]/.test(args.importer) ? {path: 'editor', namespace: 'no-editor-prompt'} : undefined))
    b.onLoad({filter: /.*/, namespace: 'no-editor-prompt'}, () => ({
      contents: "export default function editor() { throw new Error('the editor prompt is not in the octoworkers bundle') }\n",
      loader: 'js',
    }))
  },
}

/**
 * Libraries only some runs use, built into files of their own beside the bundle
 * (dist/bundle/vendor/<name>.cjs) and required from there on first use: re2js (config
 * conventions), yaml (the profiles and config files), prom-client (with its dependencies:
 * `metrics serve`) and jose (the sandbox's OpenID Connect tokens), about 550 KB that every run
 * would otherwise read and keep. They hold no state that the bundle shares.
 */
const VENDORED = ['re2js', 'yaml', 'prom-client', 'jose']
/** The files of dist/bundle a run may compile: through the compile cache, and into the bundle's id. */
const COMPILED_FILES = ['cli.cjs', 'sandbox.cjs', ...VENDORED.map((name) => `vendor/${name}.cjs`)]
const vendored = {
  name: 'vendored-libraries',
  setup(b) {
    // Our imports only: a dependency that needs another version of one of them keeps its own.
    b.onResolve({filter: new RegExp(`^(${VENDORED.join('|')})$`)}, (args) => (args.importer.startsWith(path.join(root, 'src') + path.sep) ? {path: `./vendor/${args.path}.cjs`, external: true} : undefined))
  },
}
/**
 * The sandbox server (src/sandbox, about 170 KB), which only `sandbox start` runs, is a file of its
 * own too, dist/bundle/sandbox.cjs, required when that command starts it. It imports nothing of
 * the rest of src/ (it is a peer of a real Octopus Server), so the two files share no module.
 */
const SANDBOX_ENTRY = path.join(root, 'src/sandbox/index.ts')
const separateSandbox = {
  name: 'separate-sandbox',
  setup(b) {
    b.onResolve({filter: /[\\/]sandbox[\\/]index\.js$/}, (args) => {
      if (!args.importer.startsWith(path.join(root, 'src/commands') + path.sep)) return undefined
      return path.resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts')) === SANDBOX_ENTRY ? {path: './sandbox.cjs', external: true} : undefined
    })
  },
}

/** The entry of a vendored library's own file: the package as `require` gives it. */
const vendorEntry = {
  name: 'vendor-entry',
  setup(b) {
    b.onResolve({filter: /^vendor-entry:/}, (args) => ({path: args.path.slice('vendor-entry:'.length), namespace: 'vendor-entry'}))
    b.onLoad({filter: /.*/, namespace: 'vendor-entry'}, (args) => ({contents: `module.exports = require(${JSON.stringify(args.path)})\n`, loader: 'js', resolveDir: root}))
  },
}

/**
 * string-width makes an Intl.Segmenter when it is imported, which loads ICU's break data (about
 * 18 ms); our tables and help import it, so every command would pay that, --json runs included.
 * Our modules get a stand-in that evaluates the real module on the first call.
 */
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(b) {
    b.onResolve({filter: /^string-width$/}, async (args) => {
      if (args.pluginData === 'real' || args.namespace !== 'file' || !args.importer.startsWith(path.join(root, 'src') + path.sep)) return undefined
      const real = await b.resolve('string-width', {kind: 'import-statement', resolveDir: args.resolveDir, importer: args.importer, pluginData: 'real'})
      return {path: real.path, namespace: 'lazy-string-width'}
    })
    b.onLoad({filter: /.*/, namespace: 'lazy-string-width'}, (args) => ({
      contents: `let real\nexport default function stringWidth(text, options) {\n  return (real ??= require(${JSON.stringify(args.path)}).default)(text, options)\n}\n`,
      loader: 'js',
      resolveDir: root,
    }))
  },
}

/**
 * Source for "require `name` as `owner` would, at run time": for dependencies that are not worth
 * bundling because they are used so rarely (they cost every run their compile time). Resolved
 * from the owner's own location, as Node would for the owner, so a nested install is found too.
 */
function runtimeRequire(owner, name) {
  // createRequire(__filename) rather than require.resolve, which esbuild would try to resolve at build time.
  return `((m) => m.createRequire(m.createRequire(__filename).resolve(${JSON.stringify(`${owner}/package.json`)}))(${JSON.stringify(name)}))(require('node:module'))`
}

/**
 * Parts of oclif that a run of this CLI never or rarely reaches, left in node_modules and loaded
 * on first use: tinyglobby (with picomatch and fdir; oclif's "pattern" command discovery, not the
 * explicit one used here), minimatch (matching dev plugins, never in production) and cli-spinners
 * (oclif's spinner, which no command uses).
 */
const RARELY_USED_BY_OCLIF = ['tinyglobby', 'minimatch', 'cli-spinners']
/** [owner, dependency] pairs the bundle requires from node_modules at run time (the smoke tests check they resolve). */
export const RUNTIME_DEPENDENCIES = [...RARELY_USED_BY_OCLIF.map((name) => ['@oclif/core', name]), ['axios', 'form-data']]
const rarelyUsedOclifDependencies = {
  name: 'rarely-used-oclif-dependencies',
  setup(b) {
    const filter = new RegExp(`^(${RARELY_USED_BY_OCLIF.join('|')})$`)
    b.onResolve({filter}, (args) => (/[\\/]@oclif[\\/]core[\\/]/.test(args.importer) ? {path: args.path, namespace: 'oclif-runtime-dependency'} : undefined))
    b.onLoad({filter: /.*/, namespace: 'oclif-runtime-dependency'}, (args) => ({
      contents: `module.exports = require(${JSON.stringify(lazyRequireModule)}).lazyRequire(() => ${runtimeRequire('@oclif/core', args.path)})\n`,
      loader: 'js',
      resolveDir: root,
    }))
  },
}

/**
 * Packages @oclif/core requires at the top of its modules for what a run seldom does: semver (its
 * check of its own "engines", which in the bundle stops before using it, as it finds no
 * package.json beside __dirname), ejs (help templates), lilconfig (reading plugins' package.json),
 * ansis, ansi-escapes, wrap-ansi, string-width, widest-line, indent-string, wordwrap and
 * clean-stack (help, errors and the spinner), debug (its logger, which bin/run.js replaces unless
 * DEBUG is set) and supports-color (asked only when oclif colours something). oclif's files are
 * bundled unchanged; each of these requires gets a stand-in (scripts/bundle/lazy-require.cjs) that
 * evaluates the bundled package the first time oclif touches it, so oclif gets the same module, and
 * the same values (they read only the environment, argv and the terminal, which nothing changes
 * during a run), when it does use it. The stand-in has the package's kind (function or object) and
 * answers its `__esModule` as the package does, both read here from the package itself, so
 * TypeScript's `__importDefault` around the require does not load it.
 */
const ON_FIRST_USE_BY_OCLIF = ['semver', 'ejs', 'lilconfig', 'ansis', 'ansi-escapes', 'wrap-ansi', 'string-width', 'widest-line', 'indent-string', 'wordwrap', 'clean-stack', 'debug', 'supports-color']
const oclifDependenciesOnFirstUse = {
  name: 'oclif-dependencies-on-first-use',
  setup(b) {
    const filter = new RegExp(`^(${ON_FIRST_USE_BY_OCLIF.join('|')})$`)
    b.onResolve({filter}, async (args) => {
      if (args.pluginData === 'real' || !/[\\/]@oclif[\\/]core[\\/]lib[\\/]/.test(args.importer)) return undefined
      const real = await b.resolve(args.path, {kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'real'})
      if (real.errors.length > 0) return {errors: real.errors}
      return {path: real.path, namespace: 'oclif-dependency-on-first-use'}
    })
    b.onLoad({filter: /.*/, namespace: 'oclif-dependency-on-first-use'}, (args) => {
      const module = require(args.path)
      const esModule = module.__esModule === undefined ? 'undefined' : JSON.stringify(module.__esModule)
      return {
        contents: `module.exports = require(${JSON.stringify(lazyRequireModule)}).lazyRequire(() => require(${JSON.stringify(args.path)}), {callable: ${typeof module === 'function'}, esModule: ${esModule}})\n`,
        loader: 'js',
        resolveDir: root,
      }
    })
  },
}

/**
 * Two modules other packages load at import time for what only some runs need:
 * - axios imports `http2` for its HTTP/2 transport (used only with `httpVersion: 2`, which we do
 *   not set); it gets a stand-in that loads http2 on first use.
 * - oclif imports wsl-utils to ask whether it runs under WSL, and wsl-utils loads child_process at
 *   import for its PowerShell helpers (which oclif calls only on Windows); oclif gets the same
 *   `isWsl` answer (from is-wsl, as wsl-utils gives it) and the helper loads wsl-utils when called.
 */
const lazyDependencies = {
  name: 'lazy-dependencies',
  setup(b) {
    b.onResolve({filter: /^(node:)?http2$/}, (args) => (/[\\/]axios[\\/]/.test(args.importer) ? {path: 'http2', namespace: 'lazy-http2'} : undefined))
    b.onLoad({filter: /.*/, namespace: 'lazy-http2'}, () => ({
      contents: `import {lazyRequire} from ${JSON.stringify(lazyRequireModule)}\nexport default lazyRequire(() => require('node:http2'))\n`,
      loader: 'js',
      resolveDir: root,
    }))
    b.onResolve({filter: /^wsl-utils$/}, (args) => {
      if (!/[\\/]@oclif[\\/]core[\\/]/.test(args.importer)) return undefined
      return {path: require.resolve('wsl-utils', {paths: [args.resolveDir]}), namespace: 'lazy-wsl-utils'}
    })
    b.onLoad({filter: /.*/, namespace: 'lazy-wsl-utils'}, (args) => {
      const isWsl = require.resolve('is-wsl', {paths: [path.dirname(args.path)]})
      return {
        contents: `export {default as isWsl} from ${JSON.stringify(isWsl)}\nexport const powerShellPath = async (...args) => (await import(${JSON.stringify(args.path)})).powerShellPath(...args)\n`,
        loader: 'js',
        resolveDir: root,
      }
    })
  },
}

/**
 * Node reads a module's file into a V8 string of one byte per character when every character is
 * Latin-1 (up to U+00FF), and of two bytes otherwise: one wider character (a bullet in a regular
 * expression) doubles the memory of the whole 1.7 MB source, which V8 keeps for the run, and
 * slows its decoding. esbuild escapes such characters in strings but leaves some in regular
 * expressions and comments, so the build names any that remain (write them as \\u escapes).
 * Returns each as its code point and the text before it.
 */
export function wideCharacters(source) {
  const found = []
  for (let i = 0; i < source.length; i++) {
    if (source.charCodeAt(i) > 0xff) found.push({codePoint: `U+${source.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')}`, before: source.slice(Math.max(0, i - 60), i)})
  }
  return found
}

/** The hook files of src/cli/hooks, by name (package.json "oclif.hooks" names dist/bundle/hooks/<name>.cjs). */
function hookEntries() {
  const dir = path.join(root, 'src/cli/hooks')
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => /\.ts$/.test(f) && !/\.d\.ts$/.test(f))
      .map((f) => [path.parse(f).name, path.join(dir, f)]),
  )
}

/** Generated entry sources, filled in before the build that reads them. */
const generated = {commands: '', metadata: {}, bundleId: '', slots: /** @type {string[]} */ ([])}

export async function buildBundle({quiet = false} = {}) {
  const commands = [...commandFiles(), ...pluginCommandFiles()]
  generated.metadata = await commandMetadata(commands)
  generated.commands = commandsModule(commands, generated.metadata)
  rmSync(outdir, {recursive: true, force: true})
  const common = {
    absWorkingDir: root,
    bundle: true,
    // One CommonJS file, not ES modules split into chunks: Node 20 can keep V8's compiled code for
    // a CommonJS file between runs (src/cli/startup/compile-cache.ts) but not for ES modules, and
    // one file spares the ES loader's per-module work. A run still evaluates only the modules it
    // reaches: esbuild wraps each module in an init function, and `import()` (compiled to that
    // wrapper, as 'dynamic-import' is off) runs it on first use.
    format: 'cjs',
    supported: {'dynamic-import': false},
    platform: 'node',
    target: 'node20',
    outExtension: {'.js': '.cjs'},
    external: EXTERNAL,
    // Whitespace and syntax only: identifiers keep their names, so a stack trace is readable even
    // before its source map is applied.
    minifyWhitespace: true,
    minifySyntax: true,
    // Linked maps without the sources: bin/run.js turns source maps on under --debug, and traces
    // then name src/*.ts lines.
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    metafile: true,
    logLevel: quiet ? 'error' : 'warning',
    plugins: [virtualPlugin, vendored, separateSandbox, axiosLazyFormData, lazyDependencies, rarelyUsedOclifDependencies, oclifDependenciesOnFirstUse, withoutEditorPrompt, lazyStringWidth],
  }
  const result = await build({...common, entryPoints: {cli: 'virtual:cli'}, outdir})
  mkdirSync(path.join(outdir, 'hooks'), {recursive: true})
  for (const [file, source] of Object.entries(FACADES)) writeFileSync(path.join(outdir, file), source)
  // ASCII, as the shipped manifest is (scripts/compact-manifest.js says why).
  writeFileSync(path.join(outdir, METADATA_FILE), compactJsonText(JSON.stringify(generated.metadata)))
  await build({...common, entryPoints: {sandbox: SANDBOX_ENTRY}, outdir, metafile: false, plugins: [vendored]})
  for (const name of VENDORED) {
    await build({...common, entryPoints: {[`vendor/${name}`]: `vendor-entry:${name}`}, outdir, metafile: false, plugins: [vendorEntry]})
  }
  for (const name of Object.keys(hookEntries())) writeFileSync(path.join(outdir, 'hooks', `${name}.cjs`), `exports.default = require('../cli.cjs').hooks[${JSON.stringify(name)}]()\n`)
  for (const file of COMPILED_FILES) {
    for (const wide of wideCharacters(readFileSync(path.join(outdir, file), 'utf8'))) process.stderr.write(`warning: ${file} has ${wide.codePoint} after ${JSON.stringify(wide.before)}: its source takes two bytes a character in memory\n`)
  }
  // The compile cache is keyed on the bundle's content, and kept per command topic.
  const hash = createHash('sha256')
  for (const file of COMPILED_FILES) hash.update(readFileSync(path.join(outdir, file)))
  generated.bundleId = hash.digest('hex').slice(0, 16)
  generated.slots = [...new Set(commands.map(([id]) => id.split(':')[0]))].sort()
  await build({...common, entryPoints: {'compile-cache': 'virtual:compile-cache'}, outdir, sourcemap: false})
  // Beside the bundle, not in it (the package ships dist/bundle only): for size checks and tests.
  writeFileSync(path.join(root, 'dist/bundle-meta.json'), JSON.stringify(result.metafile))
  return result
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now()
  const result = await buildBundle()
  const outputs = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.cjs'))
  const kib = outputs.reduce((n, [, o]) => n + o.bytes, 0) / 1024
  process.stderr.write(`bundle: ${outputs.length} files, ${kib.toFixed(0)} KiB in dist/bundle (${Date.now() - started} ms)\n`)
}
