/**
 * Prompts only when a human is there: stdin and stdout are TTYs, and neither --no-prompt nor CI
 * is set (docs/ARCHITECTURE.md §2). @inquirer/prompts would hang on an open empty pipe. The
 * questions themselves are asked through the run's Prompter (src/ui/prompter.ts).
 */
export function canPrompt(opts: {noPrompt?: boolean; env: Readonly<Record<string, string | undefined>>; stdinTTY: boolean; stdoutTTY: boolean}): boolean {
  if (opts.noPrompt) return false
  if (isCI(opts.env)) return false
  return opts.stdinTTY && opts.stdoutTTY
}

export function isCI(env: Readonly<Record<string, string | undefined>>): boolean {
  const ci = env.CI
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false'
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
