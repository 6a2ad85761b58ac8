/** The same JSON value, unindented, every character outside printable ASCII written as a \u escape. */
export function compactJsonText(text: string): string
