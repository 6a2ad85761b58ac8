import {describe, expect, it} from 'vitest'
import {countFlag, durationFlag, FlagValueError, flagSpellingsUsed} from '../../../src/cli/flags.js'
import {CliError} from '../../../src/text/errors.js'

/** Runs a flag's own parser as oclif does: the input, a context, the definition with its name. */
async function parsed(flag: {parse: (...args: never[]) => unknown}, name: string, input: string): Promise<unknown> {
  return (flag.parse as (input: string, context: unknown, opts: {name: string}) => Promise<unknown>)(input, {}, {name})
}

async function usageMessage(flag: {parse: (...args: never[]) => unknown}, name: string, input: string): Promise<string> {
  try {
    await parsed(flag, name, input)
  } catch (error) {
    // oclif rewrites the message of what a parser throws; our usage error rides as the carrier's cause.
    expect(error).toBeInstanceOf(FlagValueError)
    const reason = (error as FlagValueError).reason
    expect(reason).toBeInstanceOf(CliError)
    expect((error as FlagValueError).cause).toBe(reason)
    expect(reason.exitCode).toBe(2)
    expect(reason.message).not.toContain('\n')
    return reason.message
  }
  throw new Error(`expected --${name} ${input} to be refused`)
}

describe('durationFlag', () => {
  const wait = durationFlag({description: 'How long to wait.', default: '30m'})

  it('takes the one grammar and gives milliseconds; a bare number is seconds', async () => {
    expect(await parsed(wait, 'wait-timeout', '1h30m')).toBe(5_400_000)
    expect(await parsed(wait, 'wait-timeout', '7d')).toBe(7 * 86_400_000)
    expect(await parsed(wait, 'wait-timeout', '120')).toBe(120_000)
  })

  it('its default is written in the grammar and shown as written', async () => {
    expect(wait.default).toBe(1_800_000)
    expect(await (wait.defaultHelp as () => Promise<string>)()).toBe('30m')
  })

  it('names the flag and what is wrong, in one line', async () => {
    expect(await usageMessage(wait, 'wait-timeout', 'soon')).toBe("--wait-timeout 'soon' is not a duration; give one such as 90s, 30m, 1h30m, 7d or 2w (a bare number is seconds).")
    expect(await usageMessage(wait, 'wait-timeout', '30m1h')).toBe("--wait-timeout '30m1h' gives its units out of order or twice; write the largest first, each once (e.g. 1h30m, 1d12h).")
  })

  it('is above 0 and within a Node timer by default: a longer delay would fire at once', async () => {
    expect(await usageMessage(wait, 'wait-timeout', '0')).toBe("--wait-timeout must be above 0 and at most 2147483s (about 24 days), not '0'.")
    expect(await usageMessage(wait, 'wait-timeout', '0s')).toBe("--wait-timeout must be above 0 and at most 2147483s (about 24 days), not '0s'.")
    expect(await usageMessage(wait, 'wait-timeout', '4w')).toBe("--wait-timeout must be above 0 and at most 2147483s (about 24 days), not '4w'.")
    expect(await parsed(wait, 'wait-timeout', '2147483')).toBe(2_147_483_000)
    expect(await usageMessage(wait, 'wait-timeout', '2147484')).toMatch(/^--wait-timeout must be above 0 and at most/)
  })

  it('a declared range is inclusive and quoted as declared', async () => {
    const interval = durationFlag({description: 'Between polls.', min: '100ms', max: '1h'})
    expect(await parsed(interval, 'interval', '0.1')).toBe(100)
    expect(await parsed(interval, 'interval', '1h')).toBe(3_600_000)
    expect(await usageMessage(interval, 'interval', '99ms')).toBe("--interval must be from 100ms to 1h, not '99ms'.")
    expect(await usageMessage(interval, 'interval', '1h1s')).toBe("--interval must be from 100ms to 1h, not '1h1s'.")
  })

  it('a flag that refuses bare numbers says so', async () => {
    const ago = durationFlag({description: 'How far back.', bareSeconds: false})
    expect(await usageMessage(ago, 'since', '7')).toBe("--since '7' has no unit; give a duration such as 90s, 30m, 1h30m, 7d or 2w.")
  })

  it('passes aliases and relations through to oclif, and hides nothing it was not told to', () => {
    const flag = durationFlag({description: 'd', aliases: ['drain-timeout'], dependsOn: ['drain']})
    expect(flag.aliases).toEqual(['drain-timeout'])
    expect(flag.dependsOn).toEqual(['drain'])
    expect(flag.hidden).toBeUndefined()
  })
})

describe('countFlag', () => {
  const keep = countFlag({description: 'Floor.', min: 0, of: 'workers'})
  const tasks = countFlag({description: 'Tasks.', min: 1, max: 100})

  it('takes plain whole numbers within the range', async () => {
    expect(await parsed(keep, 'keep-healthy', '0')).toBe(0)
    expect(await parsed(keep, 'keep-healthy', ' 3 ')).toBe(3)
    expect(await parsed(tasks, 'tasks', '100')).toBe(100)
  })

  it.each(['-1', '1.5', 'two', '', '1e3', '0x10', '+2', 'Infinity'])('refuses %j in one line', async (input) => {
    expect(await usageMessage(keep, 'keep-healthy', input)).toBe(`--keep-healthy must be a whole number of workers (0 or more), not '${input}'.`)
  })

  it('quotes a declared maximum; a number beyond exact integers is too large', async () => {
    expect(await usageMessage(tasks, 'tasks', '0')).toBe("--tasks must be a whole number from 1 to 100, not '0'.")
    expect(await usageMessage(tasks, 'tasks', '101')).toBe("--tasks must be a whole number from 1 to 100, not '101'.")
    expect(await usageMessage(keep, 'keep-healthy', '99999999999999999999')).toBe("--keep-healthy is too large: at most 9007199254740991, not '99999999999999999999'.")
  })
})

describe('flagSpellingsUsed', () => {
  const flags = {'wait-timeout': {aliases: ['drain-timeout']}, timeout: {}}

  it('finds each flag by its name or an alias, with or without =value', () => {
    expect(flagSpellingsUsed(['x', '--drain-timeout', '5m'], flags)).toEqual([{name: 'wait-timeout', used: 'drain-timeout'}])
    expect(flagSpellingsUsed(['--drain-timeout=5m', '--timeout=9'], flags)).toEqual([{name: 'wait-timeout', used: 'drain-timeout'}, {name: 'timeout', used: 'timeout'}])
    expect(flagSpellingsUsed(['--wait-timeout', '5m'], flags)).toEqual([{name: 'wait-timeout', used: 'wait-timeout'}])
  })

  it('ignores words after --, and flags that only start the same', () => {
    expect(flagSpellingsUsed(['--', '--timeout', '5'], flags)).toEqual([])
    expect(flagSpellingsUsed(['--timeouts'], flags)).toEqual([])
  })
})
