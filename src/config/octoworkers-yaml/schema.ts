/**
 * The `.octoworkers.yaml` schema: the one statement of what the file may hold, from which the
 * settings' TypeScript types are derived (`PolicySettings`, `PoolOverride`, `IgnoreEntry`). A
 * typo must not silently weaken a policy, so every mapping is strict: an unknown key is an error
 * that lists the allowed ones. Each message is the problem alone ("must not be negative (got -1)");
 * config.ts adds the file, the line (found from the issue's path) and the setting's path.
 *
 * Loaded only when a config file is read (config.ts imports it on demand), like the yaml parser.
 */
import * as v from 'valibot'
import type {CapacityThresholds} from '../../domain/leases/capacity-thresholds.js'
import {closeMatches} from '../../text/fuzzy.js'
import {parseTemplate, templateTokens, unsupportedByLinearEngine, type Convention, type TemplateShape, type TokenRule} from '../../domain/policy/convention.js'
import {globToRegExp} from '../../domain/policy/glob.js'
import {DurationSyntaxError, parseDuration} from '../../text/duration.js'
import {RULE_IDS, SEVERITIES, isRuleId, type RuleId, type Severity} from '../../domain/policy/types.js'

type Path = Array<string | number>

const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * A YAML mapping with exactly these keys (each optional unless its schema says otherwise); `notAMap`
 * when it is a list or a scalar. An empty value (`pools:` with nothing under it) is an empty mapping.
 */
function mapping<const E extends v.ObjectEntries>(entries: E, notAMap: string, missing?: string) {
  const allowed = Object.keys(entries)
  return v.nullish(v.pipe(
    v.custom<Record<string, unknown>>(isMapping, notAMap),
    v.strictObject(entries, (issue) => {
      if (issue.expected === 'never') {
        const near = closeMatches(String(issue.input), allowed, 2)
        return `unknown setting '${String(issue.input)}' (${near.length ? `did you mean ${near.map((k) => `'${k}'`).join(' or ')}? ` : ''}allowed: ${allowed.join(', ')})`
      }
      return issue.input === undefined && missing ? missing : notAMap
    }),
  ), () => ({}))
}

/** A mapping of names the user chooses (pool globs, rule IDs, token names) to `value`. */
function namedMapping<K extends v.GenericSchema<string>, V extends v.GenericSchema>(key: K, value: V, notAMap: string) {
  return v.nullish(v.pipe(v.custom<Record<string, unknown>>(isMapping, notAMap), v.record(key, value, notAMap)), () => ({}))
}

function unknownRule(rule: string): string {
  const [family] = rule.split('/')
  const near = RULE_IDS.filter((id) => id.startsWith(`${family}/`))
  return `unknown rule ID '${rule}'${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}; rule IDs: ${RULE_IDS.join(', ')}`
}

/** Why `source` cannot be a convention's pattern, or undefined when it can. */
function regexProblem(source: string): string | undefined {
  // Checked in JavaScript's unicode mode: it rejects sloppy patterns such as `\d{2` that the
  // legacy mode would quietly read as literal text, so a typo in a policy file is an error, not a
  // weaker rule.
  try {
    new RegExp(source, 'u')
  } catch (error) {
    return `invalid regex '${source}': ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`
  }
  // Conventions run on a linear-time engine (see linearRegex), which has no backreferences or lookaround.
  const unsupported = unsupportedByLinearEngine(source)
  return unsupported ? `regex '${source}' cannot be matched in linear time (${unsupported}); rewrite it without backreferences or lookaround` : undefined
}

const NOT_A_REGEX = 'must be a non-empty regular expression string'
const regexText = (notAString = NOT_A_REGEX) => v.pipe(
  v.string(notAString),
  v.nonEmpty(NOT_A_REGEX),
  v.check((source) => regexProblem(source) === undefined, (issue) => regexProblem(String(issue.input))!),
)

/** A threshold: a whole number of workers, 0 or more. */
const threshold = v.pipe(
  v.number((issue) => `must be a whole number, not '${String(issue.input)}'`),
  v.integer((issue) => `must be a whole number, not '${String(issue.input)}'`),
  v.minValue(0, (issue) => `must not be negative (got ${String(issue.input)})`),
)

function templateProblem(text: string): string | undefined {
  try {
    parseTemplate(text)
    return undefined
  } catch (error) {
    return (error as Error).message
  }
}

const NOT_A_TEMPLATE = 'must be a non-empty string such as {env}-{role}-{location}-worker-{nn}, or a list of them'
const templateText = v.pipe(
  v.string(NOT_A_TEMPLATE),
  v.nonEmpty(NOT_A_TEMPLATE),
  v.check((text) => templateProblem(text) === undefined, (issue) => templateProblem(String(issue.input))!),
)
/** One template, or a list of them (Octopus's guidance fixes no order of the parts). */
const templates = v.lazy((input) => (Array.isArray(input) ? v.pipe(v.array(templateText), v.minLength(1, 'the list of templates is empty')) : templateText))

