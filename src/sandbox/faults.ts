import {validationError} from './http.js'
import {Fields} from './validate.js'

export interface FaultRule {
  Id: string
  Method: string
  PathPattern: string
  Status: number
  /** Matching requests let through before the fault starts. */
  AfterMatches: number
  /** How many matching requests fail once it has started (0 = every one). */
  Times: number
  Matched: number
  Injected: number
}

/**
 * Makes chosen Octopus routes fail on purpose (sandbox-only, in memory), so tests can see how the
 * CLI behaves when a server fails midway through a multi-request command.
 * `PathPattern` is a case-insensitive glob on the URL path: `*` matches any characters.
 */
export class FaultInjector {
  private rules: FaultRule[] = []
  private counter = 0

  add(body: unknown): FaultRule {
    const f = Fields.of(body)
    const method = (f.optionalString('Method') ?? '*').toUpperCase()
    const pathPattern = f.requiredString('PathPattern')
    const status = f.optionalInteger('Status', 500, 400, 599)
    const afterMatches = f.optionalInteger('AfterMatches', 0, 0)
    const times = f.optionalInteger('Times', 1, 0)
    f.check()
    if (!/^[A-Z*]+$/.test(method)) throw validationError('Method must be an HTTP method or *.')
    const rule: FaultRule = {Id: `Faults-${++this.counter}`, Method: method, PathPattern: pathPattern, Status: status, AfterMatches: afterMatches, Times: times, Matched: 0, Injected: 0}
    this.rules.push(rule)
    return rule
  }

  list(): FaultRule[] {
    return this.rules
  }

  clear(): void {
    this.rules = []
  }

  /** The fault to inject for this request, if any; counts matches as it goes. */
  check(method: string, path: string): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.Method !== '*' && rule.Method !== method) continue
      if (!globToRegExp(rule.PathPattern).test(path)) continue
      rule.Matched++
      if (rule.Matched <= rule.AfterMatches) continue
      if (rule.Times !== 0 && rule.Injected >= rule.Times) continue
      rule.Injected++
      return rule
    }
    return undefined
  }
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')
  return new RegExp(`^${escaped}$`, 'i')
}
