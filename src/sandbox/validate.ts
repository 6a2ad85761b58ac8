import {validationError} from './http.js'

/**
 * Field readers for request documents. Each collects problems into `errors` instead of throwing,
 * so one 400 lists everything wrong with a body, as Octopus does.
 */
export class Fields {
  readonly errors: string[]

  /**
   * `path` prefixes field names in messages (`Arguments.` for a nested object read with
   * `nested`), whose problems go into the parent's `errors`.
   */
  constructor(readonly body: Record<string, unknown>, private readonly path = '', errors: string[] = []) {
    this.errors = errors
  }

  static of(body: unknown): Fields {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw validationError('The request body must be a JSON object.')
    return new Fields(body as Record<string, unknown>)
  }

  has(name: string): boolean {
    return this.body[name] !== undefined && this.body[name] !== null
  }

  requiredString(name: string, label = name): string {
    const value = this.body[name]
    if (typeof value !== 'string' || value.trim() === '') {
      this.errors.push(value === undefined || value === null || value === '' ? `Please specify the ${label}.` : `${this.path}${name} must be a string.`)
      return ''
    }
    return value.trim()
  }

  /** `label`: the name the message gives the field (default `name`). */
  optionalString(name: string, label = name): string | null {
    const value = this.body[name]
    if (value === undefined || value === null) return null
    if (typeof value !== 'string') {
      this.errors.push(`${this.path}${label} must be a string.`)
      return null
    }
    return value
  }

  optionalBoolean(name: string, fallback: boolean): boolean {
    const value = this.body[name]
    if (value === undefined || value === null) return fallback
    if (typeof value !== 'boolean') {
      this.errors.push(`${this.path}${name} must be true or false.`)
      return fallback
    }
    return value
  }

  optionalInteger(name: string, fallback: number, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.body[name]
    if (value === undefined || value === null) return fallback
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.errors.push(`${this.path}${name} must be a whole number between ${min} and ${max}.`)
      return fallback
    }
    return value
  }

  stringArray(name: string): string[] {
    const value = this.body[name]
    if (value === undefined || value === null) return []
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      this.errors.push(`${this.path}${name} must be an array of strings.`)
      return []
    }
    return value as string[]
  }

  /**
   * A string from a fixed set: `missing` when it is absent, empty or not a string, `invalid(value)`
   * when it is another string.
   */
  requiredChoice<T extends string>(name: string, choices: readonly T[], missing: string, invalid: (value: string) => string): T | undefined {
    const value = this.body[name]
    if (typeof value !== 'string' || !value) this.errors.push(missing)
    else if (!choices.includes(value as T)) this.errors.push(invalid(value))
    else return value as T
    return undefined
  }

  /** Null when absent; `message` when it is not one of `choices`. */
  optionalChoice<T extends string>(name: string, choices: readonly T[], message: string): T | null {
    const value = this.body[name]
    if (value === undefined || value === null) return null
    if (typeof value === 'string' && choices.includes(value as T)) return value as T
    this.errors.push(message)
    return null
  }

  /** A nested object whose problems are reported in this reader's `errors`, named `<path><name>.<field>`. */
  nested(name: string): Fields | undefined {
    const value = this.body[name]
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.errors.push(`${this.path}${name} must be an object.`)
      return undefined
    }
    return new Fields(value as Record<string, unknown>, `${this.path}${name}.`, this.errors)
  }

  object(name: string): Fields | undefined {
    const value = this.body[name]
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.errors.push(`${this.path}${name} must be an object.`)
      return undefined
    }
    return new Fields(value as Record<string, unknown>)
  }

  /** Throws the 400 if anything was wrong (including problems pushed by the caller). */
  check(): void {
    if (this.errors.length) throw validationError(...this.errors)
  }
}

export const THUMBPRINT = /^[0-9A-Fa-f]{40}$/

/** Lower-case, dash-separated slug as newer Octopus versions derive it from the name. */
export function slugify(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'item'
}
