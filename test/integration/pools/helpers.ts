import {expect} from 'vitest'
import type {CliResult} from '../../helpers/cli.js'
import {expectRejectedLeaving} from '../../helpers/octo.js'
import {api, type Sandbox} from '../../helpers/sandbox.js'

export {octo} from '../../helpers/octo.js'

/** Everything a pool command could change: every pool document of the space and every worker's pools. */
export async function poolState(sandbox: Sandbox, spaceId = 'Spaces-1'): Promise<unknown> {
  const pools = await api(sandbox, 'GET', `/api/${spaceId}/workerpools/all`)
  const workers = await api(sandbox, 'GET', `/api/${spaceId}/workers?take=100000`)
  expect(pools.status).toBe(200)
  expect(workers.status).toBe(200)
  return {
    pools: pools.body,
    workerPools: (workers.body.Items as Array<{Id: string; WorkerPoolIds: string[]}>).map((w) => [w.Id, w.WorkerPoolIds]),
  }
}

/** Runs a command that must fail with `exitCode` and `message`, and checks the server did not change. */
export function expectRejected(sandbox: Sandbox, args: string[], exitCode: number, message: string | RegExp): Promise<CliResult> {
  return expectRejectedLeaving(() => poolState(sandbox), sandbox, args, exitCode, message)
}

/** The HTTP requests a run made, from its --debug lines (`[debug] GET http://... -> 200 (3 ms)`). */
export function requestsOf(result: CliResult): string[] {
  return result.stderr.split('\n').filter((l) => /^\[debug\] [A-Z]+ \S+ -> /.test(l)).map((l) => l.replace(/^\[debug\] /, '').replace(/ -> .*$/, ''))
}

export async function poolsOf(sandbox: Sandbox, spaceId = 'Spaces-1'): Promise<Array<Record<string, any>>> {
  return (await api(sandbox, 'GET', `/api/${spaceId}/workerpools/all`)).body
}

export async function poolByName(sandbox: Sandbox, name: string): Promise<Record<string, any> | undefined> {
  return (await poolsOf(sandbox)).find((p) => p.Name === name)
}
