import type {TaskState} from './store.js'

interface Running {
  timers: Set<NodeJS.Timeout>
  onDone?: (state: TaskState) => void
}

/**
 * The timers of running tasks. A task is tracked from its start until `settle`; its callbacks run
 * only while it is tracked and the scheduler has not stopped, so a finished or cancelled task's
 * pending steps never fire.
 */
export class TaskScheduler {
  private readonly running = new Map<string, Running>()
  private stopped = false

  track(taskId: string, onDone?: (state: TaskState) => void): void {
    this.running.set(taskId, {timers: new Set(), onDone})
  }

  /** Runs `fn` after `ms` unless the task has settled or the scheduler stopped by then. */
  later(taskId: string, ms: number, fn: () => void): void {
    const run = this.running.get(taskId)
    if (!run || this.stopped) return
    const timer = setTimeout(() => {
      run.timers.delete(timer)
      if (this.stopped || !this.running.has(taskId)) return
      fn()
    }, ms)
    run.timers.add(timer)
  }

  /** Stops tracking a task, cancelling its timers, and tells its owner how it ended. */
  settle(taskId: string, state: TaskState): void {
    const run = this.running.get(taskId)
    if (!run) return
    for (const timer of run.timers) clearTimeout(timer)
    this.running.delete(taskId)
    run.onDone?.(state)
  }

  stop(): void {
    this.stopped = true
    for (const run of this.running.values()) for (const timer of run.timers) clearTimeout(timer)
    this.running.clear()
  }
}
