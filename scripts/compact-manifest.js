#!/usr/bin/env node
// Rewrites oclif.manifest.json (written by `oclif manifest` in prepack) as the same JSON on one
// line in ASCII: oclif reads and parses it on every run, --version included. As written it is
// indented (a quarter of its bytes) and holds a few characters above U+00FF (a dash, an ellipsis in
// descriptions), which make Node decode it into a string of two bytes a character; compact ASCII
// (those characters as \u escapes, which JSON.parse turns back into the same text) reads and parses
// in about a quarter of the time (1.4 ms against 5.8 ms here).
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

/** The same JSON value, unindented, every character outside printable ASCII written as a \u escape. */
export function compactJsonText(text) {
  return JSON.stringify(JSON.parse(text)).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
  const file = path.join(root, 'oclif.manifest.json')
  const before = readFileSync(file, 'utf8')
  const after = compactJsonText(before)
  writeFileSync(file, after)
  process.stderr.write(`oclif.manifest.json: ${before.length} -> ${after.length} characters, ASCII\n`)
}
