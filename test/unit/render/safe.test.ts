import {describe, expect, it} from 'vitest'
import {CliError, ExitCode} from '../../../src/text/errors.js'
import {formatEventLine} from '../../../src/views/leases/events.js'
import {createPaint} from '../../../src/ui/color.js'
import {testStreams} from '../../helpers/context.js'
import {jsonText, jsonTextWithoutLinks, writeError, writeStderrLine} from '../../../src/ui/output.js'
import {safe, terminalSafe, terminalSafeBlock, terminalSafeFields, terminalSafeLine, terminalSafeLines} from '../../../src/ui/safe.js'
import {renderTable} from '../../../src/ui/table.js'
import {renderBulk} from '../../../src/views/bulk.js'
import {runBulk, toBulkResult} from '../../../src/domain/bulk.js'

const ESC = '\u001B'
const HOSTILE = `ansi${ESC}[2J${ESC}]0;pwned\u0007`
// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/


describe('terminalSafe', () => {
  it('shows ESC, BEL and newlines escaped', () => {
    expect(terminalSafe(HOSTILE)).toBe('ansi\\e[2J\\e]0;pwned\\x07')
    expect(terminalSafe('evil\nError: forged line')).toBe('evil\\nError: forged line')
    expect(terminalSafe('a\r\tb\u0000')).toBe('a\\r\\tb\\x00')
  })

  it('escapes DEL, C1 controls, line separators and bidi overrides', () => {
    expect(terminalSafe('x\u007F\u009B2J\u2028\u202Eevil')).toBe('x\\u007f\\u009b2J\\u2028\\u202eevil')
  })

  it('leaves ordinary names alone, including backslashes and non-Latin text', () => {
    for (const name of ['Default Worker Pool', 'DOMAIN\\user', 'pool-日本-ü', 'emoji 🚀']) expect(terminalSafe(name)).toBe(name)
  })

  it('the safe`` tag escapes the interpolated values and keeps our literal text', () => {
    const name = 'evil\nError: forged'
    expect(safe`Pool '${name}' (${3}) updated.\nNext line is ours.`).toBe("Pool 'evil\\nError: forged' (3) updated.\nNext line is ours.")
  })

  it('makes every string field of a record safe and keeps the rest', () => {
    expect(terminalSafeFields({Name: `a${ESC}b`, Count: 3, Exclusive: true})).toEqual({Name: 'a\\eb', Count: 3, Exclusive: true})
  })
})

describe('terminalSafeBlock (the last guard at the output writers)', () => {
  it('keeps our newlines and our colours, escapes everything else', () => {
    const paint = createPaint(true)
    const ours = `${paint.red('Error:')} one\nline two`
    expect(terminalSafeBlock(ours, {colour: true})).toBe(`${ESC}[31mError:${ESC}[39m one\nline two`)
    expect(terminalSafeBlock(`x${ESC}[2Jy${ESC}]0;t\u0007`)).toBe('x\\e[2Jy\\e]0;t\\x07')
  })

  it('with colour on, a colour code inside a server string is escaped: only our own marked codes pass', () => {
    const paint = createPaint(true)
    const hostileName = `ok${ESC}[31m${ESC}[2mhidden${ESC}[39m`
    const line = `${paint.yellow('Warning:')} worker '${hostileName}' is disabled.`
    const expected = `${ESC}[33mWarning:${ESC}[39m worker 'ok\\e[31m\\e[2mhidden\\e[39m' is disabled.`
    expect(terminalSafeLine(line, {colour: true})).toBe(expected)
    expect(terminalSafeBlock(line, {colour: true})).toBe(expected)
  })

  it('with colour off, no ESC is ours: even a colour sequence is escaped', () => {
    expect(terminalSafeBlock(`${ESC}[31mred${ESC}[39m`, {colour: false})).toBe('\\e[31mred\\e[39m')
  })

  it('leaves a JSON line valid and its value exact', () => {
    const line = JSON.stringify({Name: `c1\u009B2J bidi\u202E`})
    expect(JSON.parse(terminalSafeBlock(line))).toEqual({Name: `c1\u009B2J bidi\u202E`})
  })
})

