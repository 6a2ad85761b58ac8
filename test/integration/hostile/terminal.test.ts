import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {octo} from '../../helpers/octo.js'
import {parseJson} from '../../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'

/**
 * Whoever can name a pool must not be able to write to an admin's terminal.
 * Names with control characters are created straight through the API, then shown by commands.
 */
const ESC = '\u001B'
const SCREEN_CLEARER = `ansi${ESC}[2J${ESC}]0;pwned\u0007`
const LINE_FORGER = 'evil\nError: forged line'
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/

let sb: Sandbox
beforeAll(async () => {
  sb = await startTestSandbox({seed: 'demo'})
  for (const Name of [SCREEN_CLEARER, LINE_FORGER]) {
    const created = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name, WorkerPoolType: 'StaticWorkerPool', Description: `desc of ${Name}`})
    expect(created.status).toBe(201)
  }
})
afterAll(async () => sb?.close())

describe('server strings never reach the terminal raw', () => {
  it.each([{}, {FORCE_COLOR: '1', NO_COLOR: undefined}])('pool list prints the names escaped, with no ESC or BEL (env %o)', async (env) => {
    const result = await octo(sb, ['pool', 'list'], env)
    expect(result.exitCode, result.stderr).toBe(0)
    // Piped, the table is tab-separated: its own tabs are the only control characters besides newlines.
    expect(result.stdout.replaceAll('\t', ' ')).not.toMatch(CONTROL_BUT_NEWLINE)
    for (const line of result.stdout.trimEnd().split('\n')) expect(line.split('\t'), line).toHaveLength(11)
    expect(result.stdout).toContain('ansi\\e[2J\\e]0;pwned\\x07')
    expect(result.stdout).toContain('evil\\nError: forged line')
    expect(result.stdout.split('\n').some((line) => line.startsWith('Error:'))).toBe(false)
  })

  it('pool list --json keeps the exact names', async () => {
    const result = await octo(sb, ['pool', 'list', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const names = parseJson<Array<{Name: string}>>(result).map((p) => p.Name)
    expect(names).toContain(SCREEN_CLEARER)
    expect(names).toContain(LINE_FORGER)
  })

  it('a not-found message suggesting a hostile name prints one Error: line and no control character', async () => {
    const result = await octo(sb, ['pool', 'view', 'evi'])
    expect(result.exitCode).toBe(4)
    expect(result.stderr).not.toMatch(CONTROL_BUT_NEWLINE)
    const errorLines = result.stderr.split('\n').filter((line) => line.startsWith('Error:'))
    expect(errorLines).toHaveLength(1)
    expect(errorLines[0]).toContain('evil\\nError: forged line')
  })

  it('pool view shows name and description escaped', async () => {
    const pools = (await api(sb, 'GET', '/api/Spaces-1/workerpools/all')).body as Array<{Id: string; Name: string}>
    const id = pools.find((p) => p.Name === SCREEN_CLEARER)!.Id
    const result = await octo(sb, ['pool', 'view', id])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).not.toMatch(CONTROL_BUT_NEWLINE)
    expect(result.stdout).toContain('Name:         ansi\\e[2J\\e]0;pwned\\x07')
    expect(result.stdout).toContain('Description:  desc of ansi\\e[2J')
  })

  it('pool update and set-default quote the name escaped, in a single line', async () => {
    const pools = (await api(sb, 'GET', '/api/Spaces-1/workerpools/all')).body as Array<{Id: string; Name: string}>
    const id = pools.find((p) => p.Name === LINE_FORGER)!.Id
    for (const args of [['pool', 'update', id, '--description', 'calm'], ['pool', 'set-default', id]]) {
      const result = await octo(sb, args)
      expect(result.exitCode, result.stderr).toBe(0)
      expect(result.stdout).not.toMatch(CONTROL_BUT_NEWLINE)
      expect(result.stdout).toContain("'evil\\nError: forged line'")
      expect(result.stdout.split('\n').some((line) => line.startsWith('Error:'))).toBe(false)
    }
  })
})
