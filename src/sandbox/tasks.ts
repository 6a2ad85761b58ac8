import type {SandboxContext} from './context.js'

/** Runs server tasks (health checks, synthetic deployments) in-process. */
export class TaskEngine {
  constructor(private readonly ctx: () => SandboxContext) {}

  /** Tasks left running by a previous process are failed and their leases released. */
  recoverAfterRestart(): void {}

  stop(): void {}
}
