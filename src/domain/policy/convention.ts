import {RE2JS} from 're2js'

/**
 * Naming conventions: a regular expression, or one or more templates such as
 * `{env}-{role}-{location}-worker-{nn}` whose tokens each have allowed values (a list) or a
 * pattern (`\d{2}`), plus names accepted as they are (those Octopus creates itself). A name that
 * does not fit gets a message naming the first part that is wrong and what was expected there,
 * e.g. `env 'default' is not one of d,t,s,p`.
 */

export type TokenRule = {name: string; values: string[]} | {name: string; pattern: string}

export interface TemplateShape {
  template: string
  parts: TemplatePart[]
}

export interface TemplateConvention {
  kind: 'template'
  /** A name follows the convention when it fits any one of these (Octopus's guidance fixes no order). */
  templates: TemplateShape[]
  tokens: Record<string, TokenRule>
  ignoreCase: boolean
  /** Names accepted as they are, e.g. `Default Worker Pool`. */
  allow?: string[]
}

export interface RegexConvention {
  kind: 'regex'
  source: string
  ignoreCase: boolean
  /** Optional words for the message, e.g. "purpose, location and environment". */
  description?: string
  allow?: string[]
}

export type Convention = TemplateConvention | RegexConvention
export type TemplatePart = {literal: string} | {token: string}

export type NameCheck = {ok: true} | {ok: false; problems: string[]}

/** Splits a template into literals and `{token}`s; throws with a readable reason when malformed. */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = []
  const tokenPattern = /\{([^{}]*)\}/g
  let last = 0
  for (const match of template.matchAll(tokenPattern)) {
    const literal = template.slice(last, match.index)
    if (/[{}]/.test(literal)) throw new Error(`unbalanced brace in template '${template}'`)
    if (literal) parts.push({literal})
    const name = match[1]
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`'{${name}}' in template '${template}' is not a token name (letters, digits, _)`)
    const previous = parts.at(-1)
    if (previous && 'token' in previous) throw new Error(`tokens {${previous.token}} and {${name}} in template '${template}' need text between them`)
    parts.push({token: name})
    last = match.index + match[0].length
  }
  const tail = template.slice(last)
  if (/[{}]/.test(tail)) throw new Error(`unbalanced brace in template '${template}'`)
  if (tail) parts.push({literal: tail})
  if (!parts.some((p) => 'token' in p)) throw new Error(`template '${template}' has no {tokens}; use a regex for a fixed pattern`)
  return parts
}

export function templateTokens(parts: TemplatePart[]): string[] {
  return parts.flatMap((p) => ('token' in p ? [p.token] : []))
}

/** What matching needs of a compiled convention: RE2 semantics, linear in the name's length. */
export interface LinearRegex {
  test(input: string): boolean
  exec(input: string): {groups?: Record<string, string>} | null
}

const compiled = new Map<string, LinearRegex>()

/**
 * Patterns come from a policy file and names from a server, so they are matched with RE2 (re2js):
 * time linear in the name, whatever the pattern. `(a+)+b` against 60 `a`s would take JavaScript's
 * backtracking engine longer than any CI job waits. RE2 has no backreferences or lookaround;
 * `unsupportedByLinearEngine` turns those into a config error that names the pattern.
 */
export function linearRegex(source: string, ignoreCase: boolean): LinearRegex {
  const key = `${ignoreCase ? 'i' : '-'}${source}`
  let regex = compiled.get(key)
  if (!regex) {
    const re2 = RE2JS.compile(RE2JS.translateRegExp(source), ignoreCase ? RE2JS.CASE_INSENSITIVE : 0)
    regex = {
      test: (input) => re2.test(input),
      exec: (input) => re2.exec(input) as {groups?: Record<string, string>} | null,
    }
    compiled.set(key, regex)
  }
  return regex
}

