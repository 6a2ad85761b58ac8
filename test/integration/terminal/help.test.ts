import stringWidth from 'string-width'
import type {Command, Config} from '@oclif/core'
import {beforeAll, describe, expect, it} from 'vitest'
import OctoworkersHelp from '../../../src/cli/help.js'
import {EXIT_CODES_TABLE} from '../../../src/text/errors.js'
import {loadOclifConfig} from '../../helpers/cli.js'
import {runInPty} from '../../helpers/pty.js'

/** The help pages as text, at a fixed width, through the Help class the CLI uses. */
class HelpPages extends OctoworkersHelp {
  readonly printed: string[] = []

  protected override log(...args: string[]): void {
    this.printed.push(args.join(' '))
  }

  page(command: Command.Loadable): string {
    return this.formatCommand(command)
  }

  async root(): Promise<string> {
    this.printed.length = 0
    await this.showRootHelp()
    return this.printed.join('\n')
  }
}

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1
}

/** The lines of a page's DESCRIPTION section: up to the next heading (EXIT CODES, EXAMPLES...). */
function descriptionLines(page: string): string[] {
  const lines = page.split('\n')
  const start = lines.indexOf('DESCRIPTION')
  if (start < 0) return []
  const end = lines.findIndex((l, i) => i > start && /^[A-Z]/.test(l))
  return lines.slice(start + 1, end < 0 ? undefined : end)
}

/**
 * A line that stops mid-sentence must be full: the next line's first word would not have fitted
 * on it. A stub such as "by" before "default, until…" (a source line break wrapped again at the
 * terminal's width) fails this.
 */
function expectNoMidSentenceBreaks(lines: string[], columns: number, where: string): void {
  for (let i = 0; i + 1 < lines.length; i++) {
    const [line, next] = [lines[i], lines[i + 1]]
    if (line.trim() === '' || next.trim() === '') continue
    if (/[.!?:]["')`\]]*$/.test(line.trimEnd())) continue
    if (/^\s*(?:[-*•]|\d+[.)])\s/.test(next)) continue
    // A new row of an indented block (EXIT CODES, definition lists) starts a line of its own.
    const indent = (text: string) => /^\s*/.exec(text)![0].length
    const newRow = indent(next) < indent(line) || (indent(next) === indent(line) && indent(line) > 2 && /^\s+\S+\s{2,}/.test(next))
    if (newRow) continue
    const nextWord = next.trim().split(/\s+/)[0]
    expect(stringWidth(line.trimEnd()) + 1 + stringWidth(nextWord), `${where}: line ${JSON.stringify(line)} breaks before ${JSON.stringify(nextWord)}`).toBeGreaterThan(columns - 2)
  }
}

describe('help pages', () => {
  let config: Config
  let commands: Command.Loadable[]

  beforeAll(async () => {
    config = await loadOclifConfig()
    commands = config.commands.filter((c) => !c.hidden && c.pluginType === 'core')
    expect(commands.length).toBeGreaterThan(20)
  })

  for (const columns of [80, 100]) {
    it(`no description breaks mid-sentence at ${columns} columns`, () => {
      const help = new HelpPages(config, {maxWidth: columns, stripAnsi: true})
      for (const command of commands) {
        const lines = descriptionLines(help.page({...command}))
        expect(lines.length, command.id).toBeGreaterThan(0)
        expectNoMidSentenceBreaks(lines, columns, command.id)
      }
    })
  }

  it('every command page ends with the EXIT CODES once, and no description carries them itself', () => {
    const help = new HelpPages(config, {maxWidth: 100, stripAnsi: true})
    for (const command of commands) {
      expect(command.description ?? '', command.id).not.toContain('EXIT CODES')
      const page = help.page({...command})
      expect(occurrences(page, 'EXIT CODES'), command.id).toBe(1)
      for (const row of EXIT_CODES_TABLE.split('\n')) expect(page, command.id).toContain(row)
      expect(page.trimEnd().endsWith(EXIT_CODES_TABLE.split('\n').at(-1)!), command.id).toBe(true)
    }
  })

  it('the root help shows the EXIT CODES once', async () => {
    const page = await new HelpPages(config, {maxWidth: 100, stripAnsi: true}).root()
    expect(occurrences(page, 'EXIT CODES')).toBe(1)
    for (const row of EXIT_CODES_TABLE.split('\n')) expect(page).toContain(row)
  })

  for (const [args, columns] of [[['leases', 'tail', '--help'], 80], [['sandbox', 'start', '--help'], 80], [['sandbox', 'start', '--help'], 100]] as const) {
    it(`${args.join(' ')} in a ${columns}-column terminal wraps at the terminal only`, async () => {
      const {screen, exitCode} = await runInPty([...args], {}, [], 60_000, {columns})
      expect(exitCode, screen).toBe(0)
      const lines = descriptionLines(screen)
      expect(lines.length, screen).toBeGreaterThan(3)
      // (EXAMPLES are commands to copy: oclif never wraps them, nor does this Help.)
      for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(columns)
      expectNoMidSentenceBreaks(lines, columns, args.join(' '))
      expect(occurrences(screen, 'EXIT CODES')).toBe(1)
    })
  }
})