const NOT_A_TOKEN_RULE = "must be a list of allowed values, or a regular expression string such as '\\d{2}'"
/** A token's allowed values (a list; numbers such as `01` are read as their text) or its pattern. */
const tokenRule = v.lazy((input) => (Array.isArray(input)
  ? v.pipe(v.array(v.pipe(v.union([v.string(), v.number()], 'allowed values must be strings'), v.transform(String))), v.minLength(1, 'the list of allowed values is empty'))
  : regexText(NOT_A_TOKEN_RULE)))

const NAME_LIST = 'must be a list of names accepted as they are, e.g. [Default Worker Pool]'

const conventionFields = mapping({
  regex: v.optional(regexText()),
  template: v.optional(templates),
  tokens: v.optional(namedMapping(v.string(), tokenRule, 'must be a mapping of token name to a list of allowed values or a pattern')),
  ignoreCase: v.optional(v.boolean('must be true or false')),
  description: v.optional(v.string('must be a string')),
  allow: v.nullish(v.array(v.pipe(v.string('must be a non-empty name'), v.nonEmpty('must be a non-empty name')), NAME_LIST)),
}, 'must be a mapping with `regex:` or `template:` (and `tokens:`)')

type ConventionFields = NonNullable<v.InferOutput<typeof conventionFields>>

/** The rules between a convention's fields, which no one field's schema can state. */
const convention = v.pipe(conventionFields, v.rawTransform(({dataset, addIssue, NEVER}): Convention => {
  const conv = dataset.value as ConventionFields
  const fail = (path: Path, message: string, atKey = false) => {
    addIssue({message, path: pathItems(conv, path, atKey)})
    return NEVER as never
  }
  const ignoreCase = conv.ignoreCase === true
  const allow = conv.allow ?? undefined
  if ((conv.regex === undefined) === (conv.template === undefined)) return fail([], 'give exactly one of `regex:` or `template:`')
  if (conv.regex !== undefined) {
    if (conv.tokens !== undefined) return fail(['tokens'], '`tokens` goes with `template:`, not `regex:`', true)
    return {kind: 'regex', source: conv.regex, ignoreCase, description: conv.description, ...(allow ? {allow} : {})}
  }
  const texts = typeof conv.template === 'string' ? [conv.template] : conv.template!
  const shapes: TemplateShape[] = texts.map((template) => ({template, parts: parseTemplate(template)}))
  const tokens: Record<string, TokenRule> = {}
  for (const [name, rule] of Object.entries(conv.tokens ?? {})) tokens[name] = Array.isArray(rule) ? {name, values: rule} : {name, pattern: rule as string}
  for (const {template, parts} of shapes) {
    for (const token of templateTokens(parts)) {
      if (!tokens[token]) {
        const known = Object.keys(tokens)
        return fail(['template'], `unknown token {${token}} in template '${template}': define it under tokens${known.length ? ` (defined: ${known.join(', ')})` : ''}`)
      }
    }
  }
  const used = new Set(shapes.flatMap((t) => templateTokens(t.parts)))
  for (const name of Object.keys(tokens)) {
    if (!used.has(name)) return fail(['tokens', name], `token '${name}' is not used in ${shapes.length === 1 ? `template '${shapes[0].template}'` : 'any of the templates'}`, true)
  }
  return {kind: 'template', templates: shapes, tokens, ignoreCase, ...(allow ? {allow} : {})}
}))

/** valibot path items for a problem found below `root` (the issue's path starts at the value being checked). */
function pathItems(root: unknown, path: Path, atKey: boolean): [v.IssuePathItem, ...v.IssuePathItem[]] | undefined {
  if (path.length === 0) return undefined
  let input = root as Record<string, unknown>
  return path.map((key, i) => {
    const value = input?.[key as string]
    const item = {type: 'object', origin: atKey && i === path.length - 1 ? 'key' : 'value', input, key: String(key), value} as const
    input = value as Record<string, unknown>
    return item
  }) as [v.IssuePathItem, ...v.IssuePathItem[]]
}

function durationProblem(text: string): string | undefined {
  try {
    parseDuration(text, {bareSeconds: false})
    return undefined
  } catch (error) {
    if (error instanceof DurationSyntaxError) return `'${text}' ${error.message}`
    throw error
  }
}

/** A duration such as 30m or 1h30m (a YAML number has no unit, so it is refused). */
const duration = v.pipe(
  v.string((issue) => `must be a duration such as 30m or 1h30m, not '${String(issue.input)}'`),
  v.check((text) => durationProblem(text) === undefined, (issue) => durationProblem(String(issue.input))!),
  v.transform((text) => parseDuration(text, {bareSeconds: false})),
)

const percent = v.pipe(
  v.number((issue) => `must be a percentage from 0 to 100, not '${String(issue.input)}'`),
  v.minValue(0, (issue) => `must be a percentage from 0 to 100 (got ${String(issue.input)})`),
  v.maxValue(100, (issue) => `must be a percentage from 0 to 100 (got ${String(issue.input)})`),
)

