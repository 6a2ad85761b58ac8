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
  [['pool', 'list', '--timeout', '3000000'], /--timeout must be above 0 and at most 2147483s \(about 24 days\), not '3000000'\./],
  [['pool', 'list', '--timeout', '0'], /--timeout must be above 0 and at most 2147483s \(about 24 days\), not '0'\./],
  [['pool', 'list', '--timeout', '-5'], /--timeout '-5' is not a duration; give one such as 90s, 30m, 1h30m, 7d or 2w \(a bare number is seconds\)\./],
  [['pool', 'list', '--timeout', 'soon'], /--timeout 'soon' is not a duration/],
  [['pool', 'list', '--timeout', '4w'], /--timeout must be above 0 and at most 2147483s \(about 24 days\), not '4w'\./],
  [['pool', 'list', '--space', ''], /--space must name a space \(a name or ID\), not an empty string\./],
  [['leases', 'tail', '--interval', '0.000001'], /--interval must be from 100ms to 1h, not '0\.000001'\./],
  [['leases', 'tail', '--interval', '86400'], /--interval must be from 100ms to 1h, not '86400'\./],
  [['leases', 'tail', '--interval', '1d'], /--interval must be from 100ms to 1h, not '1d'\./],
  [['leases', 'tail', '--duration', '3000000'], /--duration must be above 0 and at most 2147483s \(about 24 days\), not '3000000'\./],
  [['leases', 'tail', '--max-events', '1e300'], /--max-events must be a whole number \(1 or more\), not '1e300'\./],
  [['leases', 'tail', '--max-events', '99999999999999999999'], /--max-events is too large: at most 9007199254740991/],
  [['leases', 'report', '--since', '999999999999d'], /--since '999999999999d' is too far back: a duration may be at most 36500d \(100 years\)/],
  [['leases', 'report', '--since', '30d', '--until', '99999999999999w'], /--until '99999999999999w' is too far back/],
  [['worker', 'health', '--wait', '--wait-timeout', '3000000'], /--wait-timeout must be above 0 and at most 2147483s \(about 24 days\), not '3000000'\./],
  [['worker', 'drain', 'w', '-y', '--wait-timeout', '25d'], /--wait-timeout must be above 0 and at most 2147483s \(about 24 days\), not '25d'\./],
  [['worker', 'upgrade', 'w', '-y', '--wait-timeout', '0s'], /--wait-timeout must be above 0 and at most 2147483s \(about 24 days\), not '0s'\./],
  [['worker', 'delete', 'w', '-y', '--drain', '--wait-timeout', '1h1h'], /--wait-timeout '1h1h' gives its units out of order or twice/],
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

  it.each([CASES[0], CASES[5], CASES[12]])('%j with --json: the same exit 2, one JSON error document', async (args, message) => {
    const result = await octoVia(faults, sandbox, [...args, '--json'])
    expect(result.exitCode, result.stdout + result.stderr).toBe(2)
    const error = JSON.parse(result.stdout).Error
    expect(error).toMatchObject({Code: 'usage', ExitCode: 2})
    expect(error.Message).toMatch(message)
    expect(faults.requests).toEqual([])
  })

  it('in-range values still work: --timeout 2147483 and --interval 0.1 are accepted, and so are units', async () => {
    const list = await octoVia(faults, sandbox, ['pool', 'list', '--json', '--timeout', '2147483'])
    expect(list.exitCode, list.stderr).toBe(0)
    const withUnits = await octoVia(faults, sandbox, ['pool', 'list', '--json', '--timeout', '1m30s'])
    expect(withUnits.exitCode, withUnits.stderr).toBe(0)
    const tail = await octoVia(faults, sandbox, ['leases', 'tail', '--interval', '0.1', '--duration', '0.5', '--json'])
    expect(tail.exitCode, tail.stderr).toBe(0)
    expect(tail.stderr).not.toMatch(/TimeoutOverflowWarning/)
    const tailUnits = await octoVia(faults, sandbox, ['leases', 'tail', '--interval', '100ms', '--duration', '500ms', '--json'])
    expect(tailUnits.exitCode, tailUnits.stderr).toBe(0)
  })
})
