/**
 * `.octoworkers.yaml`: naming conventions, thresholds, per-pool overrides, severities and ignores
 * for `check`. Found in the current directory or a parent, or given with `--config`. Validated
 * strictly: anything wrong is exit 2 naming the file, the line and the problem, because a typo in
 * a policy file must not silently weaken the policy.
 */
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import type {Document, LineCounter} from 'yaml'
import {usageError} from '../errors.js'
import {parseTemplate, templateTokens, unsupportedByLinearEngine, type Convention, type TemplateShape, type TokenRule} from './convention.js'
import {globToRegExp} from './glob.js'
import {firstAlias, firstDuplicateKey} from '../yaml-checks.js'
import {RULE_IDS, SEVERITIES, isRuleId, settingKey, type RuleId, type Severity} from './types.js'

export const CONFIG_FILE_NAMES = ['.octoworkers.yaml', '.octoworkers.yml']
export const DEFAULT_MIN_WORKERS = 2

export interface PoolOverride {
  /** Pool name or glob, case-insensitive. */
  match: string
  minWorkers?: number
}

export interface IgnoreEntry {
  /** A rule ID or a glob over rule IDs (`naming/*`). */
  rule: string
  /** Glob over the finding's subject; `*` when omitted. */
  subject: string
  /** Optional glob over the space name or ID. */
  space?: string
  reason?: string
}

export interface PolicyConfig {
  /** The file it came from; null for the built-in defaults. */
  file: string | null
  conventions: {worker?: Convention; pool?: Convention}
  minWorkers: number
  pools: PoolOverride[]
  severities: Partial<Record<RuleId, Severity | 'off'>>
  ignores: IgnoreEntry[]
  /**
   * The line of each setting a finding can come from (conventions, thresholds, per-pool overrides,
   * severities), keyed by `settingKey(path)`, so reports can point at it (SARIF's physical location).
   */
  settingLines: Record<string, number>
}

