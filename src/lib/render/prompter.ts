/**
 * The questions a command asks while it runs, as an interface the use cases take: commands pass
 * the terminal's prompts, unit tests pass scripted answers.
 */
import {promptCheckbox, promptInput, promptSelect} from './prompt.js'

export interface Prompter {
  input(message: string, opts: {validate: (value: string) => true | string}): Promise<string>
  checkbox(message: string, choices: Array<{name: string; value: string}>): Promise<string[]>
  select(message: string, choices: Array<{name: string; value: string}>): Promise<string>
}

export const inquirerPrompter: Prompter = {
  input: (message, opts) => promptInput(message, opts),
  checkbox: (message, choices) => promptCheckbox(message, choices, {required: true}),
  select: (message, choices) => promptSelect(message, choices),
}
