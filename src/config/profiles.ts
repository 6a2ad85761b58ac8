import type {Document, LineCounter, Node as YamlNode} from 'yaml'
import {CliError, ExitCode} from '../text/errors.js'
import {normalizeServerUrl} from '../octopus/server-url.js'
import {configFilePath, isValidProfileName} from './paths.js'
import {checkPrivateFile, reasonAboutIt, writePrivateFileAtomic} from './private-file.js'
import {firstAlias, firstDuplicateKey} from './octoworkers-yaml/yaml-checks.js'

/** Where a profile's API key is kept: the OS keychain, or the 0600 file chosen with `login --insecure-storage`. */
export type KeyStoreKind = 'keychain' | 'file'

/** A saved profile. It never holds a secret: the key is in the keychain (or the insecure file). */
export interface Profile {
  name: string
  server: string
  /** Default space name for commands run with this profile. */
  space?: string
  keyStore: KeyStoreKind
  /**
   * Set when the saved credential is an access token from an OIDC login, not an API key: the
   * service account it is for and when it expires (neither is a secret; the token is in the key store).
   */
  oidc?: {serviceAccountId: string; expiresAt: string}
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
  /**
   * `yaml` and `doc` are undefined while the file does not exist: loading yaml costs more than
   * the rest of startup, and a run with OCTOPUS_URL and OCTOPUS_API_KEY and no config.yaml never
   * needs it. `save()` builds the document then.
   */
  private constructor(
    readonly file: string,
    private yaml: YamlModule | undefined,
    private doc: Document | undefined,
    private readonly profiles: Map<string, Profile>,
    private savedDefault?: string,
  ) {}

  static async load(dir: string): Promise<ProfileStore> {
    const file = configFilePath(dir)
    const text = readConfigText(file)
    if (text === undefined) return new ProfileStore(file, undefined, undefined, new Map())
    const yaml = await import('yaml')
    const lineCounter = new yaml.LineCounter()
    // uniqueKeys: false: yaml's own check is quadratic (see yaml-checks.ts); firstDuplicateKey is not.
    const doc = yaml.parseDocument(text, {lineCounter, prettyErrors: false, uniqueKeys: false})
    const firstError = doc.errors[0]
    if (firstError) {
      // Unclosed quotes and brackets are detected at end of file; the last written line is where to look.
      const contentEnd = text.trimEnd().length
      const offset = Math.min(firstError.pos[0], Math.max(0, contentEnd - 1))
      throw configError(file, lineCounter, offset, firstError.message.split('\n')[0])
    }
    const duplicate = firstDuplicateKey(yaml, doc)
    if (duplicate) throw configError(file, lineCounter, offsetOf(duplicate), `key '${String(duplicate.value)}' appears twice in one mapping (map keys must be unique)`)
    // This tool never writes aliases, and resolving them is how an alias bomb exhausts memory.
    const alias = firstAlias(yaml, doc)
    if (alias) throw configError(file, lineCounter, offsetOf(alias), `YAML aliases (*${alias.source}) are not supported in this file`)
    const profiles = readProfiles(yaml, doc, file, lineCounter)
    return new ProfileStore(file, yaml, doc, profiles, readDefaultProfile(yaml, doc, file, lineCounter))
  }

  /**
   * The profile `auth switch` made the one in use, when it is still saved: a name left behind by
   * a hand edit falls back to "default" rather than stopping every command.
   */
  defaultProfile(): string | undefined {
    return this.savedDefault !== undefined && this.profiles.has(this.savedDefault) ? this.savedDefault : undefined
  }

  /** Makes a saved profile the one commands use when neither --profile nor OCTOWORKERS_PROFILE names one. */
  setDefaultProfile(name: string): void {
    if (!this.profiles.has(name)) throw new Error(`setDefaultProfile: no profile '${name}'`)
    this.savedDefault = name
    this.doc?.set(DEFAULT_PROFILE_KEY, name)
  }

  get(name: string): Profile | undefined {
    return this.profiles.get(name)
  }

  names(): string[] {
    return [...this.profiles.keys()]
  }

  /** Adds or replaces a profile's fields (other keys a user wrote in that profile are kept). */
  set(profile: Profile): void {
    this.profiles.set(profile.name, {...profile})
    if (this.yaml && this.doc) writeProfile(this.yaml, this.doc, profile)
  }

  /** Returns whether the profile existed. */
  remove(name: string): boolean {
    if (!this.profiles.has(name)) return false
    this.doc?.deleteIn(['profiles', name])
    this.profiles.delete(name)
    if (this.savedDefault === name) {
      this.savedDefault = undefined
      this.doc?.delete(DEFAULT_PROFILE_KEY)
    }
    return true
  }

  async save(): Promise<void> {
    if (!this.yaml || !this.doc) {
      this.yaml = await import('yaml')
      this.doc = new this.yaml.Document({profiles: {}})
      this.doc.commentBefore = HEADER
      for (const profile of this.profiles.values()) writeProfile(this.yaml, this.doc, profile)
      if (this.savedDefault !== undefined) this.doc.set(DEFAULT_PROFILE_KEY, this.savedDefault)
    }
    await writePrivateFileAtomic(this.file, this.doc.toString())
  }
}

