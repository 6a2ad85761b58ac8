import {afterAll, beforeAll, beforeEach} from 'vitest'
import {runCli, type CliResult} from '../../helpers/cli.js'
import {startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {startFaultServer, type FaultServer} from '../../fault-server/index.js'

/**
 * One demo sandbox with the fault server in front of it for the whole file, its fault rules
 * cleared before each test; `use` receives both once they are up.
 */
export function withFaultedSandbox(use: (sandbox: Sandbox, faults: FaultServer) => void): void {
  let sandbox: Sandbox | undefined
  let faults: FaultServer | undefined
  beforeAll(async () => {
    sandbox = await startTestSandbox({seed: 'demo'})
    faults = await startFaultServer(sandbox.url)
    use(sandbox, faults)
  })
  afterAll(async () => {
    await faults?.close()
    await sandbox?.close()
  })
  beforeEach(() => faults?.clear())
}

/** Runs the built CLI against the fault server (which fronts `sandbox`), with the sandbox's key. */
export function octoVia(faults: FaultServer, sandbox: Sandbox, args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 60_000): Promise<CliResult> {
  return runCli(args, {env: {OCTOPUS_URL: faults.url, OCTOPUS_API_KEY: sandbox.apiKey, ...env}, timeoutMs})
}

/** The non-empty lines of a stream. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '')
}
