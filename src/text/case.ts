/**
 * Lower- and upper-casing that return the string itself when casing would not change it. V8's
 * toLowerCase and toUpperCase make a new string every time, even of one already in that case:
 * keys for 100,000 worker names or thumbprints were 4-6 MB of copies each time a rule made them.
 * Only ASCII letters of the other case, or any character beyond ASCII, can change.
 */
const MAY_CHANGE_BY_LOWERING = /[A-Z\u0080-\uFFFF]/
const MAY_CHANGE_BY_UPPERING = /[a-z\u0080-\uFFFF]/

export function lowerCased(text: string): string {
  return MAY_CHANGE_BY_LOWERING.test(text) ? text.toLowerCase() : text
}

export function upperCased(text: string): string {
  return MAY_CHANGE_BY_UPPERING.test(text) ? text.toUpperCase() : text
}
