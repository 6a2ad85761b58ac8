/**
 * Two checks for a SARIF log: the official SARIF 2.1.0 schema (test/fixtures/sarif, with its
 * origin), and what GitHub code scanning requires of an upload, which the schema does not say
 * (GitHub's page "SARIF support for code scanning"; the origin is in test/fixtures/sarif/README.md).
 */
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'

type Validate = ((doc: unknown) => boolean) & {errors?: Array<{instancePath: string; message?: string}> | null}
interface AjvCore {
  compile(schema: object): Validate
}

// The official schema is JSON Schema draft-04. CommonJS modules; createRequire gives the same constructor under Node and vitest.
const require = createRequire(import.meta.url)
const Ajv04 = require('ajv-draft-04') as new (options: object) => AjvCore
const addFormats = require('ajv-formats') as (ajv: AjvCore) => AjvCore

let compiled: Validate | undefined

/** Problems with the log under the full OASIS SARIF 2.1.0 schema; [] when it is valid. */
export function sarifSchemaProblems(doc: unknown): string[] {
  const validate = compiled ??= addFormats(new Ajv04({allErrors: true, strict: false}))
    .compile(JSON.parse(readFileSync(new URL('../fixtures/sarif/sarif-schema-2.1.0.json', import.meta.url), 'utf8')))
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
}

const text = (value: unknown): value is string => typeof value === 'string' && value.trim() !== ''

/**
 * GitHub code scanning's documented requirements for an uploaded SARIF file, one problem per
 * broken requirement ([] when the log meets them all). Each check quotes the page's requirement.
 */
export function githubCodeScanningProblems(log: any): string[] {
  const problems: string[] = []
  const need = (ok: unknown, problem: string) => {
    if (!ok) problems.push(problem)
  }
  // sarifLog: "$schema Required", "version Required ... only supports SARIF version 2.1.0", "runs[] Required".
  need(text(log?.$schema), '$schema is required')
  need(log?.version === '2.1.0', 'version must be 2.1.0')
  need(Array.isArray(log?.runs) && log.runs.length > 0, 'runs[] is required')
  for (const [r, run] of (log?.runs ?? []).entries()) {
    const at = `runs[${r}]`
    // run: "tool.driver.name Required", "tool.driver.rules[] Required", "results[] Required".
    need(text(run?.tool?.driver?.name), `${at}.tool.driver.name is required`)
    const rules: any[] = run?.tool?.driver?.rules
    need(Array.isArray(rules), `${at}.tool.driver.rules[] is required`)
    need(Array.isArray(run?.results), `${at}.results[] is required`)
    // reportingDescriptor: "id Required", "shortDescription.text Required", "fullDescription.text
    // Required ... limited to 1000" characters, "help.text Required".
    for (const [i, rule] of (rules ?? []).entries()) {
      need(text(rule?.id), `${at}.tool.driver.rules[${i}].id is required`)
      need(text(rule?.shortDescription?.text), `${at}.tool.driver.rules[${i}].shortDescription.text is required`)
      need(text(rule?.fullDescription?.text), `${at}.tool.driver.rules[${i}].fullDescription.text is required`)
      need((rule?.fullDescription?.text ?? '').length <= 1000, `${at}.tool.driver.rules[${i}].fullDescription.text is over 1000 characters`)
      need(text(rule?.help?.text), `${at}.tool.driver.rules[${i}].help.text is required`)
    }
    for (const [i, result] of (run?.results ?? []).entries()) {
      const where = `${at}.results[${i}]`
      // result: "message.text Required"; ruleId/ruleIndex must name a rule of the driver.
      need(text(result?.message?.text), `${where}.message.text is required`)
      need(text(result?.ruleId), `${where}.ruleId names the rule`)
      if (result?.ruleIndex !== undefined) need(rules?.[result.ruleIndex]?.id === result.ruleId, `${where}.ruleIndex must point at the rule whose id is ruleId`)
      // "locations[] Required ... up to a maximum of 10 ... At least one location is required".
      const locations: any[] = result?.locations
      need(Array.isArray(locations) && locations.length >= 1 && locations.length <= 10, `${where}.locations[] must hold 1 to 10 locations`)
      for (const [l, location] of (locations ?? []).entries()) {
        const physical = location?.physicalLocation
        // "location.physicalLocation Required"; "artifactLocation.uri Required ... relative to the root
        // of the repository"; "region.startLine Required" (a line number, from 1).
        need(physical, `${where}.locations[${l}].physicalLocation is required (code scanning: "expected artifact location")`)
        const uri = physical?.artifactLocation?.uri
        need(text(uri), `${where}.locations[${l}].physicalLocation.artifactLocation.uri is required`)
        need(!/^[a-z][a-z0-9+.-]*:/i.test(uri ?? '') && !String(uri ?? '').startsWith('/'), `${where}.locations[${l}] uri '${uri}' must be relative to the repository root (no file:/// or absolute path)`)
        need(!String(uri ?? '').split('/').includes('..'), `${where}.locations[${l}] uri '${uri}' must stay inside the repository`)
        need(Number.isInteger(physical?.region?.startLine) && physical.region.startLine >= 1, `${where}.locations[${l}].physicalLocation.region.startLine is required`)
      }
      // "partialFingerprints Required ... code scanning only uses the primaryLocationLineHash".
      need(text(result?.partialFingerprints?.primaryLocationLineHash), `${where}.partialFingerprints.primaryLocationLineHash is required`)
    }
  }
  return problems
}
