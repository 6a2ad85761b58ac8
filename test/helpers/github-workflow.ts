/**
 * The structure GitHub accepts for a workflow file, checked by hand: the published JSON schema
 * (SchemaStore's github-workflow.json, https://json.schemastore.org/github-workflow.json) could not
 * be downloaded where these tests were written, so this encodes the parts of GitHub's "Workflow
 * syntax for GitHub Actions" page (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax)
 * a recipe can get wrong: the top-level keys, `on`, `permissions` scopes and levels, job IDs,
 * `runs-on`, and steps that each have exactly one of `uses` and `run`.
 */
const TOP_LEVEL = new Set(['name', 'run-name', 'on', 'permissions', 'env', 'defaults', 'concurrency', 'jobs'])
const PERMISSION_SCOPES = new Set(['actions', 'attestations', 'checks', 'contents', 'deployments', 'discussions', 'id-token', 'issues', 'models', 'packages', 'pages', 'pull-requests', 'repository-projects', 'security-events', 'statuses'])
const JOB_KEYS = new Set(['name', 'permissions', 'needs', 'if', 'runs-on', 'environment', 'concurrency', 'outputs', 'env', 'defaults', 'steps', 'timeout-minutes', 'strategy', 'continue-on-error', 'container', 'services', 'uses', 'with', 'secrets'])
const STEP_KEYS = new Set(['id', 'if', 'name', 'uses', 'run', 'working-directory', 'shell', 'with', 'env', 'continue-on-error', 'timeout-minutes'])
const EVENTS = new Set(['branch_protection_rule', 'check_run', 'check_suite', 'create', 'delete', 'deployment', 'deployment_status', 'discussion', 'discussion_comment', 'fork', 'gollum',
  'issue_comment', 'issues', 'label', 'merge_group', 'milestone', 'page_build', 'public', 'pull_request', 'pull_request_review', 'pull_request_review_comment', 'pull_request_target',
  'push', 'registry_package', 'release', 'repository_dispatch', 'schedule', 'status', 'watch', 'workflow_call', 'workflow_dispatch', 'workflow_run'])

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

function permissionProblems(where: string, permissions: unknown): string[] {
  if (permissions === 'read-all' || permissions === 'write-all' || (isObject(permissions) && Object.keys(permissions).length === 0)) return []
  if (!isObject(permissions)) return [`${where}: must be read-all, write-all or a mapping`]
  return Object.entries(permissions).flatMap(([scope, level]) => [
    ...(PERMISSION_SCOPES.has(scope) ? [] : [`${where}.${scope}: not a permission scope`]),
    ...(['read', 'write', 'none'].includes(level as string) ? [] : [`${where}.${scope}: must be read, write or none`]),
  ])
}

/** Problems with a parsed workflow document; [] when GitHub's syntax accepts it. */
export function workflowProblems(doc: unknown): string[] {
  if (!isObject(doc)) return ['the workflow must be a mapping']
  const problems = Object.keys(doc).filter((k) => !TOP_LEVEL.has(k)).map((k) => `${k}: not a workflow key`)
  const on = doc.on
  const events = typeof on === 'string' ? [on] : Array.isArray(on) ? on : isObject(on) ? Object.keys(on) : []
  if (events.length === 0) problems.push('on: required (an event, a list or a mapping of events)')
  for (const event of events) if (!EVENTS.has(event as string)) problems.push(`on.${event}: not an event`)
  if (isObject(on) && on.schedule !== undefined) {
    if (!Array.isArray(on.schedule) || !on.schedule.every((s) => isObject(s) && typeof s.cron === 'string' && s.cron.trim().split(/\s+/).length === 5)) problems.push('on.schedule: a list of {cron: five fields}')
  }
  if (doc.permissions !== undefined) problems.push(...permissionProblems('permissions', doc.permissions))
  if (!isObject(doc.jobs) || Object.keys(doc.jobs).length === 0) return [...problems, 'jobs: required, at least one job']
  for (const [id, job] of Object.entries(doc.jobs)) {
    const where = `jobs.${id}`
    if (!/^[_a-zA-Z][a-zA-Z0-9_-]*$/.test(id)) problems.push(`${where}: a job ID starts with a letter or _ and holds only letters, digits, - and _`)
    if (!isObject(job)) {
      problems.push(`${where}: must be a mapping`)
      continue
    }
    problems.push(...Object.keys(job).filter((k) => !JOB_KEYS.has(k)).map((k) => `${where}.${k}: not a job key`))
    if (job.permissions !== undefined) problems.push(...permissionProblems(`${where}.permissions`, job.permissions))
    if (job.uses !== undefined) continue
    if (job['runs-on'] === undefined) problems.push(`${where}.runs-on: required`)
    if (!Array.isArray(job.steps) || job.steps.length === 0) {
      problems.push(`${where}.steps: required, at least one step`)
      continue
    }
    job.steps.forEach((step, i) => {
      const at = `${where}.steps[${i}]`
      if (!isObject(step)) return problems.push(`${at}: must be a mapping`)
      problems.push(...Object.keys(step).filter((k) => !STEP_KEYS.has(k)).map((k) => `${at}.${k}: not a step key`))
      if ((step.uses === undefined) === (step.run === undefined)) problems.push(`${at}: exactly one of uses and run`)
      if (step.uses !== undefined && !/^(docker:\/\/.+|\.\/.+|[^/@\s]+\/[^@\s]+@[^\s]+)$/.test(String(step.uses))) problems.push(`${at}.uses: owner/repo@ref, ./path or docker://image`)
      if (step.with !== undefined && !isObject(step.with)) problems.push(`${at}.with: must be a mapping`)
    })
  }
  return problems
}
