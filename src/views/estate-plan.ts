/**
 * A plan as people read it, Terraform's way: `+` create, `~` update with each field's old -> new
 * value, `-` delete, `>` the pools' order, `*` a move of the default pool, `!` a Kubernetes agent to
 * install by hand; then one summary line and what the files leave alone. Apply's result likewise.
 */
import type {EstatePlan, LeasedDelete} from '../app/estate-code/plan.js'
import type {ApplyResult} from '../app/estate-code/apply.js'
import type {FieldValue, PlannedChange} from '../domain/estate-file/diff.js'
import {safe, terminalSafe} from '../ui/safe.js'
import {plural} from '../text/wording.js'

const SIGN: Record<PlannedChange['Action'], string> = {'create': '+', 'update': '~', 'delete': '-', 'reorder': '>', 'set-default': '*', 'install-agent': '!'}

/**
 * A server string in double quotes, made terminal-safe once: terminalSafe's escapes (`\e`, `\n`)
 * are shown as they are, not escaped again as JSON.stringify would (`\\e`).
 */
function quoted(s: string): string {
  return `"${terminalSafe(s).replace(/"/g, '\\"')}"`
}

function value(v: FieldValue): string {
  if (v === null) return '(none)'
  if (Array.isArray(v)) return `[${v.map((s) => terminalSafe(s)).join(', ')}]`
  return typeof v === 'string' ? quoted(v) : String(v)
}

function headline(change: PlannedChange): string {
  const name = quoted(change.Name)
  switch (change.Action) {
    case 'reorder':
      return '> pool order'
    case 'set-default':
      return `* default pool ${value(change.Fields[0]?.Old ?? null)} -> ${name}`
    case 'install-agent':
      return `! worker ${name} (kubernetes): not registered`
    default:
      return `${SIGN[change.Action]} ${change.Resource === 'built-in-worker' ? 'built-in worker' : `${change.Resource} ${name}`}`
  }
}

export function changeLines(change: PlannedChange): string[] {
  const lines = [headline(change)]
  if (change.Action === 'reorder') {
    const [field] = change.Fields
    lines.push(`    ${value(field.Old)}`, `    -> ${value(field.New)}`)
  } else if (change.Action === 'create') {
    for (const f of change.Fields) lines.push(`    ${f.Field}: ${value(f.New)}`)
  } else if (change.Action === 'update') {
    for (const f of change.Fields) lines.push(`    ${f.Field}: ${value(f.Old)} -> ${value(f.New)}`)
  } else if (change.Action === 'install-agent' && change.Hint) {
    lines.push(`    ${terminalSafe(change.Hint)}`)
  }
  return lines
}

export function planSummaryLine(plan: EstatePlan): string {
  if (!plan.HasChanges) return `No changes. The server matches the files.${plan.Summary.AgentsToInstall ? ` ${plural(plan.Summary.AgentsToInstall, 'Kubernetes agent')} to install.` : ''}`
  const s = plan.Summary
  const parts = [`${s.Create} to create`, `${s.Update} to update`, `${s.Delete} to delete`]
  if (s.Reorder) parts.push(`${s.Reorder === 1 ? 'the order' : `${s.Reorder} orders`} to change`)
  if (s.DefaultMoves) parts.push(`${plural(s.DefaultMoves, 'default pool')} to move`)
  if (s.AgentsToInstall) parts.push(`${plural(s.AgentsToInstall, 'Kubernetes agent')} to install`)
  return `Plan: ${parts.join(', ')}.`
}

export function renderPlan(plan: EstatePlan): string {
  const lines: string[] = []
  let space: string | null | undefined
  for (const change of plan.Changes) {
    if (change.SpaceName !== space) {
      space = change.SpaceName
      if (lines.length) lines.push('')
      lines.push(space === null ? 'Server' : `Space ${quoted(space)}`)
    }
    for (const line of changeLines(change)) lines.push(`  ${line}`)
  }
  if (lines.length) lines.push('')
  lines.push(planSummaryLine(plan))
  const unmanaged = plan.Unmanaged
  if (unmanaged.length) {
    const pools = unmanaged.filter((u) => u.Resource === 'pool').length
    const workers = unmanaged.length - pools
    const kept = unmanaged.filter((u) => u.Kept !== null)
    lines.push(`Not in the files, left alone: ${plural(pools, 'pool')} and ${plural(workers, 'worker')}${plan.Prune ? '' : ' (--prune deletes them)'}: ${unmanaged.slice(0, 10).map((u) => terminalSafe(u.Name)).join(', ')}${unmanaged.length > 10 ? `, and ${unmanaged.length - 10} more` : ''}.`)
    for (const k of kept) lines.push(`  ${terminalSafe(k.Name)} is kept even with --prune: ${terminalSafe(k.Kept!)}.`)
  }
  return lines.join('\n')
}

export function renderApply(result: ApplyResult): string {
  const lines = result.Results.map((r) => `${r.Status.padEnd(13)} ${SIGN[r.Action]} ${r.Resource} ${quoted(r.Name)}${r.SpaceName ? ` (${terminalSafe(r.SpaceName)})` : ''}${r.Message ? `: ${terminalSafe(r.Message)}` : ''}`)
  lines.push(`Apply: ${result.Done} done, ${plural(result.Conflicts, 'conflict')},${result.Refused ? ` ${result.Refused} refused,` : ''} ${result.Failed} failed, ${result.NotAttempted} not attempted.${result.Conflicts ? ' Another client changed what the plan read: run estate plan again.' : ''}`)
  if (result.Refusal) {
    lines.push(terminalSafe(result.Refusal.Message))
    if (result.Refusal.Hint) lines.push(terminalSafe(result.Refusal.Hint))
  }
  return lines.join('\n')
}

/** One line per leased worker the plan deletes: not an error (the plan writes nothing), but apply will stop on it. */
export function leasedDeleteWarning(leased: LeasedDelete, bin: string): string {
  const leases = leased.Leases.map((l) => safe`task ${l.TaskId} (${l.LeaseId})`).join(', ')
  return safe`'${leased.WorkerName}' (space '${leased.SpaceName}'), which this plan deletes, holds a lease now: ` + `${leases}; \`${bin} estate apply\` refuses to delete it without --drain.`
}
