import type {Hook} from '@oclif/core'
import {redact, usageError} from '../../text/errors.js'
import {closeMatches, editDistance} from '../../text/fuzzy.js'
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
    // oclif joins the words before the first flag into the id, arguments too (`worker vew my-box`):
    // the leading run of words closest to a command is the command that was meant (the longer on a tie).
    const knownLength = known ? known.split(':').length : 0
    let typed = spaced(id)
    let suggestions: string[] = []
    let bestDistance = Infinity
    for (let length = words.length; length > knownLength; length--) {
      const prefix = words.slice(0, length).join(' ')
      const matches = closeMatches(prefix, candidates, 3)
      const nearest = [...matches].sort((a, b) => editDistance(prefix, a) - editDistance(prefix, b))[0]
      const distance = nearest === undefined ? Infinity : editDistance(prefix, nearest)
      if (distance < bestDistance) {
        bestDistance = distance
        typed = prefix
        // Past the first unknown word, the nearest command leads (`pools list` is `pool list`, not the topic `pool`).
        suggestions = length > knownLength + 1 ? [nearest, ...matches.filter((m) => m !== nearest)] : matches
      }
    }
    error = usageError(`Unknown command: ${typed}.${suggestions.length > 0 ? ` Did you mean: ${suggestions.join(', ')}?` : ''}`, {
      code: 'unknown-command',
      hint: helpFor(known),
      details: {suggestions},
    })
  }
  writeError(currentContext().io, error, {json, clean: (text) => redact(text, [])})
  this.exit(error.exitCode)
}

export default hook