/** Why RE2 cannot run a pattern that JavaScript accepts (e.g. `(a)\1`, `a(?=b)`), or undefined if it can. */
export function unsupportedByLinearEngine(source: string): string | undefined {
  try {
    linearRegex(source, false)
    return undefined
  } catch (error) {
    return (error as Error).message.replace(/^error parsing regexp: /, '')
  }
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

function tokenSource(rule: TokenRule): string {
  if ('values' in rule) return rule.values.map(escapeRegex).join('|')
  return rule.pattern
}

function describeTokenRule(rule: TokenRule): string {
  return 'values' in rule ? `is not one of ${rule.values.join(',')}` : `does not match ${rule.pattern}`
}

function describeValue(conv: TemplateConvention, token: string, value: string): string {
  return `${token} '${value}' ${describeTokenRule(conv.tokens[token])}`
}

/** Where one template stopped fitting a name: how many characters fit, and what is wrong there. */
interface TemplateMismatch {
  /** How many checkpoints (a token and the literal after it) fitted, how many of their tokens are lists, and how many characters. */
  checkpoints: number
  /** A value from a list that fits says more than one a pattern accepts, so it breaks ties. */
  fixedValues: number
  fitted: number
  problem: string
}

/**
 * Matches a template against a name from the left, one checkpoint at a time (each token together
 * with the literal that follows it, so a list value such as `d` is never taken as the start of
 * `default`), and explains the first checkpoint that fails: the token whose value does not fit
 * (delimited by the literal after it), a token that is missing, or a literal that is not there.
 * Every step is one RE2 match, linear in the name's length.
 */
function explainTemplate(conv: TemplateConvention, shape: TemplateShape, name: string): TemplateMismatch | undefined {
  const {parts} = shape
  const strict = (upTo: number): string => parts.slice(0, upTo)
    .map((part, i) => ('literal' in part ? escapeRegex(part.literal) : `(?<t${i}>${tokenSource(conv.tokens[part.token])})`)).join('')
  const exec = (source: string) => linearRegex(`^${source}`, conv.ignoreCase).exec(name)
  const tokenAt = (i: number): string => (parts[i] as {token: string}).token
  const after = (i: number, groups: Record<string, string> | undefined): string => `{${tokenAt(i)}} '${groups?.[`t${i}`] ?? ''}'`
  const stop = {checkpoints: 0, fixedValues: 0, fitted: 0}
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]
    const last = i === parts.length - 1
    if ('token' in part && !last) continue
    const end = last ? '$' : ''
    const passed = exec(`(?<all>${strict(i + 1)})${end}`)
    if (passed) {
      stop.checkpoints++
      stop.fixedValues = parts.slice(0, i + 1).filter((p) => 'token' in p && 'values' in conv.tokens[p.token]).length
      stop.fitted = passed.groups?.all?.length ?? stop.fitted
      continue
    }
    if ('literal' in part && i === 0) return {...stop, problem: `expected '${part.literal}' at the start`}
    // The token that fails is this part (the last one) or the one before this literal.
    const j = 'token' in part ? i : i - 1
    const token = tokenAt(j)
    const before = strict(j)
    if ('token' in part) {
      const rest = exec(`${before}(?<v>.+)$`)
      return {...stop, problem: rest ? describeValue(conv, token, rest.groups!.v) : `${token} is missing at the end`}
    }
    const literal = escapeRegex(part.literal)
    // Nothing between the literal before the token and the one after it.
    if (exec(`${before}${literal}${end}`)) return {...stop, problem: `${token} is missing${j >= 2 ? ` after ${after(j - 2, exec(strict(j))?.groups)}` : j === 0 ? ' at the start' : ''}`}
    // Only this token is wrong (its value may contain the literal, e.g. a location 'central us').
    const restStrict = parts.slice(j + 1).map((p) => ('literal' in p ? escapeRegex(p.literal) : `(?:${tokenSource(conv.tokens[p.token])})`)).join('')
    const alone = exec(`${before}(?<v>.+?)${restStrict}$`) ?? exec(`${before}(?<v>.+?)${literal}${end}`)
    if (alone) return {...stop, problem: describeValue(conv, token, alone.groups!.v)}
    if (j >= 2) {
      const skipped = exec(`${strict(j - 1)}${literal}${end}`)
      if (skipped) return {...stop, problem: `${token} is missing after ${after(j - 2, skipped.groups)}`}
    }
    const fits = exec(`${before}(?<v>${tokenSource(conv.tokens[token])})(?<rest>.*)$`)
    const v = fits?.groups?.v
    if (fits && v) {
      const rest = fits.groups!.rest
      const same = (a: string, b: string) => (conv.ignoreCase ? a.toLowerCase() === b.toLowerCase() : a === b)
      if (last && same(rest.slice(0, part.literal.length), part.literal)) return {...stop, problem: `unexpected '${rest.slice(part.literal.length)}' after '${part.literal}' at the end`}
      return {...stop, problem: `expected '${part.literal}' after {${token}} '${v}'${rest ? `, found '${rest}'` : ''}`}
    }
    const remainder = exec(`${before}(?<v>.*)$`)?.groups?.v ?? ''
    return {...stop, problem: remainder ? describeValue(conv, token, remainder) : `${token} is missing${j >= 2 ? ` after ${after(j - 2, exec(strict(j))?.groups)}` : ''}`}
  }
  return undefined
}

function isAllowed(conv: Convention, name: string): boolean {
  return (conv.allow ?? []).some((allowed) => (conv.ignoreCase ? allowed.toLowerCase() === name.toLowerCase() : allowed === name))
}

/**
 * Checks a name against a convention. On failure the one problem names the first token (from the
 * left) that does not fit and what was expected there; with several templates, it is the template
 * that fits furthest into the name.
 */
export function checkName(conv: Convention, name: string): NameCheck {
  if (isAllowed(conv, name)) return {ok: true}
  if (conv.kind === 'regex') {
    if (linearRegex(`^(?:${conv.source})$`, conv.ignoreCase).test(name)) return {ok: true}
    return {ok: false, problems: [`'${name}' does not match /${conv.source}/${conv.description ? ` (${conv.description})` : ''}`]}
  }
  let closest: {shape: TemplateShape; mismatch: TemplateMismatch} | undefined
  for (const shape of conv.templates) {
    const mismatch = explainTemplate(conv, shape, name)
    if (!mismatch) return {ok: true}
    const further = closest && (mismatch.checkpoints - closest.mismatch.checkpoints || mismatch.fixedValues - closest.mismatch.fixedValues || mismatch.fitted - closest.mismatch.fitted)
    if (!closest || further! > 0) closest = {shape, mismatch}
  }
  const {shape, mismatch} = closest!
  return {ok: false, problems: [conv.templates.length > 1 ? `${mismatch.problem} (closest template: ${shape.template})` : mismatch.problem]}
}
