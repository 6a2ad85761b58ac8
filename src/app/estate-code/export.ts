/** `estate export`: the server's estate as an estate file (deterministic; see src/domain/estate-file/export.ts). */
import type {OctopusClient, SpaceContext} from '../../octopus/client.js'
import {exportEstate, type ExportedEstate} from '../../domain/estate-file/export.js'
import {ESTATE_SCHEMA_FILE} from '../../domain/estate-file/json-schema.js'
import {readActualEstate} from './read-server.js'
import type {OnUnavailable} from '../unreadable-part.js'

export interface EstateExport {
  Text: string
  Spaces: string[]
  Pools: number
  Workers: number
  Skipped: ExportedEstate['skipped']
  HttpRequests: number
}

/** The first lines of every exported file: no date, server or version, so that exports stay byte-identical. */
export const EXPORT_HEADER = `# yaml-language-server: $schema=./${ESTATE_SCHEMA_FILE}\n`

export async function stringifyEstate(document: Record<string, unknown>): Promise<string> {
  const YAML = await import('yaml')
  // lineWidth 0: no folding, so a long description stays one line and diffs stay small.
  return EXPORT_HEADER + YAML.stringify(document, {lineWidth: 0, indent: 2, indentSeq: true})
}

export async function exportServerEstate(client: OctopusClient, spaces: SpaceContext[], onUnavailable?: OnUnavailable): Promise<EstateExport> {
  const actual = await readActualEstate(client, spaces, onUnavailable)
  const {document, skipped} = exportEstate(actual)
  return {
    Text: await stringifyEstate(document),
    Spaces: actual.spaces.map((s) => s.Name).sort(),
    Pools: actual.spaces.reduce((n, s) => n + s.pools.length, 0),
    Workers: actual.spaces.reduce((n, s) => n + s.workers.length, 0) - skipped.length,
    Skipped: skipped,
    HttpRequests: client.requestCount,
  }
}
