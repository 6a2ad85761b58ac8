/**
 * `.octoworkers.yaml`: naming conventions, thresholds, per-pool overrides, severities and ignores
 * for `check`. Found in the current directory or a parent, or given with `--config`. Validated
 * strictly: anything wrong is exit 2 naming the file, the line and the problem, because a typo in
 * a policy file must not silently weaken the policy.
 */
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import type {Document, LineCounter} from 'yaml'
import {usageError} from '../../text/errors.js'
import type {PolicySettings} from './schema.js'
import {firstAlias, firstDuplicateKey} from './yaml-checks.js'
import {settingKey} from '../../domain/policy/types.js'
import {DEFAULT_CAPACITY_THRESHOLDS, type CapacityThresholds} from '../../domain/leases/capacity-thresholds.js'

export const CONFIG_FILE_NAMES = ['.octoworkers.yaml', '.octoworkers.yml']
export const DEFAULT_MIN_WORKERS = 2

export type {PoolOverride, IgnoreEntry} from './schema.js'

/** The policy `check` and the floor apply: a file's settings (config-schema.ts), the defaults for what it leaves out. */
export type PolicyConfig = Omit<PolicySettings, 'minWorkers' | 'capacity'> & {
  /** When `leases report` recommends a change (`capacity:`), the defaults for what the file leaves out. */
  capacity: CapacityThresholds
  /** The file it came from; null for the built-in defaults. */
  file: string | null
  minWorkers: number
  /**
   * The line of each setting a finding can come from (conventions, thresholds, per-pool overrides,
   * severities), keyed by `settingKey(path)`, so reports can point at it (SARIF's physical location).
   */
  settingLines: Record<string, number>
}

export function defaultConfig(): PolicyConfig {
  return {file: null, conventions: {}, minWorkers: DEFAULT_MIN_WORKERS, capacity: {...DEFAULT_CAPACITY_THRESHOLDS}, pools: [], severities: {}, ignores: [], settingLines: {}}
}

/** The nearest `.octoworkers.yaml` in `dir` or a parent directory. */
export function findConfigFile(dir: string): string | undefined {
  let current = path.resolve(dir)
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(current, name)
      if (existsSync(candidate)) return candidate
    }
    const parent = path.dirname(current)
    if (parent === current) return undefined
    current = parent
  }
}

/** `--config FILE` if given (it must exist), else the nearest config file, else the defaults. */
export async function loadConfig(opts: {explicitFile?: string; cwd: string}): Promise<PolicyConfig> {
  let file: string | undefined
  if (opts.explicitFile !== undefined) {
    file = path.resolve(opts.cwd, opts.explicitFile)
    if (!existsSync(file)) throw usageError(`--config: no such file '${opts.explicitFile}'.`, {hint: 'Create one with `octoworkers check --init`.'})
  } else {
    file = findConfigFile(opts.cwd)
  }
  if (!file) return defaultConfig()
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw usageError(`Cannot read config file ${file}: ${(error as Error).message}`)
  }
  return parseConfig(text, file)
}

type Path = Array<string | number>

/** Parses and validates config text; throws exit 2 naming the file, line and problem. */
export async function parseConfig(text: string, file: string): Promise<PolicyConfig> {
  const YAML = await import('yaml')
  const lineCounter = new YAML.LineCounter()
  // uniqueKeys: false: yaml's own check is quadratic in a mapping's size (see yaml-checks.ts).
  const doc = YAML.parseDocument(text, {lineCounter, prettyErrors: false, uniqueKeys: false})
  const syntax = doc.errors[0]
  if (syntax) {
    const line = syntax.linePos?.[0]?.line ?? lineCounter.linePos(syntax.pos[0]).line
    throw configError(file, line, `YAML syntax error: ${syntax.message.split('\n')[0]}`)
  }
  const duplicate = firstDuplicateKey(YAML, doc)
  if (duplicate) {
    const offset = duplicate.range?.[0]
    throw configError(file, offset === undefined ? undefined : lineCounter.linePos(offset).line, `YAML syntax error: Map keys must be unique ('${String(duplicate.value)}' appears twice)`)
  }
  let raw: unknown
  try {
    raw = doc.toJS({maxAliasCount: MAX_ALIAS_COUNT})
  } catch (error) {
    // yaml throws ReferenceError for an alias bomb ("Excessive alias count...") and an unknown alias.
    if (!(error instanceof ReferenceError)) throw error
    const alias = firstAliasOffset(YAML, doc)
    throw configError(file, alias === undefined ? undefined : lineCounter.linePos(alias).line, `YAML aliases: ${error.message.split('\n')[0]} (an alias may expand to at most ${MAX_ALIAS_COUNT} nodes)`)
  }
  // The schema is loaded only when there is a file to check (valibot with it).
  const {validateSettings} = await import('./schema.js')
  const checked = validateSettings(raw)
  if ('path' in checked) {
    const line = lineOf(YAML, doc, lineCounter, checked.path, checked.atKey)
    const where = checked.path.length ? `${checked.path.join('.')}: ` : ''
    throw configError(file, line, `${where}${checked.message}`)
  }
  const {minWorkers, capacity, ...settings} = checked.settings
  const config: PolicyConfig = {...defaultConfig(), ...settings, file, ...(minWorkers === undefined ? {} : {minWorkers}), capacity: {...DEFAULT_CAPACITY_THRESHOLDS, ...capacity}}
  const settingPaths: string[][] = [
    ['conventions', 'worker'], ['conventions', 'pool'], ['thresholds', 'minWorkers'],
    ...config.pools.map((o) => ['pools', o.match]), ...Object.keys(config.severities).map((rule) => ['severities', rule]),
  ]
  for (const setting of settingPaths) {
    const line = lineOf(YAML, doc, lineCounter, setting, true)
    if (line !== undefined && hasKey(raw, setting)) config.settingLines[settingKey(setting)] = line
  }
  return config
}

function hasKey(raw: unknown, keyPath: string[]): boolean {
  let node = raw
  for (const key of keyPath) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return false
    node = (node as Record<string, unknown>)[key]
  }
  return true
}

/** Aliases are allowed (shared token lists), but a few lines must not expand into millions of nodes. */
const MAX_ALIAS_COUNT = 100

function firstAliasOffset(YAML: typeof import('yaml'), doc: Document): number | undefined {
  return firstAlias(YAML, doc)?.range?.[0]
}

function configError(file: string, line: number | undefined, problem: string) {
  return usageError(`Invalid config file ${file}${line ? `, line ${line}` : ''}: ${problem}`, {
    code: 'invalid-config',
    details: {File: file, Line: line ?? null, Problem: problem},
  })
}

function lineOf(YAML: typeof import('yaml'), doc: Document, lineCounter: LineCounter, keyPath: Path, atKey: boolean): number | undefined {
  let node: unknown = doc.contents
  let keyNode: unknown
  for (const segment of keyPath) {
    if (YAML.isMap(node)) {
      const pair = node.items.find((p) => YAML.isScalar(p.key) && String(p.key.value) === String(segment))
      if (!pair) break
      keyNode = pair.key
      node = pair.value
    } else if (YAML.isSeq(node) && typeof segment === 'number') {
      keyNode = undefined
      node = node.items[segment]
    } else break
  }
  const target = (atKey && keyNode ? keyNode : node ?? keyNode) as {range?: [number, number, number]} | undefined
  const offset = target?.range?.[0]
  return offset === undefined ? undefined : lineCounter.linePos(offset).line
}
