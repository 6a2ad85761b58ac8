import {expect} from 'vitest'
import {runCli, type CliResult} from './cli.js'
import type {Sandbox} from './sandbox.js'

/** Runs the built CLI against a sandbox with its admin key (stdin is a pipe: never interactive). */
export function octo(sandbox: Sandbox, args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runCli(args, {env: {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey, ...env}})
}

/**
 * Runs a command that must fail with `exitCode` and `message` on stderr, and checks that `state`
 * (everything the command could have changed, read from the server) is the same afterwards.
 */
export async function expectRejectedLeaving(state: () => Promise<unknown>, sandbox: Sandbox, args: string[], exitCode: number, message: string | RegExp): Promise<CliResult> {
  const before = await state()
  const result = await octo(sandbox, args)
  expect(result.exitCode, `${args.join(' ')}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(exitCode)
  if (typeof message === 'string') expect(result.stderr).toContain(message)
  else expect(result.stderr).toMatch(message)
  expect(await state()).toEqual(before)
  return result
}
