/**
 * Several estate files make one desired estate: spaces merge by name, and the same pool or worker
 * declared twice (in one file or two) is an error naming both places, since which one wins would be
 * an accident of argument order.
 */
import {usageError} from '../../text/errors.js'
import type {EstateFile, PoolDecl, WorkerDecl} from './schema.js'

type Path = Array<string | number>

/** Where a declaration is: `file:line`, for every message about it. */
export interface Place {
  file: string
  line: number | undefined
}

export function where(place: Place): string {
  return place.line === undefined ? place.file : `${place.file}:${place.line}`
}

export interface Located<T> extends Place {
  decl: T
}

export interface DesiredSpace extends Place {
  name: string
  pools: Array<Located<PoolDecl>>
  workers: Array<Located<WorkerDecl>>
}

export interface DesiredEstate {
  builtInWorker?: Located<'enabled' | 'disabled'>
  spaces: DesiredSpace[]
}

export interface ParsedEstateFile {
  file: string
  doc: EstateFile
  /** The line of the node at a path of the document (undefined when the path has no node). */
  lineOf: (path: Path) => number | undefined
}

const key = (name: string) => name.trim().toLowerCase()

export function mergeEstateFiles(files: ParsedEstateFile[]): DesiredEstate {
  const estate: DesiredEstate = {spaces: []}
  const spaces = new Map<string, DesiredSpace>()
  const pools = new Map<string, Place>()
  const workers = new Map<string, Place>()
  const duplicate = (what: string, here: Place, first: Place) =>
    usageError(`${where(here)}: ${what} is declared twice (also at ${where(first)}).`, {code: 'duplicate-declaration', hint: 'Declare each pool and worker once across all the files given.', details: {File: here.file, Line: here.line ?? null, OtherFile: first.file, OtherLine: first.line ?? null}})
  for (const {file, doc, lineOf} of files) {
    if (doc.builtInWorker !== undefined) {
      const place = {file, line: lineOf(['builtInWorker'])}
      if (estate.builtInWorker) throw duplicate('builtInWorker', place, estate.builtInWorker)
      estate.builtInWorker = {...place, decl: doc.builtInWorker}
    }
    for (const [spaceName, content] of Object.entries(doc.spaces ?? {})) {
      let space = spaces.get(key(spaceName))
      if (!space) {
        space = {name: spaceName, file, line: lineOf(['spaces', spaceName]), pools: [], workers: []}
        spaces.set(key(spaceName), space)
        estate.spaces.push(space)
      }
      const body = content ?? {pools: [], workers: []}
      body.pools.forEach((decl, i) => {
        const place = {file, line: lineOf(['spaces', spaceName, 'pools', i])}
        const id = `${key(spaceName)}\u0000${key(decl.name)}`
        const first = pools.get(id)
        if (first) throw duplicate(`pool '${decl.name}' of space '${spaceName}'`, place, first)
        pools.set(id, place)
        space.pools.push({...place, decl})
      })
      body.workers.forEach((decl, i) => {
        const place = {file, line: lineOf(['spaces', spaceName, 'workers', i])}
        const id = `${key(spaceName)}\u0000${key(decl.name)}`
        const first = workers.get(id)
        if (first) throw duplicate(`worker '${decl.name}' of space '${spaceName}'`, place, first)
        workers.set(id, place)
        space.workers.push({...place, decl})
      })
    }
  }
  for (const space of estate.spaces) {
    const defaults = space.pools.filter((p) => p.decl.default === true)
    if (defaults.length > 1) {
      throw usageError(`${where(defaults[1])}: space '${space.name}' declares two default pools ('${defaults[0].decl.name}' at ${where(defaults[0])} and '${defaults[1].decl.name}'); a space has exactly one.`, {code: 'two-defaults'})
    }
  }
  return estate
}
