import {validationError} from './http.js'

/**
 * Field readers for request documents. Each collects problems into `errors` instead of throwing,
 * so one 400 lists everything wrong with a body, as Octopus does.
 */
export class Fields {
  readonly errors: string[] = []

  constructor(readonly body: Record<string, unknown>) {}

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
      this.errors.push(value === undefined || value === null || value === '' ? `Please specify the ${label}.` : `${name} must be a string.`)
      return ''
    }
    return value.trim()
  }

  optionalString(name: string): string | null {
    const value = this.body[name]
    if (value === undefined || value === null) return null
    if (typeof value !== 'string') {
      this.errors.push(`${name} must be a string.`)
      return null
    }
    return value
  }

  optionalBoolean(name: string, fallback: boolean): boolean {
    const value = this.body[name]
    if (value === undefined || value === null) return fallback
    if (typeof value !== 'boolean') {
      this.errors.push(`${name} must be true or false.`)
      return fallback
    }
    return value
  }

  optionalInteger(name: string, fallback: number, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.body[name]
    if (value === undefined || value === null) return fallback
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.errors.push(`${name} must be a whole number between ${min} and ${max}.`)
      return fallback
    }
    return value
  }

  stringArray(name: string): string[] {
    const value = this.body[name]
    if (value === undefined || value === null) return []
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      this.errors.push(`${name} must be an array of strings.`)
      return []
    }
    return value as string[]
  }

  object(name: string): Fields | undefined {
    const value = this.body[name]
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.errors.push(`${name} must be an object.`)
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
