/** The projects of the `demo` and `scale:N` seeds: what their steps run on, by pool, variable and default. */
import type {ModelContext} from '../context.js'
import {UsageSeeder} from './usage-seeder.js'

export interface UsageSeedSpace {
  spaceId: string
  defaultPoolId: string
  pools: Record<string, string>
}

const WORKER_TOOLS = 'octopusdeploy/worker-tools:6.1.0-ubuntu.22.04'

/**
 * The demo's projects (documented in sandbox/index.ts). In space Default: Customer Portal takes
 * its pool from a WorkerPool variable by environment and runs one step in a container; Billing
 * Database uses a library set's pool variable, a direct pool, a disabled step, and a runbook whose
 * pool variable has no value for Production; Internal Tools relies on the default pool and uses
 * the dynamic pool and the empty Windows pool; Platform Config is version-controlled (its process
 * is in git). In Platform Team, Cluster Bootstrap relies on the default pool, which is empty (the
 * built-in worker runs it).
 */
export function seedUsageDemo(ctx: ModelContext, main: UsageSeedSpace, platform: UsageSeedSpace): void {
  const s = new UsageSeeder(ctx, main.spaceId)
  // Environments-1 is Production (the demo's deployment target web-prod-01 is in it); listed in promotion order.
  const [production, development, staging] = s.environments(['Production', 'Development', 'Staging'], [2, 0, 1])
  const envs = [development, staging, production]
  s.feed('Octopus Server (built-in)', 'BuiltIn')
  const dockerHub = s.feed('Docker Hub', 'Docker')
  const p = main.pools
  const sharedPools = s.library('Worker Pools', 'Variables', 'Worker pools shared by the database projects', [{name: 'Shared.DatabasePool', value: p.omahaDb}], envs)
  s.library('Deployment helpers', 'ScriptModule', 'Bash functions used by script steps', [], envs)

  s.project({
    name: 'Customer Portal', description: 'The customer-facing web site', channels: ['Default', 'Hotfix'], environments: envs,
    variables: () => [
      {name: 'Project.WorkerPool', value: p.staging, environments: [development.Id, staging.Id]},
      {name: 'Project.WorkerPool', value: p.azure, environments: [production.Id]},
    ],
    steps: [
      {name: 'Deploy web app', type: 'Octopus.AzureAppService', runOnServer: 'true', poolVariable: 'Project.WorkerPool', container: {Image: 'octopuslabs/azure-workertools', FeedId: dockerHub}},
      {name: 'Smoke test', type: 'Octopus.Script', runOnServer: 'true', poolVariable: 'Project.WorkerPool', script: 'curl -fsS https://portal.example/health'},
      {name: 'Approve production', type: 'Octopus.Manual', runOnServer: 'false', environments: [production.Id]},
      {name: 'Deploy to IIS', type: 'Octopus.IIS', runOnServer: 'false', targetRoles: 'web-server'},
      {name: 'Notify team', type: 'Octopus.Email', runOnServer: 'true'},
    ],
  })
  const billing = s.project({
    name: 'Billing Database', description: 'Schema migrations for the billing database', libraryVariableSetIds: [sharedPools], environments: envs,
    variables: () => [{name: 'Project.RefreshPool', value: p.staging, environments: [staging.Id]}],
    steps: [
      {name: 'Back up database', type: 'Octopus.Script', runOnServer: 'true', poolVariable: 'Shared.DatabasePool', script: 'backup-db billing'},
      {name: 'Run migrations', type: 'Octopus.Script', runOnServer: 'true', pool: p.omahaDb, container: {Image: WORKER_TOOLS, FeedId: dockerHub}, script: 'migrate up'},
      {name: 'Rebuild indexes', type: 'Octopus.Script', runOnServer: 'true', pool: p.omahaDb, disabled: true, script: 'rebuild-indexes billing'},
    ],
    runbooks: [{name: 'Refresh test data', environments: [staging.Id, production.Id], steps: [
      {name: 'Restore snapshot', type: 'Octopus.Script', runOnServer: 'true', poolVariable: 'Project.RefreshPool', script: 'restore-snapshot billing'},
    ]}],
  })
  s.releaseSnapshot(billing.projectId, [{name: 'Run migrations', type: 'Octopus.Script', runOnServer: 'true', pool: p.test}])
  s.project({
    name: 'Internal Tools', description: 'Docs site and build helpers', environments: envs,
    steps: [
      {name: 'Build docs', type: 'Octopus.Script', runOnServer: 'true', script: 'make docs'},
      {name: 'Publish to S3', type: 'Octopus.AwsUploadS3', runOnServer: 'false', pool: p.hosted},
      {name: 'Windows smoke test', type: 'Octopus.Script', runOnServer: 'true', pool: p.emptyWindows, environments: [staging.Id], script: 'Test-Tools.ps1'},
    ],
    runbooks: [{name: 'Rotate logs', steps: [{name: 'Rotate', type: 'Octopus.Script', runOnServer: 'true', script: 'logrotate -f /etc/logrotate.conf'}]}],
  })
  s.project({
    name: 'Platform Config', description: 'Shared infrastructure, version-controlled', environments: envs,
    git: {url: 'https://git.example/platform/platform-config.git', defaultBranch: 'main'},
    steps: [{name: 'Terraform apply', type: 'Octopus.TerraformApply', runOnServer: 'true', pool: p.staging, container: {Image: WORKER_TOOLS, FeedId: dockerHub}}],
  })

  const t = new UsageSeeder(ctx, platform.spaceId)
  const platformEnvs = t.environments(['Development', 'Production'])
  const platformHub = t.feed('Docker Hub', 'Docker')
  t.project({
    name: 'Cluster Bootstrap', description: 'Bootstraps the London Kubernetes clusters', environments: platformEnvs,
    steps: [
      {name: 'Render manifests', type: 'Octopus.Script', runOnServer: 'true', script: 'render-manifests'},
      {name: 'kubectl apply', type: 'Octopus.KubernetesRunScript', runOnServer: 'true', pool: platform.pools.k8s, container: {Image: 'octopuslabs/k8s-workertools', FeedId: platformHub}},
    ],
  })
}

