import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tempDir as makeTempDir} from '../../helpers/temp.js'
import path from 'node:path'
import {XMLParser, XMLValidator} from 'fast-xml-parser'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson, runCli, type CliResult} from '../../helpers/cli.js'
import {startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {githubCodeScanningProblems, sarifSchemaProblems} from '../../helpers/sarif.js'
import {STARTER_CONFIG} from '../../../src/config/octoworkers-yaml/starter.js'
import {RULE_IDS} from '../../../src/domain/policy/types.js'
import {cliEnv, createPool, createWorker, healthCheck, setWorkerDisabled} from './estate.js'

function tempDir(): string {
  return makeTempDir('octoworkers-check')
}

/** The 1-based line of the first line of `text` that is exactly `line`. */
function lineOf(text: string, line: string): number {
  return text.split('\n').indexOf(line) + 1
}

function configFile(text: string): string {
  const file = path.join(tempDir(), '.octoworkers.yaml')
  writeFileSync(file, text)
  return file
}


describe('check against the demo estate', () => {
  let sandbox: Sandbox
  let starter: string
  const check = (args: string[]): Promise<CliResult> => runCli(['check', '--config', starter, ...args], {env: cliEnv(sandbox)})

  beforeAll(async () => {
    sandbox = await startTestSandbox({seed: 'demo'})
    starter = configFile(STARTER_CONFIG)
    // The demo estate lacks three situations; create them so that every rule fires.
    // worker/duplicate-name: a worker in Platform Team with the name of one in Default.
    await createWorker(sandbox, 'Spaces-2', 'p-db-omaha-worker-02', ['WorkerPools-9'])
    // redundancy/all-unhealthy: a pool whose only worker fails its health check.
    const broken = await createPool(sandbox, 'Spaces-1', 'Broken Worker Pool')
    const sick = await createWorker(sandbox, 'Spaces-1', 'p-db-omaha-worker-09', [broken.Id], 'sick.unhealthy.test')
    await healthCheck(sandbox, 'Spaces-1', [sick.Id])
    // ha/too-few-workers: Platform Team keeps 1 usable worker of its 2 (the demo server has 2 nodes).
    await setWorkerDisabled(sandbox, 'Spaces-2', 'Workers-14', true)
  })
  afterAll(async () => sandbox?.close())

  it('every rule fires at least once (--all-spaces --json), and errors make exit 1', async () => {
    const result = await check(['--all-spaces', '--json'])
    expect(result.exitCode, result.stderr).toBe(1)
    const doc = parseJson(result)
    const fired = new Set(doc.Findings.map((f: any) => f.RuleId))
    expect([...RULE_IDS].filter((id) => !fired.has(id))).toEqual([])
    expect(doc.Rules.every((r: any) => r.Status === 'ran')).toBe(true)
    expect(doc.Failed).toBe(true)
    expect(doc.Spaces.map((s: any) => s.Name)).toEqual(['Default', 'Platform Team'])
    // spot checks against the documented demo estate
    const find = (rule: string, subject: string) => doc.Findings.find((f: any) => f.RuleId === rule && f.Subject === subject)
    expect(find('naming/worker', 'WIN-7F3K2P9')?.Message).toContain("(template {env}-{role}-{location}-worker-{nn}): env 'WIN' is not one of d,t,s,p.")
    expect(find('naming/pool', 'test pool')).toBeDefined()
    expect(find('naming/pool', 'Azure Central US Production Worker Pool')).toBeUndefined()
    expect(find('naming/worker', 'p-db-omaha-worker-01')).toBeUndefined()
    expect(find('worker/also-deployment-target', 'p-web-azcus-worker-01')?.Message).toContain('web-prod-01')
    expect(find('worker/duplicate-thumbprint', 'tmp-box')).toBeDefined()
    expect(find('builtin/in-use', 'Default Worker Pool')).toMatchObject({SpaceName: 'Platform Team', Severity: 'warning'})
    expect(find('redundancy/all-unhealthy', 'Broken Worker Pool')).toMatchObject({Severity: 'error'})
    expect(find('pool/empty', 'Empty Windows Worker Pool')).toBeDefined()
    expect(find('dynamic/in-use', 'Hosted Ubuntu')).toMatchObject({Severity: 'note', Fix: null})
    expect(doc.Findings.filter((f: any) => f.RuleId === 'worker/duplicate-name').map((f: any) => f.SpaceName).sort()).toEqual(['Default', 'Platform Team'])
    for (const f of doc.Findings) expect(Object.keys(f).sort()).toEqual(['Fix', 'Message', 'RuleId', 'Severity', 'SpaceId', 'SpaceName', 'Subject', 'SubjectId'])
  })

  it('the starter conventions accept Octopus\'s own names and blame the first token that does not fit', async () => {
    const doc = parseJson(await check(['--all-spaces', '--json']))
    const naming = (rule: string, subject: string) => doc.Findings.find((f: any) => f.RuleId === rule && f.Subject === subject)
    for (const pool of ['Production Database Omaha Worker Pool', 'Azure Central US Production Worker Pool', 'Default Worker Pool', 'Hosted Ubuntu']) expect(naming('naming/pool', pool)).toBeUndefined()
    for (const worker of ['p-db-omaha-worker-01', 'p-web-azcus-worker-01', 's-linux-omaha-worker-01', 'p-k8s-london-worker-01']) expect(naming('naming/worker', worker)).toBeUndefined()
    expect(naming('naming/worker', 'default-linux-worker-01')?.Message).toBe("Worker name 'default-linux-worker-01' does not follow the convention (template {env}-{role}-{location}-worker-{nn}): env 'default' is not one of d,t,s,p.")
  })

  it('upgrade fixes name this tool\'s command (or the agent\'s Helm upgrade); a Kubernetes agent pool below its floor is told to install an agent', async () => {
    const doc = parseJson(await check(['--all-spaces', '--json']))
    const upgrades = doc.Findings.filter((f: any) => f.RuleId === 'health/upgrade-needed')
    const fix = (subject: string) => upgrades.find((f: any) => f.Subject === subject)?.Fix
    expect(fix('WIN-7F3K2P9')).toMatch(/^octoworkers worker upgrade WIN-7F3K2P9 --space Default( && octoworkers worker upgrade WIN-7F3K2P9 --calamari --space Default)?$/)
    expect(fix('k8s-agent-worker-01')).toBe('helm upgrade --atomic --namespace octopus-agent-k8s-agent-worker-01 octopus-agent-k8s-agent-worker-01 oci://registry-1.docker.io/octopusdeploy/kubernetes-agent')
    expect(upgrades.filter((f: any) => /web portal|\/app#/.test(f.Fix ?? ''))).toEqual([])
    // Nothing worker upgrade skips for want of a Tentacle or Calamari is reported.
    for (const subject of ['imported-worker-none', 'imported-worker-no-endpoint']) expect(fix(subject)).toBeUndefined()
    expect(upgrades.filter((f: any) => f.Subject === 'k8s-agent-worker-01' && /Calamari/.test(f.Message))).toEqual([])
    const agentPool = doc.Findings.find((f: any) => f.RuleId === 'redundancy/min-workers' && f.Subject === 'Kubernetes Agent Worker Pool')
    expect(agentPool.Fix).toMatch(/^helm upgrade --install --atomic --create-namespace --namespace octopus-agent-NAME octopus-agent-NAME oci:\/\/registry-1\.docker\.io\/octopusdeploy\/kubernetes-agent /)
    expect(agentPool.Fix).toContain(`--set agent.space=Default --set agent.worker.enabled=true --set 'agent.worker.initial.workerPools={${agentPool.SubjectId}}'`)
    expect(agentPool.Fix).not.toContain('worker register')
  })

  it('reads a fixed number of requests per space, whatever the number of workers', async () => {
    const one = parseJson(await check(['--json']))
    const all = parseJson(await check(['--all-spaces', '--json']))
    // per space: its home document + pools/all + workers/all + summary + machines/all, and for the
    // usage/* rules projects, deployment processes, runbooks, runbook processes, environments,
    // channels, library sets, feeds and variable sets (Platform Team has no version-controlled project)
    expect(all.HttpRequests - one.HttpRequests).toBe(5 + 9)
    for (let i = 0; i < 5; i++) await createWorker(sandbox, 'Spaces-1', `p-db-omaha-worker-${20 + i}`, ['WorkerPools-2'])
    const more = parseJson(await check(['--all-spaces', '--json']))
    expect(more.Summary.Workers).toBe(all.Summary.Workers + 5)
    expect(more.HttpRequests).toBe(all.HttpRequests)
  })

  it('scope: the current space by default, or --space', async () => {
    const byDefault = parseJson(await check(['--json']))
    expect(byDefault.Spaces.map((s: any) => s.Name)).toEqual(['Default'])
    const platform = parseJson(await check(['--space', 'Platform Team', '--json']))
    expect(platform.Spaces).toEqual([{Id: 'Spaces-2', Name: 'Platform Team'}])
    expect(new Set(platform.Findings.map((f: any) => f.SpaceId ?? 'Spaces-2'))).toEqual(new Set(['Spaces-2']))
  })

  it('table output groups by severity and ends with a summary line', async () => {
    const result = await check(['--all-spaces'])
    expect(result.exitCode).toBe(1)
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines.filter((l) => /^(ERRORS|WARNINGS|NOTES) \(\d+\)$/.test(l)).map((l) => l.split(' ')[0])).toEqual(['ERRORS', 'WARNINGS', 'NOTES'])
    expect(lines.at(-1)).toMatch(/^\d+ errors?, \d+ warnings?, \d+ notes? in 2 spaces \(\d+ pools, \d+ workers\)\.$/)
  })

  it('--fail-on sets the exit code', async () => {
    expect((await check(['--all-spaces', '--fail-on', 'never'])).exitCode).toBe(0)
    expect((await check(['--space', 'Platform Team', '--fail-on', 'error'])).exitCode).toBe(1)
    // Platform Team with errors off: only warnings left
    const relaxed = configFile('severities:\n  redundancy/min-workers: warning\n')
    const env = {env: cliEnv(sandbox)}
    expect((await runCli(['check', '--config', relaxed, '--space', 'Platform Team'], env)).exitCode).toBe(0)
    expect((await runCli(['check', '--config', relaxed, '--space', 'Platform Team', '--fail-on', 'warning'], env)).exitCode).toBe(1)
  })

  it('--format junit is valid JUnit XML with one case per rule and subject', async () => {
    const result = await check(['--all-spaces', '--format', 'junit'])
    expect(result.exitCode).toBe(1)
    expect(XMLValidator.validate(result.stdout)).toBe(true)
    const doc = new XMLParser({ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => ['testsuite', 'testcase'].includes(n)}).parse(result.stdout)
    const json = parseJson(await check(['--all-spaces', '--json']))
    const suites = doc.testsuites.testsuite
    expect(suites.map((s: any) => s.name)).toEqual([...RULE_IDS])
    for (const suite of suites) {
      const expected = json.Findings.filter((f: any) => f.RuleId === suite.name)
      expect(suite.testcase.length).toBe(Math.max(1, expected.length))
      expect(Number(suite.tests)).toBe(suite.testcase.length)
      expect(Number(suite.failures)).toBe(expected.filter((f: any) => f.Severity === 'error').length)
    }
    expect(Number(doc.testsuites.failures)).toBe(json.Summary.Errors)
    expect(result.stderr).toContain(`${json.Summary.Errors} error`)
  })

  it('--format sarif validates against the full SARIF 2.1.0 schema and GitHub code scanning\'s upload requirements', async () => {
    const result = await check(['--all-spaces', '--format', 'sarif'])
    const sarif = parseJson(result)
    expect(sarifSchemaProblems(sarif)).toEqual([])
    expect(githubCodeScanningProblems(sarif)).toEqual([])
    expect(sarif.version).toBe('2.1.0')
    const results = sarif.runs[0].results
    expect(new Set(results.map((r: any) => r.ruleId))).toEqual(new Set(RULE_IDS))
    const builtin = results.find((r: any) => r.ruleId === 'builtin/enabled')
    expect(builtin.locations[0].logicalLocations[0].name).toBe('Octopus Server')
    // The config file (outside this repository here: its name), at the line of the setting.
    expect(builtin.locations[0].physicalLocation).toEqual({artifactLocation: {uri: '.octoworkers.yaml'}, region: {startLine: lineOf(STARTER_CONFIG, '  builtin/enabled: warning')}})
    const naming = results.find((r: any) => r.ruleId === 'naming/pool')
    expect(naming.locations[0].physicalLocation.region.startLine).toBe(lineOf(STARTER_CONFIG, '  pool:'))
  })

  it('--format sarif in a repository with no config file: the file check would read, from the repository root, line 1', async () => {
    const root = tempDir()
    mkdirSync(path.join(root, '.git'))
    mkdirSync(path.join(root, 'infra'))
    // The working directory is the point: the run's context has its own.
    const run = await runCli(['check', '--format', 'sarif', '--fail-on', 'never'], {cwd: path.join(root, 'infra'), env: cliEnv(sandbox)})
    const sarif = JSON.parse(run.stdout)
    expect(githubCodeScanningProblems(sarif)).toEqual([])
    expect(sarif.runs[0].results.length).toBeGreaterThan(0)
    for (const r of sarif.runs[0].results) expect(r.locations[0].physicalLocation).toEqual({artifactLocation: {uri: 'infra/.octoworkers.yaml'}, region: {startLine: 1}})
  })

  it('--format github prints one workflow command per finding', async () => {
    const result = await check(['--all-spaces', '--format', 'github'])
    const json = parseJson(await check(['--all-spaces', '--json']))
    const commands = result.stdout.split('\n').filter((l) => l.startsWith('::'))
    expect(commands).toHaveLength(json.Findings.length)
    expect(commands.filter((l) => l.startsWith('::error title=')).length).toBe(json.Summary.Errors)
    expect(commands.filter((l) => l.startsWith('::notice title=dynamic/in-use Default/Hosted Ubuntu::'))).toHaveLength(1)
    expect(commands.every((l) => /^::(error|warning|notice) title=[^:]+::\S/.test(l))).toBe(true)
    // The summary is the log's last line, once: not repeated on stderr.
    const summary = result.stdout.trimEnd().split('\n').at(-1)!
    expect(summary).toMatch(/^\d+ errors?, \d+ warnings?, \d+ notes? in 2 spaces/)
    expect(result.stderr).not.toContain(summary)
  })

  it('--format github on a terminal shows its summary once', async () => {
    const {runInPty} = await import('../../helpers/pty.js')
    const result = await runInPty(['check', '--config', starter, '--all-spaces', '--format', 'github'], cliEnv(sandbox), [])
    expect(result.exitCode, result.screen).toBe(1)
    const summaries = result.screen.split('\n').filter((l) => / in 2 spaces \(\d+ pools, \d+ workers\)/.test(l))
    expect(summaries, result.screen).toHaveLength(1)
  })

  it('--json with --format json is one choice, not two', async () => {
    const both = await check(['--all-spaces', '--json', '--format', 'json'])
    const formatOnly = await check(['--all-spaces', '--format', 'json'])
    expect([both.exitCode, formatOnly.exitCode]).toEqual([1, 1])
    const strip = (doc: any) => ({...doc, HttpRequests: 0})
    expect(strip(parseJson(formatOnly))).toEqual(strip(parseJson(both)))
  })

  it('ignores and per-pool overrides from the config file apply', async () => {
    const file = configFile([
      'pools:',
      '  "Staging *":',
      '    minWorkers: 1',
      'ignores:',
      '  - rule: pool/empty',
      '    subject: "empty *"',
      '    reason: kept for DR',
    ].join('\n'))
    const doc = parseJson(await runCli(['check', '--config', file, '--json'], {env: cliEnv(sandbox)}))
    expect(doc.ConfigFile).toBe(file)
    expect(doc.Findings.some((f: any) => f.RuleId === 'pool/empty')).toBe(false)
    expect(doc.Ignored.map((f: any) => [f.RuleId, f.Subject, f.IgnoredBy.reason])).toEqual([['pool/empty', 'Empty Windows Worker Pool', 'kept for DR']])
    expect(doc.Findings.some((f: any) => f.RuleId === 'redundancy/min-workers' && f.Subject === 'Staging Linux Worker Pool')).toBe(false)
  })
})

describe('check against a clean estate', () => {
  let sandbox: Sandbox
  let file: string
  beforeAll(async () => {
    sandbox = await startTestSandbox({seed: 'empty'})
    file = configFile(STARTER_CONFIG)
    const {api} = await import('../../helpers/sandbox.js')
    const pool = (await api(sandbox, 'GET', '/api/Spaces-1/workerpools/WorkerPools-1')).body
    await api(sandbox, 'PUT', '/api/Spaces-1/workerpools/WorkerPools-1', {...pool, Name: 'Azure Central US Production Worker Pool'})
    const workers = [
      await createWorker(sandbox, 'Spaces-1', 'p-db-omaha-worker-01', ['WorkerPools-1']),
      await createWorker(sandbox, 'Spaces-1', 'p-db-omaha-worker-02', ['WorkerPools-1']),
    ]
    await healthCheck(sandbox, 'Spaces-1', workers.map((w) => w.Id))
    const off = await runCli(['builtin-worker', 'disable', '-y', '--no-prompt'], {env: cliEnv(sandbox)})
    if (off.exitCode !== 0) throw new Error(`builtin-worker disable: ${off.stderr}`)
  })
  afterAll(async () => sandbox?.close())

  it('no rule fires, every rule ran, and even --fail-on warning passes', async () => {
    const result = await runCli(['check', '--config', file, '--all-spaces', '--json', '--fail-on', 'warning'], {env: cliEnv(sandbox)})
    expect(result.exitCode, result.stdout).toBe(0)
    const doc = parseJson(result)
    expect(doc.Findings).toEqual([])
    expect(doc.Ignored).toEqual([])
    expect(doc.Rules.map((r: any) => r.Status)).toEqual(RULE_IDS.map(() => 'ran'))
    const table = await runCli(['check', '--config', file], {env: cliEnv(sandbox)})
    expect(table.stdout).toBe('No findings in 1 space (1 pool, 2 workers).\n')
  })

  it('JUnit has one passing case per rule; SARIF has no results', async () => {
    const junit = await runCli(['check', '--config', file, '--format', 'junit'], {env: cliEnv(sandbox)})
    expect(XMLValidator.validate(junit.stdout)).toBe(true)
    expect(junit.stdout).toContain(`<testsuites name="octoworkers check" tests="${RULE_IDS.length}" failures="0" errors="0" skipped="0"`)
    const sarif = parseJson(await runCli(['check', '--config', file, '--format', 'sarif'], {env: cliEnv(sandbox)}))
    expect(sarifSchemaProblems(sarif)).toEqual([])
    expect(githubCodeScanningProblems(sarif)).toEqual([])
    expect(sarif.runs[0].results).toEqual([])
  })
})

describe('check: bad input is exit 2 before any request', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startTestSandbox({seed: 'empty'})
  })
  afterAll(async () => sandbox?.close())

  const badConfigs: Array<[string, string, number, RegExp]> = [
    ['an invalid regex', 'conventions:\n  worker:\n    regex: "p-(db"\n', 3, /conventions\.worker\.regex: invalid regex 'p-\(db'/],
    ['an unknown rule ID', 'severities:\n  naming/wroker: error\n', 2, /unknown rule ID 'naming\/wroker'/],
    ['an unknown token in a template', 'conventions:\n  pool:\n    template: "{env}-{tier}"\n    tokens:\n      env: [p]\n', 3, /unknown token \{tier\}/],
    ['a negative threshold', '\nthresholds:\n  minWorkers: -3\n', 3, /thresholds\.minWorkers: must not be negative \(got -3\)/],
    ['a YAML syntax error', 'thresholds:\n  minWorkers: [2\n', 3, /YAML syntax error/],
  ]

  it.each(badConfigs)('a config with %s names the file, line and problem', async (_what, text, line, problem) => {
    const file = configFile(text)
    for (const json of [false, true]) {
      const result = await runCli(['check', '--config', file, '--debug', ...(json ? ['--json'] : [])], {env: cliEnv(sandbox)})
      expect(result.exitCode).toBe(2)
      const message = json ? parseJson(result).Error.Message : result.stderr
      expect(message).toContain(`Invalid config file ${file}, line ${line}: `)
      expect(message).toMatch(problem)
      expect(result.stderr).not.toContain('[debug] GET')
    }
  })

  it('a bad config found up the tree is reported the same way', async () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, '.octoworkers.yaml'), 'severities:\n  nope/nope: error\n')
    const run = await runCli(['check'], {cwd: dir, env: cliEnv(sandbox)})
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain(`Invalid config file ${path.join(dir, '.octoworkers.yaml')}, line 2: severities.nope/nope: unknown rule ID 'nope/nope'`)
  })

  it.each([
    [['--format', 'xml'], /Expected --format=xml to be one of: table, json, junit, sarif, github/],
    [['--fail-on', 'sometimes'], /Expected --fail-on=sometimes to be one of: error, warning, never/],
    [['--space', 'Default', '--all-spaces'], /--space and --all-spaces cannot be used together/],
    [['--json', '--format', 'junit'], /--json and --format cannot be used together\./],
    [['--format', 'table', '--json'], /--json and --format cannot be used together\./],
    [['--format', 'github', '--json'], /--json and --format cannot be used together\./],
    [['--format', 'sarif', '--json'], /--json and --format cannot be used together\./],
    [['--config', 'no-such-file.yaml'], /--config: no such file 'no-such-file.yaml'/],
  ])('check %j', async (args, message) => {
    const result = await runCli(['check', '--debug', ...args], {env: cliEnv(sandbox)})
    expect(result.exitCode).toBe(2)
    // Under --json the error is the JSON document on stdout.
    expect(args.includes('--json') ? JSON.parse(result.stdout).Error.Message : result.stderr).toMatch(message)
    expect(result.stderr).not.toContain('[debug] GET')
  })
})

