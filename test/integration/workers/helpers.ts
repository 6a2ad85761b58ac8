import {expect} from 'vitest'
import type {CliResult} from '../../helpers/cli.js'
import {expectRejectedLeaving} from '../../helpers/octo.js'
import {api, type Sandbox} from '../../helpers/sandbox.js'

export {octo} from '../../helpers/octo.js'

export const THUMB = '0E80575D3BD8D30854802A4E8340A2E23AE961FD'
export const SHA_FINGERPRINT = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU'

/** Every worker document of a space, as the server has it (what a worker command could change). */
export async function workersOf(sandbox: Sandbox, spaceId = 'Spaces-1'): Promise<Array<Record<string, any>>> {
  const response = await api(sandbox, 'GET', `/api/${spaceId}/workers/all`)
  expect(response.status).toBe(200)
  return response.body
}

export async function workerByName(sandbox: Sandbox, name: string): Promise<Record<string, any> | undefined> {
  return (await workersOf(sandbox)).find((w) => w.Name === name)
}

/** Runs a command that must fail with `exitCode` and `message` on stderr, and checks no worker changed. */
export function expectRejected(sandbox: Sandbox, args: string[], exitCode: number, message: string | RegExp): Promise<CliResult> {
  return expectRejectedLeaving(() => workersOf(sandbox), sandbox, args, exitCode, message)
}

/** The data rows of a piped (plain) table, split on runs of 2+ spaces. */
export function tableRows(stdout: string): string[][] {
  return stdout.trim().split('\n').slice(1).map((line) => line.split('\t'))
}
