import {describe, expect, it} from 'vitest'
import {describeParseFailure, suggestFlag} from '../../../src/cli/parse-errors.js'

const FLAGS = ['json', 'no-prompt', 'debug', 'no-color', 'server', 'space', 'profile', 'ca-cert', 'timeout', 'api-key-stdin', 'insecure-storage']

describe('describeParseFailure', () => {
  it('an unknown flag: one sentence, the close match as a question', () => {
    expect(describeParseFailure({message: 'Nonexistent flag: --servr\nSee more help with --help', unknownFlags: ['--servr']}, FLAGS)).toEqual({
      message: 'Unknown flag: --servr. Did you mean --server?',
      suggestions: ['--server'],
    })
  })

  it('several unknown flags: each one\'s match, joined with "or"', () => {
    const described = describeParseFailure({message: '', unknownFlags: ['--servr=https://x', '--profle']}, FLAGS)
    expect(described.message).toBe('Unknown flags: --servr, --profle. Did you mean --server or --profile?')
  })

  it('an unknown flag with nothing close: no guess', () => {
    expect(describeParseFailure({message: '', unknownFlags: ['--frobnicate']}, FLAGS)).toEqual({message: 'Unknown flag: --frobnicate.', suggestions: []})
  })

  it('a --no- flag is found by its name without the prefix', () => {
    expect(suggestFlag('--colr', FLAGS)).toEqual(['--no-color'])
  })

  it('a one-letter flag is not matched to every flag containing the letter', () => {
    expect(suggestFlag('-z', FLAGS)).toEqual([])
  })

  it('missing and unexpected arguments', () => {
    expect(describeParseFailure({message: 'Missing 1 required arg:\npool  Name or ID\nSee more help with --help', missingArgs: ['pool']}, FLAGS).message).toBe('Missing required argument: pool.')
    expect(describeParseFailure({message: '', missingArgs: ['a', 'b']}, FLAGS).message).toBe('Missing required arguments: a, b.')
    expect(describeParseFailure({message: '', unexpectedArgs: ['x', 'y']}, FLAGS).message).toBe('Unexpected arguments: x, y.')
  })

  it('an option outside the list: punctuated, with the closest option', () => {
    expect(describeParseFailure({message: 'Expected --type=statc to be one of: static, dynamic\nSee more help with --help'}, FLAGS)).toEqual({
      message: 'Expected --type=statc to be one of: static, dynamic. Did you mean --type static?',
      suggestions: ['--type static'],
    })
    expect(describeParseFailure({message: 'Expected --type=elastic to be one of: static, dynamic\nSee more help with --help'}, FLAGS).suggestions).toEqual([])
  })

  it('oclif\'s validation lists become sentences', () => {
    const message = 'The following errors occurred:\n  --enabled cannot also be provided when using --disabled\n  Missing required flag name\nSee more help with --help'
    expect(describeParseFailure({message}, FLAGS).message).toBe('--enabled and --disabled cannot be used together. Missing required flag --name.')
  })

  it('two exclusive flags are reported once, not once from each side', () => {
    const message = 'The following errors occurred:\n  --disabled=true cannot also be provided when using --enabled\n  --enabled=true cannot also be provided when using --disabled\nSee more help with --help'
    expect(describeParseFailure({message}, FLAGS).message).toBe('--disabled and --enabled cannot be used together.')
  })

  it('every exclusive pair has one wording, whatever value the other flag was given', () => {
    const message = 'The following error occurred:\n  --space=My Space cannot also be provided when using --all-spaces\nSee more help with --help'
    expect(describeParseFailure({message}, FLAGS).message).toBe('--space and --all-spaces cannot be used together.')
  })

  it('a flag that depends on another says which it goes with', () => {
    const one = 'The following error occurred:\n  All of the following must be provided when using --batch: --rolling\nSee more help with --help'
    expect(describeParseFailure({message: one}, FLAGS).message).toBe('--batch only goes with --rolling.')
    const two = 'The following error occurred:\n  All of the following must be provided when using --x: --a, --b, --c\nSee more help with --help'
    expect(describeParseFailure({message: two}, FLAGS).message).toBe('--x only goes with --a, --b and --c.')
  })

  it('a parser\'s own error keeps the flag it is about', () => {
    const message = 'Parsing --port \n\tExpected an integer but received: abc\nSee more help with --help'
    expect(describeParseFailure({message}, FLAGS).message).toBe('--port: Expected an integer but received: abc.')
  })

  it('a message that is already a sentence is not given a second full stop', () => {
    expect(describeParseFailure({message: 'Flag --server expects a value.'}, FLAGS).message).toBe('Flag --server expects a value.')
  })
})
