import {parseTemplate} from 'url-template'

export type TemplateParams = Record<string, string | number | boolean | string[] | undefined | null>

export interface TemplateVariable {
  name: string
  /** The RFC 6570 operator of its expression: '' (simple), '/', '?', '&', '+', '#', '.', ';'. */
  operator: string
}

/** The variables a template accepts, with the operator of the expression each sits in. */
export function parseTemplateVariables(template: string): TemplateVariable[] {
  const variables: TemplateVariable[] = []
  for (const match of template.matchAll(/\{([+#./;?&]?)([^}]+)\}/g)) {
    for (const part of match[2].split(',')) variables.push({name: part.replace(/[*]|:\d+$/g, ''), operator: match[1]})
  }
  return variables
}

/** Names of the variables a template accepts (`{/id}{?skip,take}` -> id, skip, take). */
export function templateVariables(template: string): string[] {
  return parseTemplateVariables(template).map((v) => v.name)
}

/**
 * How each parameter will be sent: under the template's own spelling of its name (matched
 * case-insensitively, since versions differ: `workerpoolIds` on 2019.7, `workerPoolIds` later),
 * or, when the template lacks it, as a plain query parameter appended after the expansion.
 */
export interface TemplatePlan {
  /** Parameters the template names, keyed by the template's spelling. */
  expanded: Record<string, string | string[]>
  /** Parameters the template lacks, in the caller's spelling, sent as plain query parameters. */
  appended: Record<string, string | string[]>
  /** An `id` the template has no variable for: appended as a path segment (Octopus's `{/id}`). */
  pathId?: string
}

export function planTemplate(template: string, params: TemplateParams = {}): TemplatePlan {
  const spelling = new Map<string, string>()
  for (const variable of parseTemplateVariables(template)) {
    if (!spelling.has(variable.name.toLowerCase())) spelling.set(variable.name.toLowerCase(), variable.name)
  }
  const plan: TemplatePlan = {expanded: {}, appended: {}}
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue
    if (Array.isArray(value) && value.length === 0) continue
    const clean = Array.isArray(value) ? value.map(String) : String(value)
    const name = spelling.get(key.toLowerCase())
    if (name !== undefined) plan.expanded[name] = clean
    else if (key === 'id' && !Array.isArray(clean)) plan.pathId = clean
    else plan.appended[key] = clean
  }
  return plan
}

/**
 * Expands an RFC 6570 template from an Octopus `Links` document. Octopus sends arrays as
 * comma-separated values (`ids=a,b`), which is the template's non-exploded form.
 *
 * RFC 6570 expansion silently drops a variable the template does not name, which once turned
 * `worker list --pool X` into an unfiltered list on 2019.7 (its template spells `workerpoolIds`).
 * So names are matched case-insensitively and sent in the template's spelling, and a parameter
 * the template lacks is still sent, as a plain query parameter. Neither is trusted: callers apply
 * every filter again to what the server returns.
 */
export function expandTemplate(template: string, params: TemplateParams = {}): string {
  const plan = planTemplate(template, params)
  let url = parseTemplate(template).expand(plan.expanded)
  if (plan.pathId !== undefined) {
    const [path, query] = splitQuery(url)
    url = `${path.replace(/\/$/, '')}/${encodeURIComponent(plan.pathId)}${query}`
  }
  const extra = Object.entries(plan.appended)
    .map(([key, value]) => `${encodeURIComponent(key)}=${(Array.isArray(value) ? value : [value]).map(encodeURIComponent).join(',')}`)
    .join('&')
  if (!extra) return url
  return url + (url.includes('?') ? '&' : '?') + extra
}

function splitQuery(url: string): [string, string] {
  const at = url.indexOf('?')
  return at < 0 ? [url, ''] : [url.slice(0, at), url.slice(at)]
}
