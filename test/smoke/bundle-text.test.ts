// The files every run reads are Latin-1 text, so Node holds their source as one byte per
// character (a single wider character makes V8 keep the whole bundle as two bytes a character).
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {wideCharacters} from '../../scripts/build-bundle.js'

const bundleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/bundle')

describe('the bundle as text', () => {
  it('has no character above U+00FF in the files a run compiles', () => {
    for (const file of ['cli.cjs', 'vendor/yaml.cjs', 'vendor/re2js.cjs', 'compile-cache.cjs']) {
      expect({file, wide: wideCharacters(readFileSync(path.join(bundleDir, file), 'utf8'))}).toEqual({file, wide: []})
    }
  })

  it('wideCharacters names the code point and what precedes it', () => {
    expect(wideCharacters('a/[-*\u2022]/é')).toEqual([{codePoint: 'U+2022', before: 'a/[-*'}])
  })
})
