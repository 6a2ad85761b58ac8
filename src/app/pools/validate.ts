/**
 * Input checks for `pool` commands. They run before any request, so a malformed command line
 * never changes anything (exit 2).
 */
import {usageError} from '../../text/errors.js'

/** Octopus rejects longer names; we check first so that nothing is sent. */
export const MAX_POOL_NAME_LENGTH = 200

/** A pool name as given by the user, trimmed; empty or over 200 characters is exit 2. */
export function validatePoolName(input: string | undefined, what = 'Pool name'): string {
  const name = (input ?? '').trim()
  if (name.length === 0) throw usageError(`${what} must not be empty.`)
  if (name.length > MAX_POOL_NAME_LENGTH) {
    throw usageError(`${what} is ${name.length} characters long; the limit is ${MAX_POOL_NAME_LENGTH}.`)
  }
  return name
}

/**
 * Pool references for commands that take several (`reorder`, `delete`): the same reference twice
 * (case-insensitively) is exit 2, since the intended order or count is unclear.
 */
export function rejectDuplicateInputs(inputs: string[], command: string): void {
  const firstSpelling = new Map<string, string>()
  const duplicated = new Set<string>()
  for (const input of inputs) {
    const key = input.trim().toLowerCase()
    if (firstSpelling.has(key)) duplicated.add(key)
    else firstSpelling.set(key, input)
  }
  if (duplicated.size > 0) {
    const names = [...duplicated].map((key) => `'${firstSpelling.get(key)}'`)
    throw usageError(`${command}: ${names.join(', ')} given more than once; name each pool once.`)
  }
}
