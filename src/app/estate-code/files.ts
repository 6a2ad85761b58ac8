/**
 * Reading estate files: YAML (the `yaml` library, loaded on demand) checked against the file's
 * schema (src/domain/estate-file/schema.ts), every problem reported with its file and line (exit
 * 2), then merged into one desired estate (duplicates name both places).
 */
import {readFileSync} from 'node:fs'
import path from 'node:path'
import type {Document, LineCounter} from 'yaml'
import {usageError} from '../../text/errors.js'
import {firstDuplicateKey} from '../../config/octoworkers-yaml/yaml-checks.js'
import {mergeEstateFiles, type DesiredEstate, type ParsedEstateFile} from '../../domain/estate-file/desired.js'

type Path = Array<string | number>

/** Aliases may share lists, but a few lines must not expand into millions of nodes. */
const MAX_ALIAS_COUNT = 100

function fileError(file: string, line: number | undefined, problem: string) {
  return usageError(`${file}${line ? `:${line}` : ''}: ${problem}`, {code: 'invalid-estate-file', details: {File: file, Line: line ?? null, Problem: problem}})
}

/** Parses and validates one file's text; `file` is how messages name it. */
export async function parseEstateText(text: string, file: string): Promise<ParsedEstateFile> {
  const YAML = await import('yaml')
  const lineCounter = new YAML.LineCounter()
  const doc = YAML.parseDocument(text, {lineCounter, prettyErrors: false, uniqueKeys: false})
  const syntax = doc.errors[0]
  if (syntax) throw fileError(file, syntax.linePos?.[0]?.line ?? lineCounter.linePos(syntax.pos[0]).line, `YAML syntax error: ${syntax.message.split('\n')[0]}`)
  const duplicate = firstDuplicateKey(YAML, doc)
  if (duplicate) {
    const offset = duplicate.range?.[0]
    throw fileError(file, offset === undefined ? undefined : lineCounter.linePos(offset).line, `the key '${String(duplicate.value)}' appears twice in one mapping`)
  }
  let raw: unknown
  try {
    raw = doc.toJS({maxAliasCount: MAX_ALIAS_COUNT})
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error
    throw fileError(file, undefined, `YAML aliases: ${error.message.split('\n')[0]}`)
  }
  const lineOf = (keyPath: Path) => lineAt(YAML, doc, lineCounter, keyPath)
  const {validateEstateFile} = await import('../../domain/estate-file/schema.js')
  const checked = validateEstateFile(raw)
  if ('path' in checked) {
    // The deepest node the path reaches: a missing key's mapping, an unknown key's own line.
    let line: number | undefined
    for (let n = checked.path.length; n >= 0 && line === undefined; n--) line = lineOf(checked.path.slice(0, n))
    throw fileError(file, line, `${checked.path.length ? `${checked.path.join('.')}: ` : ''}${checked.message}`)
  }
  return {file, doc: checked.file, lineOf}
}

/** Reads, validates and merges the files given with -f. */
export async function readEstateFiles(files: string[], cwd: string): Promise<{desired: DesiredEstate; parsed: ParsedEstateFile[]}> {
  const parsed: ParsedEstateFile[] = []
  for (const file of files) {
    let text: string
    try {
      text = readFileSync(path.resolve(cwd, file), 'utf8')
    } catch (error) {
      throw usageError(`Cannot read estate file ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`)
    }
    parsed.push(await parseEstateText(text, file))
  }
  return {desired: mergeEstateFiles(parsed), parsed}
}

function lineAt(YAML: typeof import('yaml'), doc: Document, lineCounter: LineCounter, keyPath: Path): number | undefined {
  let node: unknown = doc.contents
  let keyNode: unknown
  for (const segment of keyPath) {
    if (YAML.isMap(node)) {
      const pair = node.items.find((p) => YAML.isScalar(p.key) && String(p.key.value) === String(segment))
      if (!pair) return undefined
      keyNode = pair.key
      node = pair.value
    } else if (YAML.isSeq(node) && typeof segment === 'number') {
      keyNode = undefined
      node = node.items[segment]
      if (node === undefined) return undefined
    } else return undefined
  }
  const target = (keyNode ?? node) as {range?: [number, number, number]} | undefined
  const offset = target?.range?.[0]
  return offset === undefined ? undefined : lineCounter.linePos(offset).line
}
