import {RE2JS} from 're2js'

/**
 * Naming conventions: a regular expression, or a template such as
 * `{env}-{role}-{location}-worker-{nn}` whose tokens each have allowed values (a list) or a
 * pattern (`\d{2}`). A name that does not fit gets a message saying which part is wrong, e.g.
 * `env 'x' is not one of d,t,s,p`.
 */

export type TokenRule = {name: string; values: string[]} | {name: string; pattern: string}

export interface TemplateConvention {
  kind: 'template'
  template: string
  parts: TemplatePart[]
  tokens: Record<string, TokenRule>
  ignoreCase: boolean
}

export interface RegexConvention {
  kind: 'regex'
  source: string
  ignoreCase: boolean
  /** Optional words for the message, e.g. "purpose, location and environment". */
  description?: string
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

/**
 * Patterns are checked for syntax in JavaScript's unicode mode: it rejects sloppy patterns such as
 * `\d{2` that the legacy mode would quietly read as literal text, so a typo in a policy file is an
 * error, not a weaker rule.
 */
export function regexFlags(conv: {ignoreCase: boolean}): string {
  return conv.ignoreCase ? 'iu' : 'u'
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

type PartMode = 'strict' | 'loose'

function templateRegex(conv: TemplateConvention, modeOf: (token: string, index: number) => PartMode, anchorEnd = true, upTo = conv.parts.length): LinearRegex {
  let source = '^'
  let tokenIndex = 0
  conv.parts.slice(0, upTo).forEach((part) => {
    if ('literal' in part) source += escapeRegex(part.literal)
    else {
      const mode = modeOf(part.token, tokenIndex)
      source += mode === 'strict' ? `(?<t${tokenIndex}>${tokenSource(conv.tokens[part.token])})` : `(?<t${tokenIndex}>.+?)`
      tokenIndex++
    }
  })
  if (anchorEnd) source += '$'
  return linearRegex(source, conv.ignoreCase)
}

function tokenValueFits(conv: TemplateConvention, token: string, value: string): boolean {
  return linearRegex(`^(?:${tokenSource(conv.tokens[token])})$`, conv.ignoreCase).test(value)
}

/** Checks a name against a convention; on failure says which part is wrong. */
export function checkName(conv: Convention, name: string): NameCheck {
  if (conv.kind === 'regex') {
    if (linearRegex(`^(?:${conv.source})$`, conv.ignoreCase).test(name)) return {ok: true}
    return {ok: false, problems: [`'${name}' does not match /${conv.source}/${conv.description ? ` (${conv.description})` : ''}`]}
  }
  if (templateRegex(conv, () => 'strict').test(name)) return {ok: true}
  const tokens = templateTokens(conv.parts)

  // One token wrong, the rest right: relax each token in turn to find which.
  for (let i = 0; i < tokens.length; i++) {
    const match = templateRegex(conv, (_t, index) => (index === i ? 'loose' : 'strict')).exec(name)
    if (match) return {ok: false, problems: [`${tokens[i]} '${match.groups![`t${i}`]}' ${describeTokenRule(conv.tokens[tokens[i]])}`]}
  }
  // Right shape, several tokens wrong.
  const loose = templateRegex(conv, () => 'loose').exec(name)
  if (loose) {
    const problems = tokens
      .map((token, i) => ({token, value: loose.groups![`t${i}`]}))
      .filter(({token, value}) => !tokenValueFits(conv, token, value))
      .map(({token, value}) => `${token} '${value}' ${describeTokenRule(conv.tokens[token])}`)
    if (problems.length > 0) return {ok: false, problems}
  }
  // Wrong shape: find the first literal that is missing.
  for (let upTo = 1; upTo <= conv.parts.length; upTo++) {
    const part = conv.parts[upTo - 1]
    if (!('literal' in part)) continue
    if (!templateRegex(conv, () => 'loose', false, upTo).test(name)) {
      const before = conv.parts[upTo - 2]
      const where = !before ? 'at the start' : `after {${(before as {token: string}).token}}`
      return {ok: false, problems: [`expected '${part.literal}' ${where}`]}
    }
  }
  const lastPart = conv.parts.at(-1)!
  const ending = 'literal' in lastPart ? `it must end with '${lastPart.literal}'` : `it has extra text after the last literal`
  return {ok: false, problems: [`${ending}`]}
}
