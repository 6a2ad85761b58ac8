import type {Hook} from '@oclif/core'
import {redact, usageError} from '../../text/errors.js'
import {closeMatches} from '../../text/fuzzy.js'
import {writeError} from '../../ui/output.js'
import {currentContext} from '../context.js'

/**
 * An unknown command is bad usage (docs/ARCHITECTURE.md §2): exit 2, one clear line naming the closest
 * commands, a JSON error object under --json. Unlike @oclif/plugin-not-found it never offers to
 * run a guessed command, which for `delete` could be the wrong one.
 */
const hook: Hook.CommandNotFound = async function ({id, argv, config}) {
  const words = id.split(':')
  const spaced = (commandId: string) => commandId.replaceAll(':', ' ')
  // The longest leading run of words that is a command or a topic: `whoami extra` is an argument
  // whoami does not take, `pool lst` a mistyped pool command.
  const known = words.map((_, i) => words.slice(0, words.length - 1 - i).join(':')).find((prefix) => prefix && (config.findCommand(prefix) || config.findTopic(prefix)))
  const json = (argv ?? []).includes('--json')
  const helpFor = (commandId?: string) => `See \`${[config.bin, commandId ? spaced(commandId) : '', '--help'].filter(Boolean).join(' ')}\`.`
  let error
  if (known && config.findCommand(known)) {
    const extra = words.slice(known.split(':').length).join(' ')
    error = usageError(`Unexpected argument: ${extra}.`, {hint: helpFor(known)})
  } else {
    const visible = [...config.commands.filter((c) => !c.hidden).flatMap((c) => [c.id, ...c.aliases]), ...config.topics.filter((t) => !t.hidden).map((t) => t.name)]
    const candidates = visible.filter((c) => !known || c.startsWith(known + ':')).map(spaced)
    const suggestions = closeMatches(spaced(id), candidates, 3)
    error = usageError(`Unknown command: ${spaced(id)}.${suggestions.length > 0 ? ` Did you mean: ${suggestions.join(', ')}?` : ''}`, {
      code: 'unknown-command',
      hint: helpFor(known),
      details: {suggestions},
    })
  }
  writeError(currentContext().io, error, {json, clean: (text) => redact(text, [])})
  this.exit(error.exitCode)
}

export default hook
