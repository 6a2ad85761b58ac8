/**
 * Flags that cannot go together are declared so (oclif's exclusive, dependsOn, relationships), and
 * every conflict is the same: exit 2, one line in one wording, and not one request made.
 */
import {describe, expect, it} from 'vitest'
import type {Sandbox} from '../../helpers/sandbox.js'
import type {FaultServer} from '../../fault-server/index.js'
import {octoVia, withFaultedSandbox} from '../faults/helpers.js'

let sandbox: Sandbox
let faults: FaultServer
withFaultedSandbox((s, f) => {
  sandbox = s
  faults = f
})

const SPACE_AND_ALL = '--space and --all-spaces cannot be used together.'
const JSON_AND_FORMAT = '--json and --format cannot be used together.'

const CONFLICTS: Array<[string[], string]> = [
  [['check', '--space', 'Default', '--all-spaces'], SPACE_AND_ALL],
  [['worker', 'list', '--all-spaces', '-s', 'Default'], SPACE_AND_ALL],
  [['pool', 'list', '--all-spaces', '--space=Platform Team'], SPACE_AND_ALL],
  [['pool', 'usage', '--all-spaces', '--space', 'Default'], SPACE_AND_ALL],
  [['leases', 'list', '--all-spaces', '--space', 'Default'], SPACE_AND_ALL],
  [['leases', 'report', '--all-spaces', '--space', 'Default'], SPACE_AND_ALL],
  [['leases', 'tail', '--all-spaces', '--space', 'Default'], SPACE_AND_ALL],
  [['check', '--format', 'junit', '--json'], JSON_AND_FORMAT],
  [['pool', 'usage', '--format', 'csv', '--json'], JSON_AND_FORMAT],
  [['leases', 'report', '--json', '--format', 'table'], JSON_AND_FORMAT],
  [['worker', 'list', '--enabled', '--disabled'], '--disabled and --enabled cannot be used together.'],
  [['leases', 'tail', '--since-now', '--include-active'], '--since-now and --include-active cannot be used together.'],
  [['worker', 'upgrade', 'w', '--batch', '2', '-y'], '--batch only goes with --rolling.'],
  [['worker', 'upgrade', 'w', '--keep-healthy', '1', '-y'], '--keep-healthy only goes with --rolling.'],
  [['worker', 'delete', 'w', '--wait-timeout', '1m', '-y'], '--wait-timeout only goes with --drain.'],
  [['check', '--force'], '--force only goes with --init.'],
]

describe('flag conflicts', () => {
  it.each(CONFLICTS)('%j: exit 2, one line, no request', async (args, message) => {
    const result = await octoVia(faults, sandbox, args)
    expect(result.exitCode, result.stderr).toBe(2)
    const command = args.filter((a) => /^[a-z]+$/.test(a)).slice(0, args[0] === 'check' ? 1 : 2).join(' ')
    const hint = `See \`octoworkers ${command} --help\`.`
    if (args.includes('--json')) {
      // --json is one of the two flags: the error is a JSON document on stdout, as every error under --json.
      expect(JSON.parse(result.stdout)).toEqual({Error: {Message: message, Code: 'usage', ExitCode: 2, Hint: hint}})
      expect(result.stderr).toBe('')
    } else {
      expect(result.stderr.split('\n').filter(Boolean)).toEqual([`Error: ${message}`, `Hint: ${hint}`])
      expect(result.stdout).toBe('')
    }
    expect(faults.requests).toEqual([])
  })

  it.each(CONFLICTS.filter(([args]) => !args.includes('--json')))('%j --json: the same exit 2 as one JSON error document', async (args, message) => {
    const result = await octoVia(faults, sandbox, [...args, '--json'])
    expect(result.exitCode, result.stdout).toBe(2)
    expect(JSON.parse(result.stdout).Error).toMatchObject({Message: message, Code: 'usage', ExitCode: 2})
    expect(faults.requests).toEqual([])
  })

  it('two conflicts at once are both named, still in one line', async () => {
    const result = await octoVia(faults, sandbox, ['worker', 'list', '--enabled', '--disabled', '--all-spaces', '--space', 'Default'])
    expect(result.exitCode).toBe(2)
    expect(result.stderr.split('\n').filter(Boolean)[0]).toBe(`Error: --disabled and --enabled cannot be used together. ${SPACE_AND_ALL}`)
    expect(faults.requests).toEqual([])
  })

  it('what is not a conflict still runs: --format json with --json, --format at its default with --json, OCTOPUS_SPACE with --all-spaces', async () => {
    for (const args of [['check', '--format', 'json', '--json'], ['leases', 'report', '--format', 'json', '--json'], ['pool', 'usage', '--json']]) {
      const result = await octoVia(faults, sandbox, args)
      expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).not.toBe(2)
      expect(() => JSON.parse(result.stdout)).not.toThrow()
    }
    const envSpace = await octoVia(faults, sandbox, ['pool', 'list', '--all-spaces', '--json'], {OCTOPUS_SPACE: 'Default'})
    expect(envSpace.exitCode, envSpace.stderr).toBe(0)
    expect(new Set(JSON.parse(envSpace.stdout).map((p: {SpaceId: string}) => p.SpaceId)).size).toBeGreaterThan(1)
  })
})