const capacitySettings = mapping({
  allBusy: v.optional(duration),
  idlePercent: v.optional(percent),
  mutexWait: v.optional(duration),
  leaseWait: v.optional(duration),
}, 'must be a mapping, e.g. `allBusy: 30m`')

const severity = v.picklist([...SEVERITIES, 'off'], (issue) => `severity '${String(issue.input)}' is not one of error, warning, note, off`)

const poolOverride = mapping({minWorkers: v.optional(threshold)}, 'must be a mapping, e.g. `minWorkers: 1`')

const RULE_REQUIRED = '`rule` is required (a rule ID, or a glob such as naming/*)'
const ignoreEntry = v.pipe(
  mapping({
    rule: v.pipe(
      v.string(RULE_REQUIRED),
      v.nonEmpty(RULE_REQUIRED),
      v.check((rule) => RULE_IDS.some((id) => globToRegExp(rule).test(id)), (issue) => unknownRule(String(issue.input))),
    ),
    subject: v.optional(v.string('must be a string')),
    space: v.optional(v.string('must be a string')),
    reason: v.optional(v.string('must be a string')),
  }, 'each ignore must be a mapping with `rule` and `subject`', RULE_REQUIRED),
  // space and reason stay optional in the type: code that builds ignores (tests, `check --init`) may leave them out.
  v.transform((entry): {rule: string; subject: string; space?: string; reason?: string} => ({rule: entry!.rule, subject: entry!.subject ?? '*', space: entry!.space, reason: entry!.reason})),
)

/** The whole file (empty: the defaults). */
export const configFileSchema = v.pipe(
  mapping({
    conventions: mapping({worker: v.nullish(convention), pool: v.nullish(convention)}, 'must be a mapping with `worker` and/or `pool`'),
    thresholds: mapping({minWorkers: v.optional(threshold)}, 'must be a mapping'),
    capacity: capacitySettings,
    pools: namedMapping(v.string(), poolOverride, 'must be a mapping of pool name (or glob) to overrides'),
    severities: namedMapping(
      v.pipe(v.string(), v.check(isRuleId, (issue) => unknownRule(String(issue.input)))),
      severity,
      'must be a mapping of rule ID to error|warning|note|off',
    ),
    ignores: v.nullish(v.array(ignoreEntry, 'must be a list of {rule, subject, space?, reason?}'), () => []),
  }, 'the file must be a mapping of settings'),
  v.transform((file) => ({
    conventions: {
      ...(file!.conventions!.worker ? {worker: file!.conventions!.worker} : {}),
      ...(file!.conventions!.pool ? {pool: file!.conventions!.pool} : {}),
    } as {worker?: Convention; pool?: Convention},
    minWorkers: file!.thresholds!.minWorkers,
    capacity: {
      ...(file!.capacity!.allBusy === undefined ? {} : {allBusyMs: file!.capacity!.allBusy}),
      ...(file!.capacity!.idlePercent === undefined ? {} : {idleShare: file!.capacity!.idlePercent / 100}),
      ...(file!.capacity!.mutexWait === undefined ? {} : {mutexWaitMs: file!.capacity!.mutexWait}),
      ...(file!.capacity!.leaseWait === undefined ? {} : {leaseWaitMs: file!.capacity!.leaseWait}),
    } as Partial<CapacityThresholds>,
    pools: Object.entries(file!.pools!).map(([match, override]) => ({match, minWorkers: override!.minWorkers})),
    severities: file!.severities as Partial<Record<RuleId, Severity | 'off'>>,
    ignores: file!.ignores!,
  })),
)

/** What a config file sets; `minWorkers` is undefined when the file leaves it to the default. */
export type PolicySettings = v.InferOutput<typeof configFileSchema>
/** A per-pool override: `match` is a pool name or glob (case-insensitive). */
export type PoolOverride = PolicySettings['pools'][number]
/** An ignored finding: `rule` is a rule ID or a glob over them, `subject` a glob over the finding's subject (`*` when omitted), `space` an optional glob over the space name or ID. */
export type IgnoreEntry = PolicySettings['ignores'][number]

/** The settings, or the first problem: its path in the file, whether it is about the key itself, and what is wrong. */
export function validateSettings(raw: unknown): {settings: PolicySettings} | {path: Path; atKey: boolean; message: string} {
  const result = v.safeParse(configFileSchema, raw, {abortEarly: true, abortPipeEarly: true})
  if (result.success) return {settings: result.output}
  const issue = result.issues[0]
  const steps = issue.path ?? []
  const last = steps.at(-1)
  // A required key that is missing is a problem of the mapping that lacks it.
  const missingKey = last?.origin === 'key' && issue.expected?.startsWith('"')
  const path = (missingKey ? steps.slice(0, -1) : steps).map((step) => step.key as string | number)
  return {path, atKey: last?.origin === 'key' && !missingKey, message: issue.message}
}
