/**
 * The words for an optional part of the estate a read could not get (src/app/unreadable-part.ts).
 * The lines hold server strings (a space's name) raw: the commands write them through their
 * stderr line writer, which escapes them (src/ui/output.ts writeStderrLine).
 */
import type {UnreadableCause, UnreadablePart} from '../app/unreadable-part.js'

/** The part as a sentence names it: `deployment targets of Default`. */
export function unreadablePartName(unreadable: UnreadablePart): string {
  switch (unreadable.part) {
    case 'features': return 'features configuration'
    case 'built-in-worker-setting': return 'features configuration (the built-in worker setting)'
    case 'server-nodes': return 'server nodes'
    case 'worker-pool-summary': return `worker pool summary of ${unreadable.space}`
    case 'deployment-targets': return `deployment targets of ${unreadable.space}`
    case 'projects-and-processes': return `projects and processes of ${unreadable.space}`
    case 'feeds': return `feeds of ${unreadable.space}`
    case 'bulk-variables': return `variables/all of ${unreadable.space}`
    case 'lifecycles': return `lifecycles of ${unreadable.space}`
    case 'worker-leases': return `worker leases of space '${unreadable.space}'`
  }
}

export function unreadableCauseText(cause: UnreadableCause): string {
  switch (cause.kind) {
    case 'http': return `HTTP ${cause.status}`
    case 'no-bulk-variables-route': return 'this server has no variables/all route; reading each variable set on its own'
  }
}

/**
 * What the command does without the part: `check` skips the rules that need it, `pool usage` leaves
 * out what depends on it, `estate export` leaves builtInWorker out of the file, and `estate
 * plan/apply` go on (apply checks again what it writes).
 */
export type UnreadableEffect = 'rules-not-checked' | 'left-out' | 'built-in-worker-left-out' | 'plan-goes-on'

const EFFECT_CLAUSE: Record<UnreadableEffect, string> = {
  'rules-not-checked': '; the rules that need it are not checked',
  'left-out': '; what depends on it is left out',
  'built-in-worker-left-out': '; builtInWorker is left out of the file',
  'plan-goes-on': '',
}

/** The warning a command prints (after its `Warning:`): `could not read the … (HTTP 403); the rules that need it are not checked.` */
export function unreadablePartWarning(unreadable: UnreadablePart, cause: UnreadableCause, effect: UnreadableEffect): string {
  return `could not read the ${unreadablePartName(unreadable)} (${unreadableCauseText(cause)})${EFFECT_CLAUSE[effect]}.`
}
