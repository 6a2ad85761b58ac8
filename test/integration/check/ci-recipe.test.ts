import {readFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse as parseYaml} from 'yaml'
import {repoRoot, runCli} from '../../helpers/cli.js'
import {workflowProblems} from '../../helpers/github-workflow.js'
import {githubCodeScanningProblems, sarifSchemaProblems} from '../../helpers/sarif.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {tempDir} from '../../helpers/temp.js'

const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8')
const WORKFLOW = 'examples/github-actions/octoworkers-check.yml'
const GITLAB = 'examples/gitlab-ci/octoworkers-check.gitlab-ci.yml'

/** The one fenced yaml block of a document. */
function fencedYaml(markdown: string): string {
  const blocks = [...markdown.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1])
  expect(blocks).toHaveLength(1)
  return blocks[0]
}

describe('the GitHub Actions recipe', () => {
  const doc = parseYaml(read(WORKFLOW))
  const job = doc.jobs.check
  const runs: string[] = job.steps.filter((s: any) => s.run).map((s: any) => s.run.trim())

  it('is a workflow GitHub accepts, and docs/ci/github-actions.md shows that very file', () => {
    expect(workflowProblems(doc)).toEqual([])
    expect(fencedYaml(read('docs/ci/github-actions.md'))).toBe(read(WORKFLOW))
  })

  it('the structure check refuses what GitHub refuses (it can fail)', () => {
    expect(workflowProblems({...doc, permissions: {'id-token': 'admin'}})).toEqual(['permissions.id-token: must be read, write or none'])
    expect(workflowProblems({...doc, jobs: {check: {...job, steps: [{uses: 'actions/checkout@v4', run: 'x'}]}}})).toEqual(['jobs.check.steps[0]: exactly one of uses and run'])
    expect(workflowProblems({on: 'push', jobs: {'1st': {steps: [{run: 'x'}]}}})).toEqual([
      'jobs.1st: a job ID starts with a letter or _ and holds only letters, digits, - and _', 'jobs.1st.runs-on: required',
    ])
  })

  it('logs in with OIDC and stores no secret: the ID-token permission, the two variables, no API key', () => {
    expect(doc.permissions).toEqual({'contents': 'read', 'id-token': 'write', 'security-events': 'write'})
    expect(job.env).toEqual({OCTOPUS_URL: '${{ vars.OCTOPUS_URL }}', OCTOPUS_SERVICE_ACCOUNT_ID: '${{ vars.OCTOPUS_SERVICE_ACCOUNT_ID }}'})
    expect(read(WORKFLOW)).not.toMatch(/secrets\.|OCTOPUS_API_KEY|api_key/i)
  })

  it('uploads the SARIF that check writes, then fails the job on errors through the annotations step', () => {
    const sarifStep = job.steps.findIndex((s: any) => s.run?.includes('--format sarif'))
    const upload = job.steps.findIndex((s: any) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))
    const annotate = job.steps.findIndex((s: any) => s.run?.includes('--format github'))
    expect(sarifStep).toBeGreaterThan(-1)
    expect(upload).toBeGreaterThan(sarifStep)
    expect(annotate).toBeGreaterThan(upload)
    expect(job.steps[sarifStep].run).toMatch(/--fail-on never > octoworkers\.sarif$/)
    expect(job.steps[upload].with.sarif_file).toBe('octoworkers.sarif')
    expect(job.steps[annotate].run).toContain('--fail-on error')
  })

  describe('its check commands, run against a sandbox', () => {
    let sb: Sandbox
    let cwd: string
    /** A workflow step's `octoworkers ...` line, run as written (its redirection is where stdout goes). The credential: an API key, standing in for the OIDC login. */
    const step = (needle: string) => {
      const line = runs.find((r) => r.startsWith('octoworkers check') && r.includes(needle))!
      const args = line.replace(/\s*>.*$/, '').split(/\s+/).slice(1)
      return runCli(args, {cwd, env: {OCTOPUS_URL: sb.url, OCTOPUS_API_KEY: sb.apiKey}})
    }

    beforeAll(async () => {
      sb = await startTestSandbox({seed: 'demo'})
      cwd = tempDir('octoworkers-ci-recipe')
      const init = await runCli(['check', '--init'], {cwd})
      expect(init.exitCode, init.stderr).toBe(0)
      // A name that needs every escape a workflow command property has: %, : and ,.
      const created = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 'Odd: 100%, pool', WorkerPoolType: 'StaticWorkerPool'})
      expect(created.status, created.text).toBe(201)
    })
    afterAll(async () => sb?.close())

    it('the SARIF step: valid SARIF 2.1.0, accepted by code scanning, a physical location on every result, exit 0 with findings', async () => {
      const result = await step('--format sarif')
      expect(result.exitCode, result.stderr).toBe(0)
      const sarif = JSON.parse(result.stdout)
      expect(sarifSchemaProblems(sarif)).toEqual([])
      expect(githubCodeScanningProblems(sarif)).toEqual([])
      const results = sarif.runs[0].results
      expect(results.length).toBeGreaterThan(0)
      for (const r of results) expect(r.locations[0].physicalLocation).toMatchObject({artifactLocation: {uri: expect.any(String)}, region: {startLine: expect.any(Number)}})
    })

    it('the annotations step: workflow commands escaped as GitHub requires, exit 1 on errors', async () => {
      const result = await step('--format github')
      expect(result.exitCode, result.stderr).toBe(1)
      const commands = result.stdout.split('\n').filter((l) => l.startsWith('::'))
      expect(commands.length).toBeGreaterThan(0)
      for (const line of commands) {
        const match = /^::(error|warning|notice) title=([^:]*)::(.*)$/.exec(line)
        expect(match, line).not.toBeNull()
        const [, , title, data] = match!
        // Properties: % CR LF : , escaped; data: % CR LF escaped; a % only ever starts an escape.
        expect(title).not.toMatch(/[\r\n,]|%(?!25|0D|0A|3A|2C)/)
        expect(data).not.toMatch(/[\r\n]|%(?!25|0D|0A)/)
      }
      const odd = commands.find((l) => l.includes('Odd%3A 100%25%2C pool'))
      expect(odd, commands.join('\n')).toBeDefined()
      const unescape = (s: string) => s.replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
      expect(unescape(/title=([^:]*)::/.exec(odd!)![1])).toMatch(/^[a-z]+\/[a-z-]+ Default\/Odd: 100%, pool$/)
    })
  })
})

describe('the GitLab CI recipe', () => {
  it('is valid YAML, asks for an ID token for the service account, stores no secret, and docs/ci/gitlab-ci.md shows that very file', () => {
    const doc = parseYaml(read(GITLAB))
    const job = doc['octoworkers-check']
    expect(job.id_tokens).toEqual({OCTOPUS_ID_TOKEN: {aud: '$OCTOPUS_SERVICE_ACCOUNT_ID'}})
    expect(job.script.at(-1)).toMatch(/^octoworkers check .*--format junit .*> octoworkers-check\.xml$/)
    expect(job.artifacts.reports.junit).toBe('octoworkers-check.xml')
    expect(read(GITLAB)).not.toMatch(/OCTOPUS_API_KEY/)
    expect(fencedYaml(read('docs/ci/gitlab-ci.md'))).toBe(read(GITLAB))
  })
})
