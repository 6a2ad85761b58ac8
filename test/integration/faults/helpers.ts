import {runCli, type CliResult} from '../../helpers/cli.js'
import type {Sandbox} from '../../helpers/sandbox.js'
import type {FaultServer} from '../../fault-server/index.js'

/** Runs the built CLI against the fault server (which fronts `sandbox`), with the sandbox's key. */
export function octoVia(faults: FaultServer, sandbox: Sandbox, args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 60_000): Promise<CliResult> {
  return runCli(args, {env: {OCTOPUS_URL: faults.url, OCTOPUS_API_KEY: sandbox.apiKey, ...env}, timeoutMs})
}

/** The non-empty lines of a stream. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '')
}
