/**
 * `worker provision`: stdout is the script alone, so `> register-worker.sh` keeps it clean; what
 * the tool says about it (a name let through by --force, the wait's outcome) goes to stderr.
 */
import type {ProvisionResult} from '../app/workers/provision.js'
import {terminalSafe} from '../ui/safe.js'

export function provisionScript(result: ProvisionResult): string {
  return result.Script.join('\n')
}

/** Notes before the script is used: the convention --force overrode, the registration it replaces. */
export function provisionNotes(result: ProvisionResult): string[] {
  const notes: string[] = []
  if (result.NamingConvention.Status === 'overridden') notes.push(terminalSafe(`Provisioning '${result.Name}' despite the naming convention (--force): ${result.NamingConvention.Problem}.`))
  if (result.Replaces) notes.push(terminalSafe(`A worker named '${result.Name}' is already registered (${result.Replaces.Id}); the new Tentacle's registration replaces it (--force).`))
  return notes
}

export function provisionWaitLines(result: ProvisionResult): string[] {
  const wait = result.Wait
  if (!wait) return []
  if (wait.Ready && wait.Worker) {
    return [terminalSafe(`Worker '${wait.Worker.Name}' (${wait.Worker.Id}) is registered in ${result.WorkerPools.map((p) => `'${p.Name}'`).join(', ')} and ${wait.Worker.HealthStatus}.`)]
  }
  return [terminalSafe(`Worker '${result.Name}' is not ready: ${wait.Missing.join('; ')}.`)]
}

export function provisionProgressLine(missing: string[]): string {
  return terminalSafe(`Waiting for the worker: ${missing.join('; ')}...`)
}