export function defaultConfig(): PolicyConfig {
  return {file: null, conventions: {}, minWorkers: DEFAULT_MIN_WORKERS, pools: [], severities: {}, ignores: [], settingLines: {}}
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

class ConfigProblem extends Error {
  constructor(readonly path: Path, message: string, readonly atKey = false) {
    super(message)
  }
}

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
  try {
    const config = buildConfig(raw ?? {}, file)
    const settings: string[][] = [
      ['conventions', 'worker'], ['conventions', 'pool'], ['thresholds', 'minWorkers'],
      ...config.pools.map((o) => ['pools', o.match]), ...Object.keys(config.severities).map((rule) => ['severities', rule]),
    ]
    for (const setting of settings) {
      const line = lineOf(YAML, doc, lineCounter, setting, true)
      if (line !== undefined && hasKey(raw, setting)) config.settingLines[settingKey(setting)] = line
    }
    return config
  } catch (error) {
    if (!(error instanceof ConfigProblem)) throw error
    const line = lineOf(YAML, doc, lineCounter, error.path, error.atKey)
    const where = error.path.length ? `${error.path.join('.')}: ` : ''
    throw configError(file, line, `${where}${error.message}`)
  }
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

const TOP_LEVEL_KEYS = ['conventions', 'thresholds', 'pools', 'severities', 'ignores']

function buildConfig(raw: unknown, file: string): PolicyConfig {
  const config = defaultConfig()
  config.file = file
  const top = asMap(raw, [], 'the file must be a mapping of settings')
  rejectUnknownKeys(top, [], TOP_LEVEL_KEYS)

  const conventions = asMap(top.conventions ?? {}, ['conventions'], 'must be a mapping with `worker` and/or `pool`')
  rejectUnknownKeys(conventions, ['conventions'], ['worker', 'pool'])
  for (const kind of ['worker', 'pool'] as const) {
    if (conventions[kind] !== undefined && conventions[kind] !== null) config.conventions[kind] = buildConvention(conventions[kind], ['conventions', kind])
  }

  const thresholds = asMap(top.thresholds ?? {}, ['thresholds'], 'must be a mapping')
  rejectUnknownKeys(thresholds, ['thresholds'], ['minWorkers'])
  if (thresholds.minWorkers !== undefined) config.minWorkers = threshold(thresholds.minWorkers, ['thresholds', 'minWorkers'])

  const pools = asMap(top.pools ?? {}, ['pools'], 'must be a mapping of pool name (or glob) to overrides')
  for (const [match, value] of Object.entries(pools)) {
    const override = asMap(value ?? {}, ['pools', match], 'must be a mapping, e.g. `minWorkers: 1`')
    rejectUnknownKeys(override, ['pools', match], ['minWorkers'])
    config.pools.push({match, minWorkers: override.minWorkers === undefined ? undefined : threshold(override.minWorkers, ['pools', match, 'minWorkers'])})
  }

  const severities = asMap(top.severities ?? {}, ['severities'], 'must be a mapping of rule ID to error|warning|note|off')
  for (const [rule, value] of Object.entries(severities)) {
    if (!isRuleId(rule)) throw new ConfigProblem(['severities', rule], unknownRule(rule), true)
    if (typeof value !== 'string' || ![...SEVERITIES, 'off'].includes(value)) {
      throw new ConfigProblem(['severities', rule], `severity '${String(value)}' is not one of error, warning, note, off`)
    }
    config.severities[rule] = value as Severity | 'off'
  }

  const ignores = top.ignores ?? []
  if (!Array.isArray(ignores)) throw new ConfigProblem(['ignores'], 'must be a list of {rule, subject, space?, reason?}')
  ignores.forEach((entry, i) => {
    const item = asMap(entry, ['ignores', i], 'each ignore must be a mapping with `rule` and `subject`')
    rejectUnknownKeys(item, ['ignores', i], ['rule', 'subject', 'space', 'reason'])
    if (typeof item.rule !== 'string' || !item.rule) throw new ConfigProblem(['ignores', i], '`rule` is required (a rule ID, or a glob such as naming/*)')
    const rulePattern = globToRegExp(item.rule)
    if (!RULE_IDS.some((id) => rulePattern.test(id))) throw new ConfigProblem(['ignores', i, 'rule'], unknownRule(item.rule))
    for (const key of ['subject', 'space', 'reason'] as const) {
      if (item[key] !== undefined && typeof item[key] !== 'string') throw new ConfigProblem(['ignores', i, key], 'must be a string')
    }
    config.ignores.push({rule: item.rule, subject: (item.subject as string | undefined) ?? '*', space: item.space as string | undefined, reason: item.reason as string | undefined})
  })
  return config
}

function unknownRule(rule: string): string {
  const [family] = rule.split('/')
  const near = RULE_IDS.filter((id) => id.startsWith(`${family}/`))
  return `unknown rule ID '${rule}'${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}; rule IDs: ${RULE_IDS.join(', ')}`
}

function buildConvention(raw: unknown, at: Path): Convention {
  const conv = asMap(raw, at, 'must be a mapping with `regex:` or `template:` (and `tokens:`)')
  rejectUnknownKeys(conv, at, ['regex', 'template', 'tokens', 'ignoreCase', 'description', 'allow'])
  if (conv.ignoreCase !== undefined && typeof conv.ignoreCase !== 'boolean') throw new ConfigProblem([...at, 'ignoreCase'], 'must be true or false')
  const ignoreCase = conv.ignoreCase === true
  const hasRegex = conv.regex !== undefined
  const hasTemplate = conv.template !== undefined
  if (hasRegex === hasTemplate) throw new ConfigProblem(at, 'give exactly one of `regex:` or `template:`')
  if (conv.description !== undefined && typeof conv.description !== 'string') throw new ConfigProblem([...at, 'description'], 'must be a string')
  const allow = allowedNames(conv.allow, [...at, 'allow'])

  if (hasRegex) {
    if (conv.tokens !== undefined) throw new ConfigProblem([...at, 'tokens'], '`tokens` goes with `template:`, not `regex:`', true)
    const source = regexSource(conv.regex, [...at, 'regex'])
    return {kind: 'regex', source, ignoreCase, description: conv.description as string | undefined, ...(allow ? {allow} : {})}
  }

  const texts: unknown[] = Array.isArray(conv.template) ? conv.template : [conv.template]
  if (texts.length === 0) throw new ConfigProblem([...at, 'template'], 'the list of templates is empty')
  const templates: TemplateShape[] = texts.map((text, i) => {
    const where = Array.isArray(conv.template) ? [...at, 'template', i] : [...at, 'template']
    if (typeof text !== 'string' || !text) throw new ConfigProblem(where, 'must be a non-empty string such as {env}-{role}-{location}-worker-{nn}, or a list of them')
    try {
      return {template: text, parts: parseTemplate(text)}
    } catch (error) {
      throw new ConfigProblem(where, (error as Error).message)
    }
  })
  const tokensRaw = asMap(conv.tokens ?? {}, [...at, 'tokens'], 'must be a mapping of token name to a list of allowed values or a pattern')
  const tokens: Record<string, TokenRule> = {}
  for (const [name, value] of Object.entries(tokensRaw)) {
    if (Array.isArray(value)) {
      if (value.length === 0) throw new ConfigProblem([...at, 'tokens', name], 'the list of allowed values is empty')
      const values = value.map((v, i) => {
        if (typeof v !== 'string' && typeof v !== 'number') throw new ConfigProblem([...at, 'tokens', name, i], 'allowed values must be strings')
        return String(v)
      })
      tokens[name] = {name, values}
    } else if (typeof value === 'string') {
      tokens[name] = {name, pattern: regexSource(value, [...at, 'tokens', name])}
    } else {
      throw new ConfigProblem([...at, 'tokens', name], 'must be a list of allowed values, or a regular expression string such as \'\\d{2}\'')
    }
  }
  for (const {template, parts} of templates) {
    for (const token of templateTokens(parts)) {
      if (!tokens[token]) {
        const known = Object.keys(tokens)
        throw new ConfigProblem([...at, 'template'], `unknown token {${token}} in template '${template}': define it under tokens${known.length ? ` (defined: ${known.join(', ')})` : ''}`)
      }
    }
  }
  const used = new Set(templates.flatMap((t) => templateTokens(t.parts)))
  for (const name of Object.keys(tokens)) {
    if (!used.has(name)) throw new ConfigProblem([...at, 'tokens', name], `token '${name}' is not used in ${templates.length === 1 ? `template '${templates[0].template}'` : 'any of the templates'}`, true)
  }
  return {kind: 'template', templates, tokens, ignoreCase, ...(allow ? {allow} : {})}
}

function allowedNames(value: unknown, at: Path): string[] | undefined {
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value)) throw new ConfigProblem(at, 'must be a list of names accepted as they are, e.g. [Default Worker Pool]')
  return value.map((name, i) => {
    if (typeof name !== 'string' || !name) throw new ConfigProblem([...at, i], 'must be a non-empty name')
    return name
  })
}

