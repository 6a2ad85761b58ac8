/**
 * Questions asked on a terminal (inquirer), drawn on stderr so that stdout stays data. Commands
 * and library code take a Prompter, never inquirer itself, so what asks and where it draws is
 * decided once per run (the I/O context) and a test can answer without a terminal.
 */
import {terminalSafeLine} from './safe.js'
import type {PromptStreams} from './io.js'

export interface Choice<T extends string> {
  name: string
  value: T
  description?: string
  checked?: boolean
}

export interface Prompter {
  input(message: string, opts?: {default?: string; validate?: (value: string) => true | string}): Promise<string>
  secret(message: string, opts?: {validate?: (value: string) => true | string}): Promise<string>
  select<T extends string>(message: string, choices: Array<Choice<T>>): Promise<T>
  checkbox<T extends string>(message: string, choices: Array<Choice<T>>, opts?: {required?: boolean}): Promise<T[]>
}

/** The questions a use case asks while it runs (pool create, worker register): what a unit test scripts. */
export type Questions = Pick<Prompter, 'input' | 'select' | 'checkbox'>

/**
 * A prompt's question and choices are lines this tool composed, often quoting a server's name: a
 * control character or newline in them is shown escaped, as in every other line it writes.
 */
const line = (text: string) => terminalSafeLine(text, {colour: false})

/** inquirer on the given streams (stdin and stderr in a real run); loaded on the first question. */
export function inquirerPrompter(streams: PromptStreams): Prompter {
  const kit = () => import('./prompt-kit.js')
  return {
    input: async (message, opts = {}) => (await kit()).input({message: line(message), default: opts.default, validate: opts.validate}, streams),
    secret: async (message, opts = {}) => (await kit()).password({message: line(message), mask: '*', validate: opts.validate}, streams),
    select: async (message, choices) => (await kit()).select({message: line(message), choices: choices.map((c) => ({...c, name: line(c.name)}))}, streams),
    checkbox: async (message, choices, opts = {}) => (await kit()).checkbox({message: line(message), choices: choices.map((c) => ({...c, name: line(c.name)})), required: opts.required}, streams),
  }
}

/** Where nothing can prompt (no terminal): a question is a bug in the caller, which checks canPrompt first. */
export const noPrompter: Prompter = {
  input: refuse,
  secret: refuse,
  select: refuse,
  checkbox: refuse,
}

async function refuse(message: string): Promise<never> {
  throw new Error(`cannot prompt without a terminal: ${message}`)
}