/** Far beyond any profiles file; a bigger one is refused before YAML parses it. */
const MAX_CONFIG_BYTES = 1024 * 1024

/**
 * config.yaml's text, or undefined when there is none. Whoever can write it chooses the server a
 * saved key is sent to, so it is read under the private-file rules (src/config/private-file.ts): a
 * regular file of this user's that no one else can write, never a FIFO (which would hang the
 * read). Others may read it: it holds no secret. A symbolic link is followed only when it is this
 * user's own and points at a file that passes the same checks, as dotfile managers arrange.
 */
function readConfigText(file: string): string | undefined {
  const read = checkPrivateFile(file, {maxBytes: MAX_CONFIG_BYTES, followOwnLink: true})
  if (read.status === 'missing') return undefined
  if (read.status === 'read') return read.data.toString('utf8')
  if (read.problem.kind === 'other' && /cannot be (opened|read)/.test(read.reason)) {
    throw new CliError(`Cannot read ${file}: ${reasonAboutIt(file, read.reason)}`, ExitCode.Failure, {code: 'config-unreadable'})
  }
  const fix =
    read.problem.kind === 'mode'
      ? `Run \`chmod go-w ${file}\` if you wrote it yourself; otherwise remove it and run \`octoworkers login\` again.`
      : `Remove it and run \`octoworkers login\` again (or replace it with a regular file of your own).`
  throw new CliError(`Refusing to use ${file}: ${reasonAboutIt(file, read.reason)}.`, ExitCode.Auth, {code: 'config-untrusted', hint: fix})
}

function writeProfile(yaml: YamlModule, doc: Document, profile: Profile): void {
  if (!yaml.isMap(doc.contents)) doc.contents = doc.createNode({}) as never
  if (!yaml.isMap(doc.get('profiles', true))) doc.set('profiles', doc.createNode({}))
  if (!yaml.isMap(doc.getIn(['profiles', profile.name], true))) {
    doc.setIn(['profiles', profile.name], doc.createNode({}))
  }
  doc.setIn(['profiles', profile.name, 'server'], profile.server)
  if (profile.space) doc.setIn(['profiles', profile.name, 'space'], profile.space)
  else doc.deleteIn(['profiles', profile.name, 'space'])
  doc.setIn(['profiles', profile.name, 'keyStore'], profile.keyStore)
  if (profile.oidc) {
    doc.setIn(['profiles', profile.name, 'oidcServiceAccountId'], profile.oidc.serviceAccountId)
    doc.setIn(['profiles', profile.name, 'accessTokenExpiresAt'], profile.oidc.expiresAt)
  } else {
    doc.deleteIn(['profiles', profile.name, 'oidcServiceAccountId'])
    doc.deleteIn(['profiles', profile.name, 'accessTokenExpiresAt'])
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
    const serviceAccountId = field('oidcServiceAccountId')
    const expiresAt = field('accessTokenExpiresAt')
    let oidc: Profile['oidc']
    if (serviceAccountId.value !== undefined || expiresAt.value !== undefined) {
      if (typeof serviceAccountId.value !== 'string' || !serviceAccountId.value) throw configError(file, lines, serviceAccountId.at, `profile '${name}': \`oidcServiceAccountId\` must be the service account ID its access token is for`)
      // yaml reads an unquoted timestamp as a string (core schema), which is what is written.
      if (typeof expiresAt.value !== 'string' || Number.isNaN(Date.parse(expiresAt.value))) throw configError(file, lines, expiresAt.at, `profile '${name}': \`accessTokenExpiresAt\` must be a date and time`)
      oidc = {serviceAccountId: serviceAccountId.value, expiresAt: expiresAt.value}
    }
    profiles.set(name, {
      name,
      server: serverUrl,
      space: (space.value as string | null | undefined) || undefined,
      keyStore: (keyStore.value as KeyStoreKind | undefined) ?? 'keychain',
      ...(oidc ? {oidc} : {}),
    })
  }
  return profiles
}

/** The top-level key `auth switch` writes: the profile in use when no flag or variable names one. */
const DEFAULT_PROFILE_KEY = 'defaultProfile'

function readDefaultProfile(yaml: YamlModule, doc: Document, file: string, lines: LineCounter): string | undefined {
  if (!yaml.isMap(doc.contents)) return undefined
  const node = doc.contents.get(DEFAULT_PROFILE_KEY, true)
  if (node === undefined || (yaml.isScalar(node) && node.value === null)) return undefined
  const value = yaml.isScalar(node) ? node.value : undefined
  if (typeof value !== 'string' || !isValidProfileName(value)) {
    throw configError(file, lines, offsetOf(node as YamlNode), `\`${DEFAULT_PROFILE_KEY}\` must be the name of a saved profile`)
  }
  return value
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
