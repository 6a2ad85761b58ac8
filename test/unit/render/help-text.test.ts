import {describe, expect, it} from 'vitest'
import {EXIT_CODES_TABLE, EXIT_CODE_MEANINGS, ExitCode} from '../../../src/text/errors.js'
import {reflowParagraphs, wrapHelpText} from '../../../src/views/help-text.js'

describe('reflowParagraphs', () => {
  it('joins a paragraph hard-wrapped in the source into one line', () => {
    const source = 'Serves the API from a SQLite file, on loopback by\ndefault, until Ctrl-C or SIGTERM (then it exits 0). Each\nline has the time.'
    expect(reflowParagraphs(source)).toBe('Serves the API from a SQLite file, on loopback by default, until Ctrl-C or SIGTERM (then it exits 0). Each line has the time.')
  })

  it('keeps blank lines between paragraphs', () => {
    expect(reflowParagraphs('One\nparagraph.\n\nAnother\none.')).toBe('One paragraph.\n\nAnother one.')
  })

  it("keeps the author's break after a sentence and after a colon", () => {
    const source = '--platform sets the runtime.\n--force: update in place.\nSources (--source): what each reads:\nauto reads both.'
    expect(reflowParagraphs(source)).toBe(source)
  })

  it('keeps list items, indented blocks and headings on their own lines', () => {
    const source = 'What each reads, and what\n- auto (default): the lease API\nand the logs\n- api: the lease API\n  direct    the pool\n  variable  a variable\nEXIT CODES\n  0    success'
    expect(reflowParagraphs(source)).toBe('What each reads, and what\n- auto (default): the lease API and the logs\n- api: the lease API\n  direct    the pool\n  variable  a variable\nEXIT CODES\n  0    success')
  })

  it('leaves a heading in capitals and the indented table under it unchanged', () => {
    const source = `Prints one line per event.\n\nEXIT CODES\n${EXIT_CODES_TABLE.replace(/^/gm, '  ')}`
    expect(reflowParagraphs(source)).toBe(source)
  })
})

describe('the exit-code list', () => {
  it('has every exit code once, in order, and the table aligns the meanings', () => {
    expect(EXIT_CODE_MEANINGS.map(([code]) => code)).toEqual(Object.values(ExitCode))
    const rows = EXIT_CODES_TABLE.split('\n')
    expect(rows).toHaveLength(EXIT_CODE_MEANINGS.length)
    expect(new Set(rows.map((r) => /^\d+\s+/.exec(r)![0].length))).toEqual(new Set([5]))
    expect(rows[0]).toBe('0    success')
    expect(rows.at(-2)).toBe('130  interrupted (Ctrl-C, SIGINT)')
    expect(rows.at(-1)).toBe('143  terminated (SIGTERM); a waiting command reports what it leaves first')
  })
})

describe('wrapHelpText', () => {
  it('wraps prose greedily at the width', () => {
    expect(wrapHelpText('one two three four five six', 13)).toBe('one two three\nfour five six')
  })

  it('keeps an indented row indented and hangs its continuation under its text', () => {
    const row = '  variable  the step\'s worker pool variable, one row per pool'
    expect(wrapHelpText(row, 40)).toBe("  variable  the step's worker pool\n            variable, one row per pool")
  })

  it('hangs a list item under its text, not its dash', () => {
    expect(wrapHelpText('- auto (default): reads the lease API and logs', 24)).toBe('- auto (default): reads\n  the lease API and logs')
  })

  it('keeps runs of spaces inside a line that fits, and lines that fit as they are', () => {
    expect(wrapHelpText('  0    success\n  130  interrupted', 80)).toBe('  0    success\n  130  interrupted')
  })

  it('splits a word wider than the room, and measures CJK by display width', () => {
    expect(wrapHelpText('abcdefghij', 4)).toBe('abcd\nefgh\nij')
    expect(wrapHelpText('東京 ワーカー', 8)).toBe('東京\nワーカー')
  })
})
