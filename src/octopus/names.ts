import {notFoundError, usageError} from '../text/errors.js'
import {closeMatches} from '../text/fuzzy.js'

export interface Named {
  Id: string
  Name: string
  Slug?: string | null
}

/**
 * Finds a resource by ID or name (case-insensitive; slug too). Unknown -> exit 4 listing close
 * matches; ambiguous (names that differ only in case on a lenient server) -> exit 2 listing them.
 */
export function findByNameOrId<T extends Named>(items: T[], input: string, kind: string): T {
  const wanted = input.trim().toLowerCase()
  const byId = items.filter((i) => i.Id.toLowerCase() === wanted)
  if (byId.length === 1) return byId[0]
  const byName = items.filter((i) => i.Name.toLowerCase() === wanted)
  if (byName.length === 1) return byName[0]
  if (byName.length > 1) {
    throw usageError(`'${input}' matches ${byName.length} ${kind}s: ${byName.map((i) => `${i.Name} (${i.Id})`).join(', ')}. Use the ID.`, {
      details: {candidates: byName.map((i) => i.Id)},
    })
  }
  const bySlug = items.filter((i) => (i.Slug ?? '').toLowerCase() === wanted)
  if (bySlug.length === 1) return bySlug[0]
  const close = closeMatches(input, items.map((i) => i.Name))
  throw notFoundError(
    `${capitalize(kind)} '${input}' not found.${close.length ? ` Did you mean: ${close.map((c) => `'${c}'`).join(', ')}?` : items.length === 0 ? ` There are no ${kind}s in this space.` : ''}`,
    {details: {kind, input, candidates: close}},
  )
}

/** Resolves every input before anything is changed: one error listing all unknown names. */
export function findAllByNameOrId<T extends Named>(items: T[], inputs: string[], kind: string): T[] {
  const found: T[] = []
  const missing: string[] = []
  let firstError: Error | undefined
  for (const input of inputs) {
    try {
      const item = findByNameOrId(items, input, kind)
      if (!found.includes(item)) found.push(item)
    } catch (error) {
      if ((error as {exitCode?: number}).exitCode === 2) throw error
      missing.push(input)
      firstError ??= error as Error
    }
  }
  if (missing.length === 1) throw firstError!
  if (missing.length > 1) {
    const hints = missing.map((m) => {
      const close = closeMatches(m, items.map((i) => i.Name))
      return close.length ? `'${m}' (did you mean ${close.map((c) => `'${c}'`).join(', ')}?)` : `'${m}'`
    })
    throw notFoundError(`${capitalize(kind)}s not found: ${hints.join(', ')}.`, {details: {kind, missing}})
  }
  return found
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}
