import {describe, expect, it} from 'vitest'
import type {Sandbox} from '../../helpers/sandbox.js'
import type {FaultServer} from '../../fault-server/index.js'
import {octoVia, withFaultedSandbox} from './helpers.js'

// Every number and duration flag is range-checked: exit 2 naming the range,
// with and without --json, before any request (the fault server, passing everything through,
// counts the requests that reached it).

let sandbox: Sandbox
let faults: FaultServer
withFaultedSandbox((s, f) => {
  sandbox = s
  faults = f
})

const CASES: Array<[string[], RegExp]> = [
  [['pool', 'list', '--timeout', '3000000'], /--timeout must be a positive number of seconds, at most 2,147,483, not '3000000'\./],
  [['pool', 'list', '--timeout', '0'], /--timeout must be a positive number of seconds, at most 2,147,483/],
  [['pool', 'list', '--timeout', '-5'], /--timeout must be a positive number of seconds/],
  [['pool', 'list', '--timeout', 'soon'], /--timeout must be a positive number of seconds/],
  [['pool', 'list', '--space', ''], /--space must name a space \(a name or ID\), not an empty string\./],
  [['leases', 'tail', '--interval', '0.000001'], /--interval must be from 0\.1 to 3,600 seconds, not '0\.000001'\./],
  [['leases', 'tail', '--interval', '86400'], /--interval must be from 0\.1 to 3,600 seconds/],
  [['leases', 'tail', '--duration', '3000000'], /--duration must be from above 0 to 2,147,483 seconds/],
  [['leases', 'tail', '--max-events', '1e300'], /--max-events must be a whole number from 1 to 9007199254740991/],
  [['leases', 'report', '--since', '999999999999d'], /--since '999999999999d' is too far back: a duration may be at most 36500d \(100 years\)/],
  [['leases', 'report', '--since', '30d', '--until', '99999999999999w'], /--until '99999999999999w' is too far back/],
  [['worker', 'health', '--wait', '--wait-timeout', '3000000'], /--wait-timeout must be at most 2,147,483 seconds, not '3000000'/],
  [['sandbox', 'simulate', '--duration-ms', '1-99999999999'], /--duration-ms must be from 0 to 3600000 ms/],
]

describe('number and duration flags out of range', () => {
  it.each(CASES)('%j is exit 2 naming the range, before any request', async (args, message) => {
    const result = await octoVia(faults, sandbox, args)
    expect(result.exitCode, result.stderr).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).not.toMatch(/Parsing --|See more help|Unexpected error|TimeoutOverflowWarning|Invalid time value/)
    expect(faults.requests).toEqual([])
  })

  it.each([CASES[0], CASES[4], CASES[9]])('%j with --json: the same exit 2, one JSON error document', async (args, message) => {
    const result = await octoVia(faults, sandbox, [...args, '--json'])
    expect(result.exitCode, result.stdout + result.stderr).toBe(2)
    const error = JSON.parse(result.stdout).Error
    expect(error).toMatchObject({Code: 'usage', ExitCode: 2})
    expect(error.Message).toMatch(message)
    expect(faults.requests).toEqual([])
  })

  it('in-range values still work: --timeout 2147483 and --interval 0.1 are accepted', async () => {
    const list = await octoVia(faults, sandbox, ['pool', 'list', '--json', '--timeout', '2147483'])
    expect(list.exitCode, list.stderr).toBe(0)
    const tail = await octoVia(faults, sandbox, ['leases', 'tail', '--interval', '0.1', '--duration', '0.5', '--json'])
    expect(tail.exitCode, tail.stderr).toBe(0)
    expect(tail.stderr).not.toMatch(/TimeoutOverflowWarning/)
  })
})
