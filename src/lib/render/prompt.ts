import {terminalSafeLine} from './safe.js'

/**
 * Prompts only when a human is there: stdin and stdout are TTYs, and neither --no-prompt nor CI
 * is set (docs/ARCHITECTURE.md §2). @inquirer/prompts would hang on an open empty pipe.
 */
export function canPrompt(opts: {noPrompt?: boolean; env: NodeJS.ProcessEnv; stdinTTY: boolean; stdoutTTY: boolean}): boolean {
  if (opts.noPrompt) return false
  if (isCI(opts.env)) return false
  return opts.stdinTTY && opts.stdoutTTY
}

export function isCI(env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false'
}

/**
 * A prompt's question and choices are lines this tool composed, often quoting a server's name: a
 * control character or newline in them is shown escaped, as in every other line it writes.
 */
const line = terminalSafeLine

/** Prompt context: prompts render on stderr so stdout stays clean for data. */
export async function promptContext() {
  return {output: process.stderr}
}

/** Turns a check that throws (e.g. a CliError) into an inquirer validator that shows the message and asks again. */
export function validatorFrom(check: (value: string) => unknown): (value: string) => true | string {
  return (value) => {
    try {
      check(value)
      return true
    } catch (error) {
      return (error as Error).message
    }
  }
}

export async function promptInput(message: string, opts: {default?: string; validate?: (v: string) => true | string} = {}): Promise<string> {
  const {input} = await import('./prompt-kit.js')
  return input({message: line(message), default: opts.default, validate: opts.validate}, await promptContext())
}

export async function promptSecret(message: string, opts: {validate?: (v: string) => true | string} = {}): Promise<string> {
  const {password} = await import('./prompt-kit.js')
  return password({message: line(message), mask: '*', validate: opts.validate}, await promptContext())
}

export async function promptSelect<T extends string>(message: string, choices: Array<{name: string; value: T; description?: string}>): Promise<T> {
  const {select} = await import('./prompt-kit.js')
  return select<T>({message: line(message), choices: choices.map((c) => ({...c, name: line(c.name)}))}, await promptContext())
}

export async function promptCheckbox<T extends string>(message: string, choices: Array<{name: string; value: T; checked?: boolean}>, opts: {required?: boolean} = {}): Promise<T[]> {
  const {checkbox} = await import('./prompt-kit.js')
  return checkbox<T>({message: line(message), choices: choices.map((c) => ({...c, name: line(c.name)})), required: opts.required}, await promptContext())
}
