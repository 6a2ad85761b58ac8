/**
 * What a response shows of the documents, per the emulated version.
 *
 * Documents are stored with every field any emulated version has. A response leaves out the
 * fields its version's profile (profiles.ts `fields`) says it lacks: they are dropped from the
 * objects while they are serialised, never cut out of JSON text, so only a key of an object is
 * ever removed and a string that merely contains the field's name is left alone.
 *
 * Lists are answered by joining item texts (`/workers/all` of thousands of workers is one join).
 * What the sandbox hands out again unchanged until the next write (the store's cached arrays of
 * texts, the usage documents' cached objects) is presented once, and kept, per sandbox.
 */
import type {VersionProfile} from './profiles.js'

declare const presented: unique symbol
/** JSON text whose documents show only the fields of the emulated version. */
export type PresentedJson = string & {readonly [presented]: true}

interface VersionedField {
  /** The key as the documents spell it. */
  key: string
  /** Whether the emulated version has it. */
  has: (fields: VersionProfile['fields']) => boolean
  /** Which objects carry it, where another kind of object uses the same key for something else. */
  on?: (holder: Record<string, unknown>) => boolean
  /** What the version shows of it instead of leaving it out (part of a list); default: left out. */
  shown?: (value: unknown) => unknown
}

/** Fields that only some versions have, with the profile flag that says which. */
const VERSIONED_FIELDS: VersionedField[] = [
  // Spaces, pools and workers, and the project documents (projects, environments, lifecycles,
  // channels, runbooks, feeds, steps and actions).
  {key: 'Slug', has: (fields) => fields.slug},
  // MachineModelStatus, of workers and deployment targets, which carry StatusSummary beside it; a
  // task's or a connection check's `Status` is another field and stays.
  {key: 'Status', has: (fields) => fields.machineStatus, on: (holder) => 'StatusSummary' in holder},
  {key: 'OperatingSystemVersion', has: (fields) => fields.operatingSystemVersion},
  {key: 'SkipInitialHealthCheck', has: (fields) => fields.skipInitialHealthCheck},
  // An action's Container built from a Dockerfile in git.
  {key: 'GitUrl', has: (fields) => fields.containerFromGit},
  {key: 'Dockerfile', has: (fields) => fields.containerFromGit},
  // An action's pool variable, and a variable set's variables of type WorkerPool (before 2020.1
  // there were none: the set shows the others).
  {key: 'WorkerPoolVariable', has: (fields) => fields.workerPoolVariables, on: (holder) => 'ActionType' in holder},
  {
    key: 'Variables',
    has: (fields) => fields.workerPoolVariables,
    on: (holder) => 'OwnerId' in holder && 'ScopeValues' in holder,
    shown: (value) => (Array.isArray(value) ? value.filter((v) => (v as {Type?: unknown} | null)?.Type !== 'WorkerPool') : value),
  },
]

/** A stored document: its JSON text, or the parsed object (never changed once stored). */
export type StoredItem = string | object

type Replacer = (this: unknown, key: string, value: unknown) => unknown

/** One per sandbox: presents its documents for its version and keeps its presented lists. */
export class Presenter {
  private readonly replacer: Replacer
  /** Presented item texts by the stored list they came from (the store's cached arrays). */
  private readonly presentedLists = new WeakMap<readonly StoredItem[], readonly PresentedJson[]>()
  /** Presented texts by the stored object they came from (the usage documents' cached objects). */
  private readonly presentedObjects = new WeakMap<object, PresentedJson>()

  constructor(profile: VersionProfile) {
    const absent = new Map(VERSIONED_FIELDS.filter((field) => !field.has(profile.fields)).map((field) => [field.key, field]))
    // JSON.stringify calls this with the object that holds `key` as `this`; undefined leaves the key out.
    this.replacer = function (this: unknown, key: string, value: unknown): unknown {
      const field = absent.get(key)
      if (!field || Array.isArray(this)) return value
      if (field.on && !field.on(this as Record<string, unknown>)) return value
      return field.shown ? field.shown(value) : undefined
    }
  }

  /** A value (a document, a list of them, anything a route answers with) as presented JSON. */
  value(value: unknown): PresentedJson {
    return JSON.stringify(value, this.replacer) as PresentedJson
  }

  /** A stored document's JSON text, presented. */
  text(stored: string): PresentedJson {
    return this.value(JSON.parse(stored))
  }

  /** A stored document, presented; a stored object is presented only once. */
  item(stored: StoredItem): PresentedJson {
    if (typeof stored === 'string') return this.text(stored)
    let out = this.presentedObjects.get(stored)
    if (out === undefined) this.presentedObjects.set(stored, (out = this.value(stored)))
    return out
  }

  /** Stored documents, each presented; the same stored array is presented only once. */
  items(stored: readonly StoredItem[]): readonly PresentedJson[] {
    let out = this.presentedLists.get(stored)
    if (out === undefined) this.presentedLists.set(stored, (out = stored.map((item) => this.item(item))))
    return out
  }
}
