/** What `check` reports: severities, the stable rule IDs and findings. What it reads is src/domain/estate/types.ts. */
export type Severity = 'error' | 'warning' | 'note'
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'note']

/** Rule IDs are a stable contract: config files, ignores and CI reports refer to them. */
export const RULE_IDS = [
  'naming/worker',
  'naming/pool',
  'redundancy/min-workers',
  'redundancy/all-unhealthy',
  'health/unhealthy-worker',
  'health/upgrade-needed',
  'builtin/enabled',
  'builtin/in-use',
  'pool/empty',
  'worker/duplicate-name',
  'worker/duplicate-thumbprint',
  'worker/also-deployment-target',
  'ha/too-few-workers',
  'dynamic/in-use',
  'usage/pool-without-workers',
  'usage/missing-variable-value',
  'usage/default-pool',
  'usage/unused-pool',
  'usage/no-execution-container',
] as const
export type RuleId = (typeof RULE_IDS)[number]

export function isRuleId(value: string): value is RuleId {
  return (RULE_IDS as readonly string[]).includes(value)
}

/** One problem found by a rule. PascalCase like Octopus's own documents, because it is printed as JSON. */
export interface Finding {
  RuleId: RuleId
  Severity: Severity
  /** The name of what the finding is about (a worker, a pool, the server). */
  Subject: string
  /** Its Octopus ID (`Workers-12`, `WorkerPools-3`), or null for the server as a whole. */
  SubjectId: string | null
  /** Null for server-wide findings (the built-in worker, HA nodes across spaces). */
  SpaceId: string | null
  SpaceName: string | null
  Message: string
  /** A command that fixes it where one exists, else a short instruction; null when none applies. */
  Fix: string | null
}

/** The key of a setting's path in `settingLines`: `conventions.worker` and a pool named `a.b` stay apart. */
export function settingKey(path: readonly string[]): string {
  return JSON.stringify(path)
}
