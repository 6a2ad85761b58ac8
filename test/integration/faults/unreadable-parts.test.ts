import {describe, expect, it} from 'vitest'
import type {Sandbox} from '../../helpers/sandbox.js'
import type {FaultServer} from '../../fault-server/index.js'
import {lines, octoVia, withFaultedSandbox} from './helpers.js'

let sandbox: Sandbox
let faults: FaultServer
withFaultedSandbox((s, f) => {
  sandbox = s
  faults = f
})

const FORBIDDEN = {mode: 'body', status: 403, body: {ErrorMessage: 'You do not have permission to perform this action.'}} as const

/** The stderr lines that tell of a part the command could not read. */
function unreadableWarnings(stderr: string): string[] {
  return lines(stderr).filter((line) => line.includes('could not read the'))
}

describe('an optional part the key may not read: each command warns once per part, in its own words, and goes on', () => {
  it('check: the rules that need the part are not checked; the --json document on stdout holds no warning', async () => {
    faults.add({...FORBIDDEN, method: 'GET', path: /^\/api\/Spaces-1\/machines\/all/})
    faults.add({...FORBIDDEN, method: 'GET', path: /^\/api\/octopusservernodes\/all/i})
    const result = await octoVia(faults, sandbox, ['check', '--json'])
    expect(unreadableWarnings(result.stderr).sort()).toEqual([
      'Warning: could not read the deployment targets of Default (HTTP 403); the rules that need it are not checked.',
      'Warning: could not read the server nodes (HTTP 403); the rules that need it are not checked.',
    ])
    expect(result.stdout).not.toContain('could not read')
    expect(JSON.parse(result.stdout)).toMatchObject({Spaces: [{Name: 'Default'}]})
  })

  it('pool usage: what depends on the part is left out', async () => {
    faults.add({...FORBIDDEN, method: 'GET', path: /^\/api\/Spaces-1\/feeds\/all/})
    const result = await octoVia(faults, sandbox, ['pool', 'usage'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(unreadableWarnings(result.stderr)).toEqual(['Warning: could not read the feeds of Default (HTTP 403); what depends on it is left out.'])
  })

  it('estate export: without the features document, builtInWorker is left out of the file', async () => {
    faults.add({...FORBIDDEN, method: 'GET', path: /^\/api\/featuresconfiguration/i})
    const result = await octoVia(faults, sandbox, ['estate', 'export'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(unreadableWarnings(result.stderr)).toEqual(['Warning: could not read the features configuration (the built-in worker setting) (HTTP 403); builtInWorker is left out of the file.'])
    expect(result.stdout).not.toMatch(/builtInWorker/)
  })
})