describe('check --init', () => {
  it('writes the starter file, refuses to overwrite it, and --force replaces it', async () => {
    const file = path.join(tempDir(), 'policy.yaml')
    const first = await runCli(['check', '--init', '--config', file])
    expect(first.exitCode).toBe(0)
    expect(first.stdout).toContain(`Wrote ${file}`)
    expect(readFileSync(file, 'utf8')).toBe(STARTER_CONFIG)
    expect(readFileSync(file, 'utf8')).toContain('p-db-omaha-worker-01')
    writeFileSync(file, '# mine\n')
    const again = await runCli(['check', '--init', '--config', file])
    expect(again.exitCode).toBe(2)
    expect(again.stderr).toContain(`${file} already exists; not overwriting it.`)
    expect(readFileSync(file, 'utf8')).toBe('# mine\n')
    const forced = await runCli(['check', '--init', '--config', file, '--force'])
    expect(forced.exitCode).toBe(0)
    expect(readFileSync(file, 'utf8')).toBe(STARTER_CONFIG)
  })

  it('into a directory that does not exist: one clear line, exit 1', async () => {
    const file = path.join(tempDir(), 'missing', 'policy.yaml')
    const result = await runCli(['check', '--init', '--config', file])
    expect(result.exitCode).toBe(1)
    expect(result.stderr.trim()).toBe(`Error: Cannot write ${file}: its directory does not exist.`)
  })
})
