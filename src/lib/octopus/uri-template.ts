import {parseTemplate} from 'url-template'

export type TemplateParams = Record<string, string | number | boolean | string[] | undefined | null>

/**
 * Expands an RFC 6570 template from an Octopus `Links` document. Octopus sends arrays as
 * comma-separated values (`ids=a,b`), which is the template's non-exploded form.
 */
export function expandTemplate(template: string, params: TemplateParams = {}): string {
  const clean: Record<string, string | string[]> = {}
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue
    if (Array.isArray(value)) {
      if (value.length > 0) clean[key] = value
    } else clean[key] = String(value)
  }
  return parseTemplate(template).expand(clean)
}

/** Names of the variables a template accepts (`{/id}{?skip,take}` -> id, skip, take). */
export function templateVariables(template: string): string[] {
  const names: string[] = []
  for (const match of template.matchAll(/\{[+#./;?&]?([^}]+)\}/g)) {
    for (const part of match[1].split(',')) names.push(part.replace(/[*]|:\d+$/g, ''))
  }
  return names
}