function regexSource(value: unknown, at: Path): string {
  if (typeof value !== 'string' || !value) throw new ConfigProblem(at, 'must be a non-empty regular expression string')
  // Checked in JavaScript's unicode mode: it rejects sloppy patterns such as `\d{2` that the
  // legacy mode would quietly read as literal text, so a typo in a policy file is an error, not a
  // weaker rule.
  try {
    new RegExp(value, 'u')
  } catch (error) {
    throw new ConfigProblem(at, `invalid regex '${value}': ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`)
  }
  // Conventions run on a linear-time engine (see linearRegex), which has no backreferences or lookaround.
  const unsupported = unsupportedByLinearEngine(value)
  if (unsupported) throw new ConfigProblem(at, `regex '${value}' cannot be matched in linear time (${unsupported}); rewrite it without backreferences or lookaround`)
  return value
}

function threshold(value: unknown, at: Path): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new ConfigProblem(at, `must be a whole number, not '${String(value)}'`)
  if (value < 0) throw new ConfigProblem(at, `must not be negative (got ${value})`)
  return value
}

function asMap(value: unknown, at: Path, problem: string): Record<string, any> {
  if (value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigProblem(at, problem)
  return value as Record<string, any>
}

function rejectUnknownKeys(map: Record<string, unknown>, at: Path, allowed: string[]): void {
  for (const key of Object.keys(map)) {
    if (!allowed.includes(key)) throw new ConfigProblem([...at, key], `unknown setting '${key}' (allowed: ${allowed.join(', ')})`, true)
  }
}
