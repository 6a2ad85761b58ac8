// Hostile-server benchmarks (hangs, oversized bodies), called by bench/run.js. The project's own
// fault server (test/fault-server, transpiled here with esbuild) sits in front of a sandbox:
// - peak RSS of `worker list` against a body one byte over the default 256 MiB cap, streamed
//   without a Content-Length (so the only defence is counting while reading): the refusal;
// - wall time of `pool list --timeout 3` against a body dripping at 1 byte/s.
import {buildSync} from 'esbuild'
import path from 'node:path'

const MiB = 1024 * 1024

export async function benchFaults({root, scratch, startSandbox, cleanEnv, runOnce, bin, row}) {
  const outfile = path.join(scratch, 'fault-server.mjs')
  buildSync({entryPoints: [path.join(root, 'test/fault-server/index.ts')], outfile, format: 'esm', platform: 'node', logLevel: 'silent'})
  const {startFaultServer} = await import(outfile)
  const sandbox = await startSandbox({dataFile: path.join(scratch, 'faults.sqlite'), seed: 'demo'})
  const faults = await startFaultServer(sandbox.url)
  try {
    const env = cleanEnv({OCTOPUS_URL: faults.url, OCTOPUS_API_KEY: sandbox.apiKey, OCTOPUS_SPACE: 'Spaces-1'})

    faults.add({mode: 'huge', method: 'GET', path: '/api/Spaces-1/workers/all', bytes: 256 * MiB + 1, declareLength: false})
    const huge = await runOnce(process.execPath, [bin, 'worker', 'list'], env)
    const refused = huge.code === 1 && /limit on a response's size/.test(huge.stderr)
    row('faults', '`worker list` against a 256 MiB + 1 B body (no Content-Length): peak RSS; refused?', `${huge.rssMiB.toFixed(0)} MiB; ${refused ? 'yes, exit 1' : `NO (exit ${huge.code})`}`, 'bounded by the cap, exit 1')

    faults.clear()
    faults.add({mode: 'slow', method: 'GET', path: '/api/Spaces-1/workerpools/all', bytesPerSecond: 1})
    const slow = await runOnce(process.execPath, [bin, 'pool', 'list', '--timeout', '3'], env)
    const timedOut = slow.code === 1 && /Timed out after 3s/.test(slow.stderr)
    row('faults', '`pool list --timeout 3` against a 1 byte/s body: wall time; ended by the timeout?', `${(slow.ms / 1000).toFixed(2)} s; ${timedOut ? 'yes, exit 1' : `NO (exit ${slow.code})`}`, '≈ 3 s + startup')
  } finally {
    await faults.close()
    await sandbox.close()
  }
}
