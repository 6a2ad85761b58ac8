import {Help, type Command} from '@oclif/core'
import {EXIT_CODES_TABLE} from './lib/errors.js'
import {reflowParagraphs} from './lib/render/help-text.js'

/**
 * oclif's help with two changes. Descriptions are reflowed before oclif wraps them to the
 * terminal, so a line broken in the source does not leave a one-word stub on screen. And every
 * command's help, and the root help, end with the EXIT CODES section, printed from the one list in
 * src/lib/errors.ts, unless the description already carries it (descriptions that still paste it).
 */
export default class OctoworkersHelp extends Help {
  protected override formatCommand(command: Command.Loadable): string {
    const description = command.description ?? ''
    const page = super.formatCommand({...command, description: reflowParagraphs(description)})
    return hasExitCodes(description) ? page : `${page}\n\n${this.exitCodesSection()}`
  }

  protected override async showRootHelp(): Promise<void> {
    await super.showRootHelp()
    const {pjson} = this.config
    if (!hasExitCodes(pjson.oclif.description ?? pjson.description ?? '')) this.log(`${this.exitCodesSection()}\n`)
  }

  private exitCodesSection(): string {
    return this.section('EXIT CODES', EXIT_CODES_TABLE)
  }
}

function hasExitCodes(description: string): boolean {
  return description.includes('EXIT CODES')
}
