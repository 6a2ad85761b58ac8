/**
 * Tentacle's mutex wait lines: a script waiting for another Octopus script on the same machine
 * (a worker, where scripts share by default, waits when one of them needs full isolation). The
 * exact wording, from Tentacle's ScriptIsolationMutex (GetBusyMessage and friends):
 *
 * - `Waiting for the script in task {task} to finish as {this|that} script requires that no other Octopus scripts are executing on this target at the same time.`
 * - `Waiting on scripts in tasks {tasks} to finish. This script requires that no other Octopus scripts are executing on this target at the same time.`
 * - `Waiting on another script in this task to finish as {this|another} task requires that no other Octopus scripts are executing on this target at the same time.`
 * - an older form: `Waiting on scripts in task ServerTasks-… to finish`.
 *
 * `{task}` is a Markdown link (`[ServerTasks-123](~/app#/tasks/ServerTasks-123)`), the words
 * `This Task`, `(error - task not found)`, or a short token that is not a `ServerTasks-` ID at
 * all; several are joined "a, b and c". The lines name tasks, never the machine: a wait belongs to
 * the worker the step leased.
 *
 * A line is written after each attempt to take the lock times out (the first after 100 ms, then
 * every 10 minutes), and none when the lock is taken: the script simply starts. So a wait runs
 * from its first line (less the first attempt's 100 ms) to the step's next line that is not a wait
 * line, or else the step's end. That reading is derived from Tentacle's code, not documented.
 */

export interface MutexWaitLine {
  /** The tasks the line says it waits for, as written (IDs, `This Task`, or `(error - task not found)`). */
  blockingTasks: string[]
}

const WAIT_FOR_ONE = /Waiting for the script in task (.+?) to finish\b/
const WAIT_ON_SEVERAL = /Waiting on scripts in tasks? (.+?) to finish\b/
const WAIT_IN_THIS_TASK = /Waiting on another script in this task to finish\b/

/** Parses one of Tentacle's mutex wait lines, or returns undefined when the text is not one. */
export function parseMutexWaitLine(text: string): MutexWaitLine | undefined {
  if (WAIT_IN_THIS_TASK.test(text)) return {blockingTasks: ['This Task']}
  const m = WAIT_FOR_ONE.exec(text) ?? WAIT_ON_SEVERAL.exec(text)
  if (!m) return undefined
  return {blockingTasks: taskList(m[1])}
}

/** "a, b and c", each a Markdown link or plain text, as their link texts. */
function taskList(text: string): string[] {
  const links = [...text.matchAll(/\[([^\]]+)\]\([^)]*\)/g)].map((l) => l[1].trim())
  if (links.length > 0) return links
  return text.split(/,\s*|\s+and\s+/).map((t) => t.trim()).filter(Boolean)
}

/** The first attempt to take the lock waits this long before its line is written. */
export const FIRST_ATTEMPT_MS = 100

export interface MutexWait {
  /** When the wait began (its first line, less the first attempt). */
  start: number
  /** When the script got the lock: the step's next line that is not a wait line, or the step's end. */
  end: number
  blockingTasks: string[]
  /** Index (in the step's lines) of the wait's first line. */
  firstLine: number
}

/** A line of one step's log, in order (see flattenActivityLogs). */
export interface StepLine {
  occurredAt: string
  text: string
}

/**
 * The mutex waits in one step's lines, oldest first. Consecutive wait lines are one wait (one per
 * 10-minute attempt); the blocking tasks are all those named. `stepEnd` ends a wait that no other
 * line follows (null: the step has not ended, so the wait has no known end and is left out).
 */
export function mutexWaitsOfStep(lines: readonly StepLine[], stepEnd: string | null | undefined): MutexWait[] {
  const waits: MutexWait[] = []
  let open: MutexWait | undefined
  for (const [n, line] of lines.entries()) {
    const wait = parseMutexWaitLine(line.text)
    const at = Date.parse(line.occurredAt)
    if (wait) {
      if (open) {
        for (const task of wait.blockingTasks) if (!open.blockingTasks.includes(task)) open.blockingTasks.push(task)
      } else open = {start: at - FIRST_ATTEMPT_MS, end: at, blockingTasks: [...wait.blockingTasks], firstLine: n}
      continue
    }
    if (open && line.text.trim() !== '') {
      waits.push({...open, end: Math.max(open.end, at)})
      open = undefined
    }
  }
  const ended = stepEnd ? Date.parse(stepEnd) : NaN
  if (open && Number.isFinite(ended)) waits.push({...open, end: Math.max(open.end, ended)})
  return waits
}
