import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {type Rendered} from '../../cli/base-command.js'
import {MaintenanceCommand} from '../../cli/command-bases/maintenance-command.js'
import {DEFAULT_WAIT_MS, durationFlag} from '../../cli/flags.js'
import {estateFlags} from '../../cli/estate-flags.js'
import {readEstateFiles} from '../../app/estate-code/files.js'
import {planEstate, type EstatePlan} from '../../app/estate-code/plan.js'
import {applyPlan, type ApplyResult, type EstateDrainEvent} from '../../app/estate-code/apply.js'
import {readSavedPlan, refuseStale} from '../../app/estate-code/saved-plan.js'
import {recheckAfterConfirmation, refuseDeletingLeasedWorkersOfPlan} from '../../app/estate-code/guarded.js'
import {loadConfig} from '../../config/octoworkers-yaml/load.js'
import {renderApply, renderPlan} from '../../views/estate-plan.js'
import {estateDrainEventLines, staleLeaseBeforeDeleteLine} from '../../views/maintenance-progress.js'
import {applyExitCode} from '../../app/estate-code/apply.js'
import {usageError, type ExitCodeValue} from '../../text/errors.js'
import {unreadablePartWarning} from '../../views/unreadable-part.js'

export default class EstateApplyCommand extends MaintenanceCommand<typeof EstateApplyCommand> {
  static override summary = 'Apply estate files (or a saved plan) to the server, safely and in a safe order.'

  static override description = `Plans as \`estate plan\` does (the same refusals, exit 5), prints the plan on stderr, asks for the number of changes to be typed unless -y (with prompts off: --no-prompt, CI, no terminal, and no -y it refuses with exit 2 before any request), then writes in this order: pools, workers (registrations, moves, edits), the default pool, the pools' order, disables, deletes.
Each write is a read-merge-write of the resource as it is now. Octopus has no version on workers and pools, so right before each write the resource is read again and compared with what the plan saw: if another client changed it, that item is not written and is reported as a conflict (exit 1; plan again). A server error stops the run and reports what was done, what failed and what was not attempted; rerunning converges. A second apply of the same files changes nothing.
Taking workers out of service (a disable, a move out of a pool, a delete) is guarded as \`worker disable\` and \`worker delete\` are: the floor is checked again on a fresh read after the confirmation, and once a phase's writes are made the pools are read again; if one is below its floor because another change ran at the same time, that phase's writes are put back and the run stops (exit 5 when nothing else was written, else 1).
Deletes are made as \`worker delete\` makes them: the workers are disabled first, the floor verified, then they are deleted. A worker to delete that holds an active task lease refuses the whole apply (exit 5, before anything is written) unless --drain, which drains them first (disable, wait for their leases up to --wait-timeout, default 30m); if the wait runs out nothing is deleted and the workers stay disabled (exit 1); Ctrl-C (130) or SIGTERM (143) during the wait deletes nothing.
\`estate apply PLAN\` applies a plan saved with \`estate plan -o PLAN\`; if the server changed since it was made, it is refused as stale (exit 1) and nothing is written.`

  static override examples = [
    '<%= config.bin %> estate apply -f estate.yaml',
    '<%= config.bin %> estate apply estate.plan -y',
  ]

  static override args = {
    plan: Args.string({description: 'A plan saved with `estate plan -o` (instead of -f).'}),
  }

  static override flags = {
    ...estateFlags,
    yes: Flags.boolean({char: 'y', description: 'Apply without asking.'}),
    drain: Flags.boolean({description: 'Drain the workers to delete first (disable, wait for their leases to end), as `worker delete --drain` does.'}),
    'wait-timeout': durationFlag({description: 'With --drain: how long to wait for leases to end (default 30m; e.g. 90s, 1h30m; a bare number is seconds).', dependsOn: ['drain']}),
  }

  public async run(): Promise<ApplyOutcome> {
    const files = this.flags.file ?? []
    const planFile = this.args.plan
    if (planFile && files.length) throw usageError('Give a saved plan or -f files, not both.')
    if (!planFile && files.length === 0) throw usageError('Give the estate files with -f FILE, or a plan saved with `estate plan -o`.')
    this.refuseUnconfirmable({yes: this.flags.yes, action: 'apply an estate'})
    const saved = planFile ? readSavedPlan(planFile) : undefined
    if (planFile && !saved) throw usageError(`${planFile} is not a saved plan; give estate files with -f.`)
    const desired = saved ? saved.Desired : (await readEstateFiles(files, this.context.cwd)).desired
    const options = saved ? saved.Options : {prune: this.flags.prune, force: this.flags.force, failOn: this.flags['fail-on'], keepHealthy: this.flags['keep-healthy']}
    const config = await loadConfig({cwd: this.context.cwd})
    const {client} = await this.connect()
    const context = await planEstate(client, desired, {...options, config, bin: this.config.bin, onUnavailable: (part, cause) => this.warnUser(unreadablePartWarning(part, cause, 'plan-goes-on'))})
    if (saved) refuseStale(saved, planFile!, context.plan)
    if (!context.plan.HasChanges) return {plan: context.plan, applied: null}
    if (!this.flags.drain) await refuseDeletingLeasedWorkersOfPlan(context, (seen) => this.note(staleLeaseBeforeDeleteLine(seen)))
    this.note(renderPlan(context.plan))
    const writes = context.plan.Changes.filter((c) => c.Action !== 'install-agent')
    if (!this.flags.yes) {
      await this.confirmDestructive({yes: this.flags.yes, action: `apply ${writes.length === 1 ? 'this change' : `these ${writes.length} changes`}`, names: writes.map((c) => c.Name)})
      await recheckAfterConfirmation(context)
    }
    const drain = this.flags.drain ? {
      timeoutMs: this.flags['wait-timeout'] ?? DEFAULT_WAIT_MS, startWaiting: () => this.startWaiting(), stopWaiting: () => this.stopWaiting(),
      progress: (event: EstateDrainEvent) => this.noteLines(estateDrainEventLines(event, {bin: this.config.bin})), debug: this.debugLine,
    } : undefined
    return {plan: context.plan, applied: await applyPlan(context, {drain})}
  }

  protected override toJson(result: ApplyOutcome): unknown {
    return {Plan: result.plan, Apply: result.applied}
  }

  protected override render(result: ApplyOutcome): Rendered {
    if (!result.applied) return {stdout: renderPlan(result.plan)}
    return {stdout: renderApply(result.applied)}
  }

  protected override exitCodeFor(result: ApplyOutcome): ExitCodeValue {
    return this.signalAware(applyExitCode(result.applied))
  }
}

interface ApplyOutcome {
  plan: EstatePlan
  applied: ApplyResult | null
}
