import {readFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {EXIT_CODES_TABLE} from '../../../src/text/errors.js'
import {parseJson, repoRoot, runCli, tempConfigHome, type CliResult} from '../../helpers/cli.js'

// The command line itself (docs/ARCHITECTURE.md §2): oclif's parse errors and unknown commands are bad usage,
// exit 2, one clear line, a JSON error object under --json, and no request is sent.

const KEY = 'API-CLITESTS000000001'
let server: Server
let serverUrl: string
let requests = 0

beforeAll(async () => {
  // Stands in for an Octopus Server and only counts what reaches it: a usage error must send nothing.
  server = createServer((_req, res) => {
    requests++
    res.writeHead(500).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
beforeEach(() => {
  requests = 0
})

function octo(args: string[]): Promise<CliResult> {
  return runCli(args, {env: {OCTOPUS_URL: serverUrl, OCTOPUS_API_KEY: KEY, XDG_CACHE_HOME: tempConfigHome()}})
}

/** Exit 2 with one `Error:` line and a hint on stderr, nothing on stdout; under --json, the same as a JSON object on stdout. */
async function expectUsageError(args: string[], message: RegExp, extra: Record<string, unknown> = {}): Promise<void> {
  const plain = await octo(args)
  expect(plain.exitCode, plain.stderr).toBe(2)
  expect(plain.stdout).toBe('')
  const lines = plain.stderr.trimEnd().split('\n')
  expect(lines).toHaveLength(2)
  expect(lines[0]).toMatch(/^Error: /)
  expect(lines[0]).toMatch(message)
  expect(lines[1]).toMatch(/^Hint: See `octoworkers .*--help`\.$/)

  const json = await octo([...args, '--json'])
  expect(json.exitCode, json.stderr).toBe(2)
  expect(json.stderr).toBe('')
  const error = parseJson(json).Error
  expect(error).toMatchObject({ExitCode: 2, Hint: expect.stringMatching(/--help/), ...extra})
  // The same message as the text line's.
  expect(`Error: ${error.Message}`).toMatch(message)
  expect(requests).toBe(0)
}

describe('parse errors: exit 2, one punctuated line, nothing sent', () => {
  it('an unknown flag, with no close match', async () => {
    await expectUsageError(['pool', 'list', '--frobnicate'], /^Error: Unknown flag: --frobnicate\.$/, {Code: 'usage'})
  })

  it('a misspelt flag suggests the flag it resembles, also under --json', async () => {
    await expectUsageError(['whoami', '--servr', 'http://x'], /^Error: Unknown flag: --servr\. Did you mean --server\?$/, {Code: 'usage', Suggestions: ['--server']})
    // The value after `=` is not part of the flag's name.
    await expectUsageError(['pool', 'list', '--tpye=static'], /Unknown flag: --tpye\. Did you mean --type\?$/, {Suggestions: ['--type']})
  })

  it('a missing required argument', async () => {
    await expectUsageError(['pool', 'view'], /^Error: Missing required argument: pool\.$/, {Code: 'usage'})
  })

  it('a value outside a flag\'s options, with the closest option', async () => {
    await expectUsageError(['pool', 'list', '--type', 'elastic'], /^Error: Expected --type=elastic to be one of: static, dynamic\.$/, {Code: 'usage'})
    await expectUsageError(['pool', 'list', '--type', 'statc'], /Expected --type=statc to be one of: static, dynamic\. Did you mean --type static\?$/, {Suggestions: ['--type static']})
  })

  it('a flag without its value', async () => {
    await expectUsageError(['whoami', '--server'], /^Error: Flag --server expects a value\.$/, {Code: 'usage'})
  })

  it('flags that exclude each other', async () => {
    await expectUsageError(['worker', 'list', '--enabled', '--disabled'], /^Error: --\S+ and --\S+ cannot be used together\.$/, {Code: 'usage'})
  })

  it('an argument a command does not take', async () => {
    await expectUsageError(['whoami', 'extra'], /^Error: Unexpected argument: extra\.$/, {Code: 'usage'})
  })

  it('a --json after `--` is an argument, not the flag: the error stays a line on stderr', async () => {
    const result = await octo(['whoami', '--frobnicate', '--', '--json'])
    expect(result.exitCode).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr.trim().split('\n')).toEqual(['Error: Unknown flag: --frobnicate.', 'Hint: See `octoworkers whoami --help`.'])
  })

  it('OCTOWORKERS_CONTENT_TYPE=json in the run\'s environment turns --json on; in the test process\'s own environment it does not', async () => {
    const viaEnv = await runCli(['whoami', '--frobnicate'], {env: {OCTOPUS_URL: serverUrl, OCTOPUS_API_KEY: KEY, OCTOWORKERS_CONTENT_TYPE: 'JSON'}})
    expect(viaEnv.exitCode).toBe(2)
    expect(parseJson<{Error: {Code: string}}>(viaEnv).Error.Code).toBe('usage')
    process.env.OCTOWORKERS_CONTENT_TYPE = 'json'
    try {
      const notInRunEnv = await octo(['whoami', '--frobnicate'])
      expect(notInRunEnv.exitCode).toBe(2)
      expect(notInRunEnv.stdout).toBe('')
      expect(notInRunEnv.stderr).toMatch(/^Error: Unknown flag: --frobnicate\./)
    } finally {
      delete process.env.OCTOWORKERS_CONTENT_TYPE
    }
  })

  it('a bad flag leaves nothing on the process\'s own stderr: no oclif "did not parse its arguments" warning', async () => {
    const warnings: Array<Error & {code?: string}> = []
    const listener = (warning: Error) => warnings.push(warning)
    process.on('warning', listener)
    try {
      expect((await octo(['pool', 'list', '--colour'])).exitCode).toBe(2)
      expect((await octo(['pool', 'view'])).exitCode).toBe(2)
      // process.emitWarning emits on the next tick.
      await new Promise((resolve) => setImmediate(resolve))
    } finally {
      process.off('warning', listener)
    }
    expect(warnings.filter((w) => w.code === 'UnparsedCommand').map((w) => w.message)).toEqual([])
  })

  it('never ends with oclif\'s "See more help with --help" run into the sentence', async () => {
    const result = await octo(['pool', 'list', '--colour'])
    expect(result.exitCode).toBe(2)
    expect(result.stderr.trim().split('\n')).toEqual(['Error: Unknown flag: --colour. Did you mean --no-color?', 'Hint: See `octoworkers pool list --help`.'])
  })
})

describe('unknown commands: exit 2 with the closest commands, never a guessed run', () => {
  it('a word that is no command at all', async () => {
    await expectUsageError(['nosuchcommand'], /^(Error: )?Unknown command: nosuchcommand\.$/, {Code: 'unknown-command', Suggestions: []})
  })

  it('a mistyped command in a topic suggests that topic\'s commands and aliases', async () => {
    await expectUsageError(['pool', 'lst'], /Unknown command: pool lst\. Did you mean: pool ls, pool list\?/, {
      Code: 'unknown-command',
      Hint: 'See `octoworkers pool --help`.',
      Suggestions: ['pool ls', 'pool list'],
    })
  })

  it('a mistyped command followed by its argument suggests the command, as without the argument', async () => {
    await expectUsageError(['worker', 'vew', 'my-box'], /^Error: Unknown command: worker vew\. Did you mean: worker view[,?]/m, {
      Code: 'unknown-command',
      Hint: 'See `octoworkers worker --help`.',
      Suggestions: expect.arrayContaining(['worker view']),
    })
    await expectUsageError(['pools', 'list', 'extra'], /^Error: Unknown command: pools list\. Did you mean: pool list[,?]/)
  })

  it('a mistyped topic suggests the command it resembles', async () => {
    await expectUsageError(['leas', 'list'], /Did you mean: (.*, )?leases list[,?]/)
  })
})

describe('version, help and autocomplete', () => {
  it('--version prints the package version, exit 0', async () => {
    const {version} = JSON.parse(readFileSync(`${repoRoot}/package.json`, 'utf8')) as {version: string}
    const result = await octo(['--version'])
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(new RegExp(`^octoworkers/${version.replaceAll('.', '\\.')} `))
  })

  it.each([[[] as string[]], [['pool', 'list']], [['login']], [['worker', 'register', 'ssh']]])('--help %j lists every exit code', async (command) => {
    const result = await octo([...command, '--help'])
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('EXIT CODES')
    for (const row of EXIT_CODES_TABLE.split('\n')) expect(result.stdout).toContain(row)
  })

  it('bin/dev.mjs runs a command from the TypeScript sources, as the bundle does: its exit code and one-line error', async () => {
    const result = await runCli(['pool', 'list', '--no-such-flag', '--json'], {sources: true})
    expect(result.exitCode, result.stderr).toBe(2)
    expect(JSON.parse(result.stdout).Error.Message).toMatch(/no-such-flag/)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })

  it('autocomplete prints its set-up instructions, exit 0', async () => {
    const result = await octo(['autocomplete'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/Setup Instructions[\s\S]*octoworkers autocomplete script \w+/)
    expect(requests).toBe(0)
  })
})
