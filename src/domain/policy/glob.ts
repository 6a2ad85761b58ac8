/** Case-insensitive globs (`*` any run of characters, `?` one character) for pool names, subjects and rule IDs. */
export function globToRegExp(glob: string): RegExp {
  const source = glob.replace(/[.+^${}()|[\]\\/]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${source}$`, 'i')
}

export function globMatches(glob: string, value: string): boolean {
  return globToRegExp(glob).test(value)
}
