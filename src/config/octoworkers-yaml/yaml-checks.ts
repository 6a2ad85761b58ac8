/**
 * Checks on parsed YAML documents that the `yaml` package does too, but in quadratic time: its
 * `uniqueKeys` option compares each key with every earlier key of its mapping (40,000 profiles
 * took 11 s). Documents are parsed with `uniqueKeys: false` and checked here in one pass.
 */
import type {Alias, Document, Scalar} from 'yaml'

type YamlModule = typeof import('yaml')

/** The first key that repeats an earlier key of the same mapping (compared as yaml does: by scalar value). */
export function firstDuplicateKey(yaml: YamlModule, doc: Document): Scalar | undefined {
  let duplicate: Scalar | undefined
  yaml.visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>()
      for (const pair of map.items) {
        if (!yaml.isScalar(pair.key)) continue
        if (seen.has(pair.key.value)) {
          duplicate = pair.key
          return yaml.visit.BREAK
        }
        seen.add(pair.key.value)
      }
      return undefined
    },
  })
  return duplicate
}

export function firstAlias(yaml: YamlModule, doc: Document): Alias | undefined {
  let found: Alias | undefined
  yaml.visit(doc, {
    Alias(_key, alias) {
      found = alias
      return yaml.visit.BREAK
    },
  })
  return found
}
