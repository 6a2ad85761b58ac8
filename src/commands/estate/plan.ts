import path from 'node:path'
import * as Flags from '@oclif/core/flags'
import {type Rendered} from '../../cli/base-command.js'
import {ServerCommand} from '../../cli/server-command.js'
import {estateFlags} from '../../cli/estate-flags.js'
import {readEstateFiles} from '../../app/estate-code/files.js'
import {planEstate, type EstatePlan} from '../../app/estate-code/plan.js'
import {writeSavedPlan} from '../../app/estate-code/saved-plan.js'
import {loadConfig} from '../../config/octoworkers-yaml/load.js'
import {leasedDeleteWarning, renderPlan} from '../../views/estate-plan.js'
import {safe} from '../../ui/safe.js'
import {unreadablePartWarning} from '../../views/unreadable-part.js'
import {CliError, ExitCode, usageError, type ExitCodeValue} from '../../text/errors.js'

export default class EstatePlanCommand extends ServerCommand<typeof EstatePlanCommand> {
  static override summary = 'Compare estate files with the server and print what would change (nothing is written).'

  static override description = `Terraform-style: + create, ~ update (each field's old -> new value), - delete (only with --prune; without it, what the files do not mention is left alone and listed), > the pools' order, * a move of the default pool, ! a Kubernetes agent the files declare that is not installed (with the Helm command; not an error).
The estate as it would be after the change is checked with the guards the other commands use, and the plan is refused (exit 5, naming each reason and its override) when it would take a pool below its floor (--keep-healthy, else minWorkers of .octoworkers.yaml, else 2), delete a pool that deployment or runbook steps use, switch the built-in worker off while a space's default pool has no available worker, or add a naming or redundancy finding of \`check\` at or above --fail-on.
Bad input is reported with its file and line before anything else: a malformed file or an unknown key, a worker in no pool, two default pools in a space, the same pool or worker declared twice (exit 2); a space, pool, policy, account or proxy the server does not have (exit 4).
--detailed-exitcode: 0 no changes, 2 changes present, 1 error (bad input then exits 1 instead of 2; 4 and 5 stay). -o FILE saves the plan for \`estate apply FILE\`, which refuses it if the server has changed since.`

  static override examples = [
    '<%= config.bin %> estate plan -f estate.yaml',
    '<%= config.bin %> estate plan -f pools.yaml -f workers/linux.yaml --prune -o estate.plan',
    '<%= config.bin %> estate plan -f estate.yaml --detailed-exitcode --json',
  ]

  static override flags = {
    ...estateFlags,
    'detailed-exitcode': Flags.boolean({description: 'Exit 0 when there are no changes, 2 when there are, 1 on error.'}),
    output: Flags.string({char: 'o', description: 'Save the plan to this file, for `estate apply FILE`.'}),
  }

  public async run(): Promise<EstatePlan> {
    const files = this.flags.file ?? []
    if (files.length === 0) throw usageError('Give the estate files with -f FILE (repeat for several).')
    const {desired} = await readEstateFiles(files, this.context.cwd)
    const config = await loadConfig({cwd: this.context.cwd})
    const {client} = await this.connect()
    const options = {prune: this.flags.prune, force: this.flags.force, failOn: this.flags['fail-on'], keepHealthy: this.flags['keep-healthy']}
    const {plan} = await planEstate(client, desired, {
      ...options, config, bin: this.config.bin,
      onUnavailable: (part, cause) => this.warnUser(unreadablePartWarning(part, cause, 'plan-goes-on')),
      onLeasedDelete: (leased) => this.warnUser(leasedDeleteWarning(leased, this.config.bin)),
    })
    if (this.flags.output) {
      const file = path.resolve(this.context.cwd, this.flags.output)
      writeSavedPlan(file, plan, desired, options)
      this.note(safe`Saved the plan to ${file}; apply it with \`${this.config.bin} estate apply ${this.flags.output}\`.`)
    }
    return plan
  }

  protected override render(plan: EstatePlan): Rendered {
    return {stdout: renderPlan(plan)}
  }

  protected override exitCodeFor(plan: EstatePlan): ExitCodeValue {
    return this.flags['detailed-exitcode'] && plan.HasChanges ? ExitCode.Usage : ExitCode.Success
  }

  /** Under --detailed-exitcode, 2 means "changes present", so bad input is 1 (Terraform's convention). */
  protected override async catch(error: Error & {exitCode?: number}): Promise<void> {
    if (this.flags?.['detailed-exitcode'] && error instanceof CliError && error.exitCode === ExitCode.Usage) {
      return super.catch(new CliError(error.message, ExitCode.Failure, {hint: error.hint, code: error.code, details: error.details}))
    }
    return super.catch(error)
  }
}
