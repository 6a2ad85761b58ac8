import {readFile} from 'node:fs/promises'
import type {Document, LineCounter, Node as YamlNode} from 'yaml'
import {CliError, ExitCode} from '../errors.js'
import {normalizeServerUrl} from '../octopus/client.js'
import {configFilePath, isValidProfileName} from './paths.js'
import {writePrivateFileAtomic} from './private-files.js'

/** Where a profile's API key is kept: the OS keychain, or the 0600 file chosen with `login --insecure-storage`. */
export type KeyStoreKind = 'keychain' | 'file'

/** A saved profile. It never holds a secret: the key is in the keychain (or the insecure file). */
export interface Profile {
  name: string
  server: string
  /** Default space name for commands run with this profile. */
  space?: string
  keyStore: KeyStoreKind
}

const HEADER = ` octoworkers profiles (server URL, default space). No secrets are kept here:
 API keys are in the OS keychain, or in insecure-credentials/ for profiles saved with
 \`octoworkers login --insecure-storage\`.`

type YamlModule = typeof import('yaml')

/**
 * Profiles in `config.yaml`. Edits go through the parsed YAML document so that comments and keys
 * added by hand survive a save. A file that does not parse or has the wrong shape is an exit-2
 * error naming the file and line, raised on load, so it is never overwritten.
 */
export class ProfileStore {
  private constructor(
    readonly file: string,
    private readonly yaml: YamlModule,
    private readonly doc: Document,
    private readonly profiles: Map<string, Profile>,
  ) {}

  static async load(dir: string): Promise<ProfileStore> {
    const file = configFilePath(dir)
    let text: string | undefined
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new CliError(`Cannot read ${file}: ${(error as Error).message}`, ExitCode.Failure, {code: 'config-unreadable'})
      }
    }
    const yaml = await import('yaml')
    if (text === undefined) {
      const doc = new yaml.Document({profiles: {}})
      doc.commentBefore = HEADER
      return new ProfileStore(file, yaml, doc, new Map())
    }
    const lineCounter = new yaml.LineCounter()
    const doc = yaml.parseDocument(text, {lineCounter, prettyErrors: false})
    const firstError = doc.errors[0]
    if (firstError) {
      // Unclosed quotes and brackets are detected at end of file; the last written line is where to look.
      const contentEnd = text.trimEnd().length
      const offset = Math.min(firstError.pos[0], Math.max(0, contentEnd - 1))
      throw configError(file, lineCounter, offset, firstError.message.split('\n')[0])
    }
    return new ProfileStore(file, yaml, doc, readProfiles(yaml, doc, file, lineCounter))
  }

  get(name: string): Profile | undefined {
    return this.profiles.get(name)
  }

  names(): string[] {
    return [...this.profiles.keys()]
  }

  /** Adds or replaces a profile's fields (other keys a user wrote in that profile are kept). */
  set(profile: Profile): void {
    const profilesNode = this.doc.get('profiles', true)
    if (!this.yaml.isMap(this.doc.contents)) this.doc.contents = this.doc.createNode({}) as never
    if (!this.yaml.isMap(profilesNode)) this.doc.set('profiles', this.doc.createNode({}))
    if (!this.yaml.isMap(this.doc.getIn(['profiles', profile.name], true))) {
      this.doc.setIn(['profiles', profile.name], this.doc.createNode({}))
    }
    this.doc.setIn(['profiles', profile.name, 'server'], profile.server)
    if (profile.space) this.doc.setIn(['profiles', profile.name, 'space'], profile.space)
    else this.doc.deleteIn(['profiles', profile.name, 'space'])
    this.doc.setIn(['profiles', profile.name, 'keyStore'], profile.keyStore)
    this.profiles.set(profile.name, {...profile})
  }

  /** Returns whether the profile existed. */
  remove(name: string): boolean {
    if (!this.profiles.has(name)) return false
    this.doc.deleteIn(['profiles', name])
    this.profiles.delete(name)
    return true
  }

  async save(): Promise<void> {
    await writePrivateFileAtomic(this.file, this.doc.toString())
  }
}

function readProfiles(yaml: YamlModule, doc: Document, file: string, lines: LineCounter): Map<string, Profile> {
  const profiles = new Map<string, Profile>()
  const root = doc.contents
  if (root === null || (yaml.isScalar(root) && root.value === null)) return profiles
  if (!yaml.isMap(root)) throw configError(file, lines, offsetOf(root), 'expected a mapping with a `profiles:` key')
  const profilesNode = root.get('profiles', true)
  if (profilesNode === undefined || (yaml.isScalar(profilesNode) && profilesNode.value === null)) return profiles
  if (!yaml.isMap(profilesNode)) throw configError(file, lines, offsetOf(profilesNode), '`profiles` must be a mapping of profile names')
  for (const pair of profilesNode.items) {
    const name = yaml.isScalar(pair.key) ? String(pair.key.value) : undefined
    const at = offsetOf(pair.key as YamlNode) ?? offsetOf(profilesNode)
    if (!name || !isValidProfileName(name)) throw configError(file, lines, at, `'${String(name)}' is not a valid profile name`)
    const body = pair.value
    if (!yaml.isMap(body)) throw configError(file, lines, offsetOf(body as YamlNode) ?? at, `profile '${name}' must be a mapping with a \`server\``)
    const field = (key: string): {value: unknown; at?: number} => {
      const node = body.get(key, true)
      return {value: yaml.isScalar(node) ? node.value : node === undefined ? undefined : node, at: offsetOf(node as YamlNode) ?? at}
    }
    const server = field('server')
    if (typeof server.value !== 'string') throw configError(file, lines, server.at, `profile '${name}' needs a \`server\` URL`)
    let serverUrl: string
    try {
      serverUrl = normalizeServerUrl(server.value)
    } catch {
      throw configError(file, lines, server.at, `profile '${name}': '${server.value}' is not an http(s) server URL`)
    }
    const space = field('space')
    if (space.value !== undefined && space.value !== null && typeof space.value !== 'string') {
      throw configError(file, lines, space.at, `profile '${name}': \`space\` must be a space name or ID`)
    }
    const keyStore = field('keyStore')
    if (keyStore.value !== undefined && keyStore.value !== 'keychain' && keyStore.value !== 'file') {
      throw configError(file, lines, keyStore.at, `profile '${name}': \`keyStore\` must be keychain or file`)
    }
    profiles.set(name, {
      name,
      server: serverUrl,
      space: (space.value as string | null | undefined) || undefined,
      keyStore: (keyStore.value as KeyStoreKind | undefined) ?? 'keychain',
    })
  }
  return profiles
}

function offsetOf(node: YamlNode | null | undefined): number | undefined {
  return node && 'range' in node && node.range ? node.range[0] : undefined
}

function configError(file: string, lines: LineCounter, offset: number | undefined, problem: string): CliError {
  const pos = offset === undefined ? undefined : lines.linePos(offset)
  const where = pos ? `${file}:${pos.line}:${pos.col}` : file
  return new CliError(`${where}: ${problem.replace(/[.:]\s*$/, '')}.`, ExitCode.Usage, {
    code: 'config-invalid',
    hint: `Fix the file by hand (octoworkers leaves it unchanged), or move it away and run \`octoworkers login\` again.`,
    details: {file, line: pos?.line ?? null, column: pos?.col ?? null},
  })
}
