import {describe, expect, it} from 'vitest'
import {unreadablePartWarning} from '../../../src/views/unreadable-part.js'
import type {UnreadablePart} from '../../../src/app/unreadable-part.js'
import {terminalSafeLine} from '../../../src/ui/safe.js'

const FORBIDDEN = {kind: 'http', status: 403} as const

/** A server string that would forge a line and paint the terminal if printed raw. */
const HOSTILE = 'evil\n\u001B[31mError: forged'
/** The same text as the warning writer prints it. */
const HOSTILE_SHOWN = 'evil\\n\\e[31mError: forged'

describe('unreadablePartWarning (check, pool usage, estate plan/apply/export)', () => {
  it('names each part as the commands print it', () => {
    const parts: Array<[UnreadablePart, string]> = [
      [{part: 'features'}, 'could not read the features configuration (HTTP 403).'],
      [{part: 'built-in-worker-setting'}, 'could not read the features configuration (the built-in worker setting) (HTTP 403).'],
      [{part: 'server-nodes'}, 'could not read the server nodes (HTTP 403).'],
      [{part: 'worker-pool-summary', space: 'Default'}, 'could not read the worker pool summary of Default (HTTP 403).'],
      [{part: 'deployment-targets', space: 'Default'}, 'could not read the deployment targets of Default (HTTP 403).'],
      [{part: 'projects-and-processes', space: 'Default'}, 'could not read the projects and processes of Default (HTTP 403).'],
      [{part: 'feeds', space: 'Default'}, 'could not read the feeds of Default (HTTP 403).'],
      [{part: 'bulk-variables', space: 'Default'}, 'could not read the variables/all of Default (HTTP 403).'],
      [{part: 'lifecycles', space: 'Default'}, 'could not read the lifecycles of Default (HTTP 403).'],
      [{part: 'worker-leases', space: 'Default'}, "could not read the worker leases of space 'Default' (HTTP 403)."],
    ]
    for (const [part, line] of parts) expect(unreadablePartWarning(part, FORBIDDEN, 'plan-goes-on')).toBe(line)
  })

  it('says why: the HTTP status, or the missing bulk variables route', () => {
    expect(unreadablePartWarning({part: 'server-nodes'}, {kind: 'http', status: 401}, 'plan-goes-on')).toBe('could not read the server nodes (HTTP 401).')
    expect(unreadablePartWarning({part: 'bulk-variables', space: 'Default'}, {kind: 'no-bulk-variables-route'}, 'left-out'))
      .toBe('could not read the variables/all of Default (this server has no variables/all route; reading each variable set on its own); what depends on it is left out.')
  })

  it('ends with what each command does without the part', () => {
    const targets: UnreadablePart = {part: 'deployment-targets', space: 'Default'}
    expect(unreadablePartWarning(targets, FORBIDDEN, 'rules-not-checked')).toBe('could not read the deployment targets of Default (HTTP 403); the rules that need it are not checked.')
    expect(unreadablePartWarning(targets, FORBIDDEN, 'left-out')).toBe('could not read the deployment targets of Default (HTTP 403); what depends on it is left out.')
    expect(unreadablePartWarning({part: 'built-in-worker-setting'}, FORBIDDEN, 'built-in-worker-left-out'))
      .toBe('could not read the features configuration (the built-in worker setting) (HTTP 403); builtInWorker is left out of the file.')
    expect(unreadablePartWarning(targets, FORBIDDEN, 'plan-goes-on')).toBe('could not read the deployment targets of Default (HTTP 403).')
  })

  it('a hostile space name stays on its line through the warning writer', () => {
    expect(terminalSafeLine(unreadablePartWarning({part: 'worker-leases', space: HOSTILE}, FORBIDDEN, 'plan-goes-on')))
      .toBe(`could not read the worker leases of space '${HOSTILE_SHOWN}' (HTTP 403).`)
    expect(terminalSafeLine(unreadablePartWarning({part: 'feeds', space: HOSTILE}, FORBIDDEN, 'rules-not-checked')))
      .toBe(`could not read the feeds of ${HOSTILE_SHOWN} (HTTP 403); the rules that need it are not checked.`)
  })
})
