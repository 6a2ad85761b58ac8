import {execFileSync} from 'node:child_process'
import {describe, expect, it} from 'vitest'
import {shellQuote} from '../../../src/text/shell.js'

/** What a POSIX shell hands a program for one suggested word: `printf %s` writes it back unchanged. */
function shellReadsBack(word: string): string {
  return execFileSync('/bin/sh', ['-c', `printf %s ${shellQuote(word)}`], {encoding: 'utf8'})
}

const HOSTILE_WORDS = [
  "Bob's pool",
  'two  spaces',
  '$HOME',
  '${PATH}',
  '$(touch /tmp/pwned)',
  '`id`',
  'bang!',
  'line one\nline two',
  'tab\there',
  '"double"',
  "'",
  "''",
  'back\\slash',
  '*',
  '~',
  '~root',
  'a;b&c|d',
  '<in >out',
  '#comment',
  '-n',
  'ünïcødé 名前',
  '',
]

describe('shellQuote', () => {
  it.each(HOSTILE_WORDS)('a POSIX shell reads %j back as the very same word', (word) => {
    expect(shellReadsBack(word)).toBe(word)
  })

  it('leaves words of safe characters bare, so suggested commands stay readable', () => {
    for (const word of ['Linux-1', 'plain-1.2_x', 'Workers-12', 'https://octopus.example:8443/app', 'a=b', 'user@host', '50%', 'a,b', '+1']) {
      expect(shellQuote(word)).toBe(word)
      expect(shellReadsBack(word)).toBe(word)
    }
  })

  it('quotes the empty string so it stays an argument', () => {
    expect(shellQuote('')).toBe("''")
  })

  it('writes a single quote as close, escaped quote, reopen', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`)
  })
})