describe('the shared renderers', () => {
  it('table cells are escaped in both the plain and the TTY layout, headings are not touched', async () => {
    for (const isTTY of [false, true]) {
      const text = renderTable(['NAME', 'TYPE'], [[HOSTILE, 'Static'], ['evil\nError: forged line', 'Static']], {isTTY, width: 200})
      // The piped layout's own tabs separate its fields; no other control character is there.
      expect(text.replaceAll('\t', ' ')).not.toMatch(ANY_CONTROL)
      expect(text.trimEnd().split('\n').every((l) => l.split('\t').length === (isTTY ? 1 : 2))).toBe(true)
      expect(text).toContain('ansi\\e[2J\\e]0;pwned\\x07')
      expect(text.split('\n').filter((l) => l.includes('Error: forged'))).toHaveLength(1)
      expect(text.split('\n').some((l) => l.startsWith('Error:'))).toBe(false)
    }
  })

  it('piped tables separate the escaped cells with tabs, which the output guard keeps', async () => {
    const text = renderTable(['NAME', 'X'], [[`a${ESC}b`, '1'], ['abcdef', '2']], {isTTY: false})
    expect(terminalSafeBlock(text).split('\n').slice(1, 3)).toEqual(['a\\eb\t1', 'abcdef\t2'])
  })

  it('an error message or hint quoting a hostile name prints exactly one Error: line and no control character', () => {
    const io = testStreams()
    const error = new CliError(`Worker pool 'evi' not found. Did you mean: 'evil\nError: forged line'?`, ExitCode.NotFound, {hint: `Try 'evil\nError: forged hint' or '${HOSTILE}'.`})
    writeError(io, error, {json: false, clean: (t) => t})
    const out = io.stderr.text
    expect(out).not.toMatch(ANY_CONTROL)
    const lines = out.trimEnd().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines.filter((l) => l.startsWith('Error:'))).toHaveLength(1)
    expect(lines[1]).toMatch(/^Hint: /)
  })

  it('--json errors keep the exact strings', () => {
    const io = testStreams()
    writeError(io, new CliError(`bad '${HOSTILE}'`, ExitCode.Failure), {json: true, clean: (t) => t})
    expect(JSON.parse(io.stdout.text).Error.Message).toBe(`bad '${HOSTILE}'`)
  })

  it('jsonText escapes raw C1 and bidi characters and keeps the value', () => {
    const text = jsonText({Name: 'a\u009Bb\u202Ec\u007F'})
    expect(text).not.toMatch(/[\u007F-\u009F\u202E]/)
    expect(JSON.parse(text)).toEqual({Name: 'a\u009Bb\u202Ec\u007F'})
  })

  it('JSON output needs no terminal guard: every character the guard would change is escaped already', () => {
    // Why writeJsonStdout may skip terminalSafeBlock: the text it gets is unchanged by it.
    const everyControl = Array.from({length: 0xA0}, (_, c) => String.fromCharCode(c)).join('') + '\u2028\u2029\u202A\u202E\u2066\u2069'
    const doc = {Name: everyControl, Nested: [{Value: `${ESC}[31mred${ESC}[0m`, Links: {Self: '/x'}}]}
    for (const text of [jsonText(doc), jsonTextWithoutLinks(doc)]) {
      expect(terminalSafeBlock(text)).toBe(text)
      expect(JSON.parse(text).Name).toBe(everyControl)
    }
  })

  it('jsonTextWithoutLinks drops Links at every depth and keeps everything else', () => {
    const doc = {Id: 'Workers-1', Links: {Self: '/api/workers/1'}, Endpoint: {Uri: 'https://h/', Links: {}}, Items: [{Links: 1, Name: 'a'}], Linked: true}
    expect(JSON.parse(jsonTextWithoutLinks(doc))).toEqual({Id: 'Workers-1', Endpoint: {Uri: 'https://h/'}, Items: [{Name: 'a'}], Linked: true})
  })

  it('jsonTextWithoutLinks drops a Links that only the last item of a deep list holds, and leaves a document without one as jsonText writes it', () => {
    const deep = {Rows: [{Name: 'a', Cells: [[1], {x: 'Links'}]}, {Name: 'b', Cells: [[2], {Links: {Self: '/x'}, y: 2}]}]}
    expect(JSON.parse(jsonTextWithoutLinks(deep))).toEqual({Rows: [{Name: 'a', Cells: [[1], {x: 'Links'}]}, {Name: 'b', Cells: [[2], {y: 2}]}]})
    const none = {Rows: [{Name: 'Links', Value: '"Links": 1'}], When: new Date(0)}
    expect(jsonTextWithoutLinks(none)).toBe(jsonText(none))
  })

  it('every bulk command\'s rendering escapes the server names and errors: one line per item', async () => {
    const items = [{Id: 'Workers-1', Name: 'evil\nError: forged'}, {Id: 'Workers-2', Name: `two${ESC}[2J`}, {Id: 'Workers-3', Name: 'three'}]
    const report = await runBulk(items, async (item) => {
      if (item.Id === 'Workers-2') throw new Error(`boom\n::error::forged${ESC}[2J`)
      return {result: item.Id}
    })
    const rendered = renderBulk(toBulkResult(report, 'deleted'))
    expect(rendered.stdout.split('\n')).toEqual([
      'evil\\nError: forged: deleted',
      'two\\e[2J: FAILED: boom\\n::error::forged\\e[2J',
      'three: not attempted (an earlier item failed)',
    ])
    expect(rendered.stderr).toHaveLength(1)
  })

  it('a line of ours keeps our colours and escapes a newline, whoever put it there', () => {
    const paint = createPaint(true)
    const line = `${paint.yellow('Warning:')} worker 'nlw1\nError: forged' in pool 'p\r::error::x'`
    expect(terminalSafeLine(line, {colour: true})).toBe(`${ESC}[33mWarning:${ESC}[39m worker 'nlw1\\nError: forged' in pool 'p\\r::error::x'`)
    expect(terminalSafeLines(['a\nError: b', `c${ESC}[2J`])).toBe('a\\nError: b\nc\\e[2J')
  })

  it('writeStderrLine writes exactly one line, however many newlines the text held', () => {
    const io = testStreams()
    writeStderrLine(io, 'Drain 1 worker: \'nlw1\nError: forged worker\n::error::forged\'.')
    expect([io.stderr.text]).toEqual(["Drain 1 worker: 'nlw1\\nError: forged worker\\n::error::forged'.\n"])
  })

  it('a tail line made from a hostile event has no control character', () => {
    const event = {Event: 'Leased', Time: '2026-01-01T00:00:00.000Z', WorkerName: HOSTILE, WorkerPoolName: 'evil\nError: forged', TaskId: 'ServerTasks-1', TaskDescription: `d${ESC}[2J`, SpaceId: 'Spaces-1'}
    const line = formatEventLine(terminalSafeFields(event) as never)
    expect(line).not.toMatch(ANY_CONTROL)
    expect(line).not.toContain('\n')
  })
})
