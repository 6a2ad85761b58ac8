/**
 * Quoting for the commands we suggest (fixes, undo lines, the equivalent of an interactive run), so
 * they can be pasted into a POSIX shell and reach the program as the very same word.
 */

/**
 * Characters no POSIX shell treats specially inside a word. `~` (tilde expansion) and the glob
 * characters are not among them. `=` is: it only matters in a command's first word, and a suggested
 * command always starts with the program's name.
 */
const SHELL_SAFE = /^[A-Za-z0-9_./:@%+=,-]+$/

/**
 * The word as-is when it is made only of safe characters, else in single quotes, where a shell
 * expands nothing; a single quote inside is written as `'\''` (close, escaped quote, reopen).
 * The empty string becomes `''`, so it stays an argument.
 */
export function shellQuote(value: string): string {
  if (SHELL_SAFE.test(value)) return value
  return `'${value.replaceAll("'", `'\\''`)}'`
}
