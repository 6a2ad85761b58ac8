import {describe, expect, it} from 'vitest'
import {exporterNoticeLine} from '../../../src/views/metrics.js'
import {usageReadNoteLine} from '../../../src/views/usage-report.js'
import {tailNoticeLine} from '../../../src/views/leases/events.js'
import {terminalSafeLine} from '../../../src/ui/safe.js'

/** A server string that would forge a line and paint the terminal if printed raw. */
const HOSTILE = 'evil\n\u001B[31mError: forged'
/** The same text as the note writer prints it. */
const HOSTILE_SHOWN = 'evil\\n\\e[31mError: forged'

describe('exporterNoticeLine (metrics serve)', () => {
  it('words each notice as metrics serve prints it', () => {
    expect(exporterNoticeLine({kind: 'read-failed', message: 'connect ECONNREFUSED 127.0.0.1:1'}))
      .toBe('Reading the server failed: connect ECONNREFUSED 127.0.0.1:1; octoworkers_up is 0 until a read succeeds.')
    expect(exporterNoticeLine({kind: 'read-recovered'})).toBe('Reading the server works again; octoworkers_up is 1.')
    expect(exporterNoticeLine({kind: 'part-unavailable', part: {part: 'deployment-targets', space: 'Default'}, cause: {kind: 'http', status: 403}}))
      .toBe('Could not read the deployment targets of Default (HTTP 403); the metrics that need it are left out.')
  })

  it('a hostile server string stays on its line through the note writer', () => {
    expect(terminalSafeLine(exporterNoticeLine({kind: 'read-failed', message: HOSTILE})))
      .toBe(`Reading the server failed: ${HOSTILE_SHOWN}; octoworkers_up is 0 until a read succeeds.`)
    expect(terminalSafeLine(exporterNoticeLine({kind: 'part-unavailable', part: {part: 'worker-pool-summary', space: HOSTILE}, cause: {kind: 'http', status: 401}})))
      .toBe(`Could not read the worker pool summary of ${HOSTILE_SHOWN} (HTTP 401); the metrics that need it are left out.`)
  })
})

describe('usageReadNoteLine (check, pool view, pool delete)', () => {
  it('words the no-runbooks note as the commands print it', () => {
    expect(usageReadNoteLine({kind: 'no-runbooks'}))
      .toBe('Note: this Octopus Server has no runbooks (they arrived in Octopus 2019.11), so only deployment processes were read.')
  })
})

describe('tailNoticeLine (leases tail)', () => {
  it('words each notice as leases tail prints it: seconds rounded, a short retry to a tenth', () => {
    expect(tailNoticeLine({kind: 'poll-failed', lostContact: true, message: 'Connection refused by the server', retryInMs: 1_250}))
      .toBe('Lost contact with the server (Connection refused by the server); retrying in 1.3s.')
    expect(tailNoticeLine({kind: 'poll-failed', lostContact: false, message: 'the server answered 500', retryInMs: 30_000}))
      .toBe('Poll failed: the server answered 500; retrying in 30s.')
    expect(tailNoticeLine({kind: 'reconnected', afterMs: 12_600})).toBe('Reconnected after 13s; catching up with what the server still shows.')
  })

  it('a hostile server message stays on its line through the note writer', () => {
    expect(terminalSafeLine(tailNoticeLine({kind: 'poll-failed', lostContact: false, message: HOSTILE, retryInMs: 500})))
      .toBe(`Poll failed: ${HOSTILE_SHOWN}; retrying in 0.5s.`)
  })
})
