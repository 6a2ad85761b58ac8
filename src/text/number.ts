/**
 * A whole number with commas between groups of three digits, as en-US writes it (2,147,483).
 * Not `toLocaleString('en-US')`: its first call loads ICU's number formats (about 20 ms), and one
 * ran at import time for a flag description, so every command paid it at start-up.
 */
export function groupDigits(n: number): string {
  const [whole, fraction] = String(n).split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return fraction === undefined ? grouped : `${grouped}.${fraction}`
}
