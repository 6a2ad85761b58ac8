import {Args, Flags} from '@oclif/core'
import {EXIT_CODES_HELP} from '../../base-command.js'
import {ServerCommand} from '../../server-command.js'
import {findAllByNameOrId, findByNameOrId} from '../../lib/octopus/names.js'
import {getWorker, listMachinePolicies, listWorkerPools, listWorkers, updateWorker} from '../../lib/octopus/repositories.js'
import {withPoolNames} from '../../lib/workers/list.js'
import {resolveStaticPools} from '../../lib/workers/resolve.js'
import {assertNameFree, planWorkerUpdate, validateUpdateInput} from '../../lib/workers/update.js'
import {safe, terminalSafe} from '../../lib/render/safe.js'

export default class WorkerUpdate extends ServerCommand<typeof WorkerUpdate> {
  static override summary = 'Rename a worker, move it between pools, or change its machine policy.'
  static override description = `Reads the whole worker, changes it, and writes it back (one PUT). A worker must stay in at least one pool.\n\n${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> worker update build-01 --add-pool "Windows Workers" --remove-pool "Default Worker Pool"',
    '<%= config.bin %> worker update Workers-12 --name build-01-old --machine-policy "Transient workers"',
  ]

  static override args = {
    worker: Args.string({description: 'Worker name or ID.', required: true}),
  }

  static override flags = {
    name: Flags.string({description: 'New name.'}),
    'add-pool': Flags.string({description: 'Add the worker to this static pool (name or ID; repeatable).', multiple: true}),
    'remove-pool': Flags.string({description: 'Remove the worker from this pool (name or ID; repeatable).', multiple: true}),
    'machine-policy': Flags.string({description: 'Machine policy (name or ID).'}),
  }

  async run(): Promise<void> {
    const input = validateUpdateInput({name: this.flags.name, addPool: this.flags['add-pool'], removePool: this.flags['remove-pool'], machinePolicy: this.flags['machine-policy']})
    const {space} = await this.connectSpace()
    const [workers, pools, machinePolicies] = await Promise.all([listWorkers(space), listWorkerPools(space), input.machinePolicy ? listMachinePolicies(space) : undefined])
    const target = findByNameOrId(workers, this.args.worker, 'worker')
    const addPools = resolveStaticPools(pools, input.addPool ?? [], '--add-pool')
    const removePools = findAllByNameOrId(pools, input.removePool ?? [], 'worker pool')
    const machinePolicy = input.machinePolicy ? findByNameOrId(machinePolicies ?? [], input.machinePolicy, 'machine policy') : undefined
    if (input.name !== undefined) assertNameFree(workers, input.name, target.Id)
    // The list entry may be stale by now: modify the document as it is at this moment.
    const plan = planWorkerUpdate(await getWorker(space, target.Id), {name: input.name, addPools, removePools, machinePolicy})
    for (const note of plan.notes) this.note(terminalSafe(note))
    const saved = plan.changes.length > 0 ? await updateWorker(space, plan.worker) : plan.worker
    if (this.isJson) return this.printJson({...withPoolNames(saved, pools), Changes: plan.changes})
    this.print(plan.changes.length > 0 ? safe`Worker '${saved.Name}' (${saved.Id}): ${plan.changes.join('; ')}.` : safe`Worker '${saved.Name}' (${saved.Id}): nothing to change.`)
  }
}
