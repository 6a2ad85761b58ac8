import {format} from 'node:util'
import type {Command} from '@oclif/core/command'
import {CommandHelp, Help} from '@oclif/core/help'
import {currentContext} from './context.js'
import {EXIT_CODES_TABLE} from '../text/errors.js'
import {reflowParagraphs, wrapHelpText} from '../views/help-text.js'

/**
 * A command's DESCRIPTION, reflowed and then wrapped once, at the terminal's width: source lines
 * broken mid-sentence are joined first (else oclif's wrap leaves a one-word stub after each), and
 * indented lines keep their indentation (oclif's wrap drops it, flattening the tables in
 * descriptions).
 */
class OctoworkersCommandHelp extends CommandHelp {
  protected override description(): string | undefined {
    const {summary, description} = this.command
    if (!description) return undefined
    const text = summary ? `${summary}\n\n${description}` : description
    return wrapHelpText(reflowParagraphs(this.render(text)), this.opts.maxWidth - this.indentSpacing)
  }
}

/**
 * oclif's help, with descriptions laid out as above, and the EXIT CODES section at the end of every
 * command's help and of the root help, printed from the one list in src/text/errors.ts (so no
 * description needs to carry it).
 */
export default class OctoworkersHelp extends Help {
  protected override CommandHelpClass = OctoworkersCommandHelp

  // oclif's formatters rewrite `id` (and aliases) to the topic separator in place, on the
  // Config's own command objects: a second lookup in the same process (a test running commands in
  // process, a plugin calling help twice) then finds no `worker:register:ssh`. They get copies.
  protected override formatCommand(command: Command.Loadable): string {
    const page = super.formatCommand({...command})
    return `${page}\n\n${this.exitCodesSection()}`
  }

  protected override formatCommands(commands: Command.Loadable[]): string {
    return super.formatCommands(commands.map((command) => ({...command})))
  }

  protected override async showRootHelp(): Promise<void> {
    await super.showRootHelp()
    this.log(`${this.exitCodesSection()}\n`)
  }

  /** Help is this run's stdout, like any command's output (oclif's own goes to the process's console). */
  protected override log(...args: string[]): void {
    currentContext().io.stdout.write(`${format(...args)}\n`)
  }

  private exitCodesSection(): string {
    return this.section('EXIT CODES', EXIT_CODES_TABLE)
  }
}
