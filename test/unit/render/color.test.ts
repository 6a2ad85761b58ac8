import {describe, expect, it} from 'vitest'
import {colorEnabled, createPaint} from '../../../src/ui/color.js'
import {terminalSafeBlock} from '../../../src/ui/safe.js'

const ESC = '\u001B'

describe('colorEnabled: our decision', () => {
  it.each([
    ['a TTY', {env: {}, isTTY: true}, true],
    ['a pipe', {env: {}, isTTY: false}, false],
    ['--no-color on a TTY', {noColorFlag: true, env: {}, isTTY: true}, false],
    ['--no-color beats FORCE_COLOR', {noColorFlag: true, env: {FORCE_COLOR: '1'}, isTTY: true}, false],
    ['NO_COLOR on a TTY', {env: {NO_COLOR: '1'}, isTTY: true}, false],
    ['NO_COLOR beats FORCE_COLOR', {env: {NO_COLOR: '1', FORCE_COLOR: '1'}, isTTY: true}, false],
    ['an empty NO_COLOR is unset', {env: {NO_COLOR: ''}, isTTY: true}, true],
    ['FORCE_COLOR on a pipe', {env: {FORCE_COLOR: '1'}, isTTY: false}, true],
    ['FORCE_COLOR=0 on a TTY', {env: {FORCE_COLOR: '0'}, isTTY: true}, false],
    ['FORCE_COLOR=false on a TTY', {env: {FORCE_COLOR: 'false'}, isTTY: true}, false],
    ['TERM=dumb on a TTY', {env: {TERM: 'dumb'}, isTTY: true}, false],
  ])('%s', (_, opts, expected) => {
    expect(colorEnabled(opts)).toBe(expected)
  })
})

describe('createPaint', () => {
  it('writes plain text while colour is off, whatever the environment says', () => {
    const paint = createPaint(false)
    expect(paint.on).toBe(false)
    expect(paint.red('x')).toBe('x')
    expect(paint.bold('x')).toBe('x')
  })

  it('writes the basic SGR codes while colour is on, as the terminal gets them through the output guard', () => {
    const paint = createPaint(true)
    const shown = (text: string) => terminalSafeBlock(text, {colour: true})
    expect(paint.on).toBe(true)
    expect(shown(paint.red('x'))).toBe(`${ESC}[31mx${ESC}[39m`)
    expect(shown(paint.gray('x'))).toBe(`${ESC}[90mx${ESC}[39m`)
    expect(shown(paint.bold('x'))).toBe(`${ESC}[1mx${ESC}[22m`)
    expect(shown(paint.dim('x'))).toBe(`${ESC}[2mx${ESC}[22m`)
  })

  it('restarts an outer style after a nested one that shares its end code', () => {
    const paint = createPaint(true)
    expect(terminalSafeBlock(paint.dim(`a ${paint.bold('b')} c`), {colour: true})).toBe(`${ESC}[2ma ${ESC}[1mb${ESC}[22m${ESC}[2m c${ESC}[22m`)
  })

  it('every style, nested too, passes the output guard unchanged while colour is on', () => {
    const {on, ...paint} = createPaint(true)
    expect(on).toBe(true)
    for (const [name, style] of Object.entries(paint)) {
      const text = style(`${name} ${paint.bold('and')} ${paint.dim('more')}`)
      expect(terminalSafeBlock(text, {colour: true}), name).not.toContain('\\e')
    }
  })
})