/**
 * `scale:N`'s projects: `count` projects spread over the spaces, each with a three-step process
 * (a direct pool, a pool variable by environment, the default pool), every 5th with a container,
 * every 20th with a disabled step, every 4th with a runbook. All database-stored, so a read costs
 * the same number of requests whatever the count.
 */
export function seedUsageScale(ctx: ModelContext, spaces: UsageSeedSpace[], count: number): void {
  const seeders = spaces.map((space) => {
    const seeder = new UsageSeeder(ctx, space.spaceId)
    return {space, seeder, environments: seeder.environments(['Development', 'Test', 'Production']), feed: seeder.feed('Docker Hub', 'Docker'), pools: Object.values(space.pools)}
  })
  for (let n = 0; n < count; n++) {
    const {space, seeder, environments, feed, pools} = seeders[n % seeders.length]
    const pick = (k: number) => pools.length ? pools[(Math.floor(n / seeders.length) + k) % pools.length] : space.defaultPoolId
    const name = `Scale Project ${String(n + 1).padStart(5, '0')}`
    seeder.project({
      name, environments,
      variables: () => [
        {name: 'Project.WorkerPool', value: pick(1), environments: [environments[0].Id, environments[1].Id]},
        {name: 'Project.WorkerPool', value: pick(2), environments: [environments[2].Id]},
      ],
      steps: [
        {name: 'Deploy', type: 'Octopus.Script', runOnServer: 'true', pool: pick(0), container: n % 5 === 0 ? {Image: WORKER_TOOLS, FeedId: feed} : undefined, script: 'deploy'},
        {name: 'Migrate', type: 'Octopus.Script', runOnServer: 'true', poolVariable: 'Project.WorkerPool', disabled: n % 20 === 19, script: 'migrate'},
        {name: 'Notify', type: 'Octopus.Script', runOnServer: 'true', script: 'notify'},
      ],
      runbooks: n % 4 === 0 ? [{name: `${name} maintenance`, steps: [{name: 'Vacuum', type: 'Octopus.Script', runOnServer: 'true', pool: pick(0), script: 'vacuum'}]}] : [],
    })
  }
}
