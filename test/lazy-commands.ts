/**
 * Run once per test run by test/lazy-commands-setup.ts, as a process of its own over the
 * TypeScript sources (`node --import ./scripts/dev/register.js test/lazy-commands.ts <out.mjs>`).
 *
 * oclif needs every command's metadata (flags, args, summaries) before it runs any one, and with
 * no oclif.manifest.json (the sources have none) it imports every command file to read it. For
 * the tests' in-process runs that cost each test file about half a second. This reads the
 * metadata here, once, and writes a commands module for oclif's explicit strategy, the way the
 * bundle's COMMANDS is made (scripts/build-bundle.js): each id maps to a stand-in class carrying
 * that metadata, which imports the real command from src/commands only when the command runs.
 */
import {Plugin, settings} from '@oclif/core'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {sourcesPjson} from '../scripts/dev/sources-pjson.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Read by oclif from the source file itself, or set by oclif on the class it finds: not metadata. */
const NOT_METADATA = ['id', 'pluginAlias', 'pluginName', 'pluginType', 'isESM', 'relativePath']

/**
 * What `run` does with the real class: oclif sets `id` and `plugin` on the class it finds in
 * COMMANDS; the real class gets them too, then runs as if oclif had found it directly.
 */
const LAZY_COMMAND_RUNTIME = `
function lazyCommand(url, metadata) {
  class LazyCommand {
    static async run(argv, config) {
      const {default: Command} = await import(url)
      Command.id = this.id
      Command.plugin = this.plugin
      return Command.run(argv, config)
    }
  }
  return Object.assign(LazyCommand, metadata)
}
`

async function main(outFile: string): Promise<void> {
  // The hooks compile the .ts files; oclif must not map paths to sources or look for ts-node itself.
  settings.enableAutoTranspile = false
  // As the tests' in-process runs loaded it before: the sources' package.json, every command imported.
  const plugin = new Plugin({root, pjson: sourcesPjson(), isRoot: true, type: 'core', ignoreManifest: true, errorOnManifestCreate: true})
  await plugin.load()
  const entries = Object.entries(plugin.manifest.commands).map(([id, cached]) => {
    const {relativePath} = cached as {relativePath?: string[]}
    if (!relativePath) throw new Error(`oclif found no file for command ${id}`)
    const metadata = Object.fromEntries(Object.entries(cached).filter(([key]) => !NOT_METADATA.includes(key)))
    const url = pathToFileURL(path.join(root, ...relativePath)).href
    return `  ${JSON.stringify(id)}: lazyCommand(${JSON.stringify(url)}, ${JSON.stringify(metadata)}),`
  })
  writeFileSync(outFile, `// Made for one test run by test/lazy-commands.ts.\n${LAZY_COMMAND_RUNTIME}\nexport const COMMANDS = {\n${entries.join('\n')}\n}\n`)
}

await main(process.argv[2]!)
