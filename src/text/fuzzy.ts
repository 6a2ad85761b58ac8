/**
 * "Did you mean" matching: which of a list of names are close to what was typed. Pure string
 * work, shared by name lookups, unknown commands and unknown flags.
 */
/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase()
  const t = b.toLowerCase()
  const row = Array.from({length: t.length + 1}, (_, i) => i)
  for (let i = 1; i <= s.length; i++) {
    let prev = row[0]
    row[0] = i
    for (let j = 1; j <= t.length; j++) {
      const tmp = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (s[i - 1] === t[j - 1] ? 0 : 1))
      prev = tmp
    }
  }
  return row[t.length]
}

/** Words too common in worker and pool names to suggest a name on their own. */
const GENERIC_WORDS = new Set(['pool', 'worker'])

/**
 * The significant words of a name: runs of letters and digits, >= 3 characters, with a letter,
 * lower-cased, a plural `s` dropped (so "Workers" and "Worker" are the same word).
 */
export function significantWords(name: string): Set<string> {
  const words = name.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 3 && /\p{L}/u.test(w))
  return new Set(words.map((w) => (w.length > 3 && w.endsWith('s') ? w.slice(0, -1) : w)))
}

/** How many significant words two names share; 0 when the only shared words are generic ("pool", "worker"). */
export function sharedWordCount(a: string, b: string): number {
  const wordsOfB = significantWords(b)
  const shared = [...significantWords(a)].filter((w) => wordsOfB.has(w))
  return shared.some((w) => !GENERIC_WORDS.has(w)) ? shared.length : 0
}

/**
 * Up to `limit` candidates close to `input`, best first: names containing it (or contained in it),
 * then by the number of significant words shared, then by edit distance. A candidate is kept if it
 * contains the input, shares a significant word with it, or is within a small edit distance.
 */
export function closeMatches(input: string, candidates: string[], limit = 5): string[] {
  const needle = input.trim().toLowerCase()
  const scored = candidates
    .map((name) => {
      const lower = name.toLowerCase()
      const contains = needle.length >= 2 && (lower.includes(needle) || needle.includes(lower))
      const shared = sharedWordCount(needle, lower)
      const distance = editDistance(needle, lower)
      const threshold = Math.max(2, Math.floor(Math.max(needle.length, lower.length) / 3))
      return {name, contains, shared, distance, keep: contains || shared > 0 || distance <= threshold}
    })
    .filter((x) => x.keep)
    .sort((a, b) => Number(b.contains) - Number(a.contains) || b.shared - a.shared || a.distance - b.distance || a.name.localeCompare(b.name))
  return [...new Set(scored.map((x) => x.name))].slice(0, limit)
}
