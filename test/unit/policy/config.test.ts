import {mkdirSync, writeFileSync} from 'node:fs'
import {tempDir} from '../../helpers/temp.js'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {CliError} from '../../../src/text/errors.js'
import {findConfigFile, loadConfig, parseConfig} from '../../../src/config/octoworkers-yaml/load.js'
import {checkName} from '../../../src/domain/policy/convention.js'
import {STARTER_CONFIG} from '../../../src/config/octoworkers-yaml/starter.js'

async function problemOf(text: string): Promise<CliError> {
  try {
    await parseConfig(text, '/repo/.octoworkers.yaml')
  } catch (error) {
    return error as CliError
  }
  throw new Error('expected the config to be rejected')
}

describe('parseConfig', () => {
  it('accepts the starter file and it encodes Octopus\'s examples', async () => {
    const config = await parseConfig(STARTER_CONFIG, 'starter')
    expect(config.minWorkers).toBe(2)
    expect(config.severities).toEqual({'builtin/enabled': 'warning'})
    expect(config.pools).toEqual([])
    expect(config.ignores).toEqual([])
    expect(checkName(config.conventions.worker!, 'p-db-omaha-worker-01')).toEqual({ok: true})
    expect(checkName(config.conventions.pool!, 'Azure Central US Production Worker Pool')).toEqual({ok: true})
  })

  it('reads several templates and the names accepted as they are', async () => {
    const config = await parseConfig([
      'conventions:',
      '  pool:',
      '    template:',
      '      - "{env} {loc} Worker Pool"',
      '      - "{loc} {env} Worker Pool"',
      '    tokens:',
      '      env: [Test, Production]',
      '      loc: "[A-Z][a-z]+"',
      '    allow: [Default Worker Pool]',
    ].join('\n'), 'f')
    const pool = config.conventions.pool!
    expect(pool).toMatchObject({kind: 'template', allow: ['Default Worker Pool']})
    expect(pool.kind === 'template' && pool.templates.map((t) => t.template)).toEqual(['{env} {loc} Worker Pool', '{loc} {env} Worker Pool'])
    for (const name of ['Test Omaha Worker Pool', 'Omaha Production Worker Pool', 'Default Worker Pool']) expect(checkName(pool, name)).toEqual({ok: true})
  })

  it('reads thresholds, per-pool overrides, severities and ignores', async () => {
    const config = await parseConfig([
      'thresholds:',
      '  minWorkers: 3',
      'pools:',
      '  "Spare *":',
      '    minWorkers: 0',
      'severities:',
      '  builtin/enabled: error',
      '  dynamic/in-use: off',
      'ignores:',
      '  - rule: naming/*',
      '    subject: Default Worker Pool',
      '    reason: stock pool',
      '  - rule: pool/empty',
    ].join('\n'), 'f')
    expect(config.minWorkers).toBe(3)
    expect(config.pools).toEqual([{match: 'Spare *', minWorkers: 0}])
    expect(config.severities).toEqual({'builtin/enabled': 'error', 'dynamic/in-use': 'off'})
    expect(config.ignores).toEqual([
      {rule: 'naming/*', subject: 'Default Worker Pool', space: undefined, reason: 'stock pool'},
      {rule: 'pool/empty', subject: '*', space: undefined, reason: undefined},
    ])
  })

  it('an empty file is the defaults', async () => {
    const config = await parseConfig('# nothing yet\n', 'f')
    expect(config.minWorkers).toBe(2)
    expect(config.conventions).toEqual({})
  })

  it.each([
    ['an invalid regex', 'conventions:\n  worker:\n    regex: "[a-z"\n', 3, /conventions\.worker\.regex: invalid regex '\[a-z'/],
    ['an invalid token pattern', 'conventions:\n  worker:\n    template: "{nn}-x"\n    tokens:\n      nn: "\\\\d{2"\n', 5, /conventions\.worker\.tokens\.nn: invalid regex/],
    ['an unknown rule ID in severities', 'severities:\n  builtin/enabled: error\n  naming/workers: error\n', 3, /unknown rule ID 'naming\/workers' \(did you mean naming\/worker, naming\/pool\?\)/],
    ['an unknown rule ID in ignores', 'ignores:\n  - rule: nope/rule\n    subject: x\n', 2, /unknown rule ID 'nope\/rule'/],
    ['an unknown token in a template', 'conventions:\n  worker:\n    template: "{env}-{rol}-worker"\n    tokens:\n      env: [p]\n', 3, /unknown token \{rol\} in template '\{env\}-\{rol\}-worker'/],
    ['a negative threshold', 'thresholds:\n  minWorkers: -1\n', 2, /thresholds\.minWorkers: must not be negative \(got -1\)/],
    ['a negative per-pool threshold', 'pools:\n  Linux:\n    minWorkers: -2\n', 3, /pools\.Linux\.minWorkers: must not be negative/],
    ['a YAML syntax error', 'thresholds:\n  minWorkers: 2\n severities: [\n', 3, /YAML syntax error/],
    ['a duplicate key', 'thresholds:\n  minWorkers: 2\n  minWorkers: 3\n', 3, /YAML syntax error: Map keys must be unique/],
    ['an unknown setting', 'thresholds:\n  minWorkerz: 2\n', 2, /unknown setting 'minWorkerz'/],
    ['a misspelt top-level setting', 'threshold:\n  minWorkers: 2\n', 1, /threshold: unknown setting 'threshold' \(did you mean 'thresholds'\? allowed: conventions, thresholds, /],
    ['a misspelt nested setting', 'thresholds:\n  minWorkerz: 2\n', 2, /thresholds\.minWorkerz: unknown setting 'minWorkerz' \(did you mean 'minWorkers'\? allowed: minWorkers\)/],
    ['an empty list of templates', 'conventions:\n  pool:\n    template: []\n', 3, /conventions\.pool\.template: the list of templates is empty/],
    ['a malformed second template', 'conventions:\n  pool:\n    template: ["{a} x", "{a"]\n    tokens:\n      a: [y]\n', 3, /conventions\.pool\.template\.1: unbalanced brace/],
    ['a token no template uses', 'conventions:\n  pool:\n    template: ["{a} x", "x {a}"]\n    tokens:\n      a: [y]\n      b: [z]\n', 6, /token 'b' is not used in any of the templates/],
    ['allow that is not a list', 'conventions:\n  pool:\n    regex: x\n    allow: Default Worker Pool\n', 4, /conventions\.pool\.allow: must be a list of names/],
    ['a bad severity', 'severities:\n  pool/empty: fatal\n', 2, /severity 'fatal' is not one of error, warning, note, off/],
    ['both regex and template', 'conventions:\n  pool:\n    regex: x\n    template: "{a}"\n', 3, /exactly one of `regex:` or `template:`/],
    ['a backreference (not linear-time)', 'conventions:\n  worker:\n    regex: "(a)\\\\1"\n', 3, /conventions\.worker\.regex: regex '\(a\)\\1' cannot be matched in linear time/],
    ['a lookahead token (not linear-time)', 'conventions:\n  worker:\n    template: "{x}-w"\n    tokens:\n      x: "a(?=b)"\n', 5, /tokens\.x: regex 'a\(\?=b\)' cannot be matched in linear time/],
    ['an alias bomb', [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'conventions: *d',
      '',
    ].join('\n'), 2, /YAML aliases: Excessive alias count/],
    ['an unknown alias', 'thresholds:\n  minWorkers: *nope\n', 2, /YAML aliases: /],
    ['a list where the settings belong', '- a\n- b\n', 1, /: the file must be a mapping of settings$/],
    ['an unknown key in a convention', 'conventions:\n  worker:\n    regex: x\n    extra: 1\n', 4, /conventions\.worker\.extra: unknown setting 'extra' \(allowed: regex, template, tokens, ignoreCase, description, allow\)/],
    ['an ignore without a rule', 'ignores:\n  - subject: x\n', 2, /ignores\.0: `rule` is required \(a rule ID, or a glob such as naming\/\*\)/],
    ['an allowed value that is not a string', 'conventions:\n  worker:\n    template: "{a}"\n    tokens:\n      a: [x, true]\n', 5, /conventions\.worker\.tokens\.a\.1: allowed values must be strings/],
    ['a fractional threshold', 'thresholds:\n  minWorkers: 1.5\n', 2, /thresholds\.minWorkers: must be a whole number, not '1\.5'/],
    ['a per-pool override that is not a mapping', 'pools:\n  Linux: 3\n', 2, /pools\.Linux: must be a mapping, e\.g\. `minWorkers: 1`/],
    ['tokens beside a regex', 'conventions:\n  worker:\n    regex: x\n    tokens: {a: [b]}\n', 4, /conventions\.worker\.tokens: `tokens` goes with `template:`, not `regex:`/],
  ])('rejects %s with exit 2, the file, the line and the problem', async (_what, text, line, problem) => {
    const error = await problemOf(text)
    expect(error).toBeInstanceOf(CliError)
    expect(error.exitCode).toBe(2)
    expect(error.message).toContain(`Invalid config file /repo/.octoworkers.yaml, line ${line}: `)
    expect(error.message).toMatch(problem)
  })
})

describe('conventions from a config file run in linear time', () => {
  it('the nested quantifier (a+)+b against a 60-character name finishes with the right answer', async () => {
    const config = await parseConfig('conventions:\n  pool:\n    template: "{x}"\n    tokens:\n      x: "(a+)+b"\n', 'f')
    const pool = config.conventions.pool!
    expect(checkName(pool, 'a'.repeat(60))).toEqual({ok: false, problems: ["x '" + 'a'.repeat(60) + "' does not match (a+)+b"]})
    expect(checkName(pool, 'a'.repeat(60) + 'b')).toEqual({ok: true})
  })

  it('a regex convention with a nested quantifier finishes too', async () => {
    const config = await parseConfig('conventions:\n  worker:\n    regex: "(a|aa)+c"\n', 'f')
    expect(checkName(config.conventions.worker!, 'a'.repeat(60)).ok).toBe(false)
  })

  it('aliases within the limit still work (shared token lists)', async () => {
    const config = await parseConfig('conventions:\n  worker:\n    template: "{env}-w"\n    tokens:\n      env: &envs [d, p]\n  pool:\n    template: "{env} pool"\n    tokens:\n      env: *envs\n', 'f')
    expect(checkName(config.conventions.pool!, 'p pool')).toEqual({ok: true})
  })
})

describe('finding the config file', () => {
  it('looks in the directory and then up the tree', async () => {
    const root = tempDir('octoworkers-policy')
    const nested = path.join(root, 'a', 'b')
    mkdirSync(nested, {recursive: true})
    expect(findConfigFile(nested)).toBeUndefined()
    writeFileSync(path.join(root, '.octoworkers.yaml'), 'thresholds:\n  minWorkers: 4\n')
    expect(findConfigFile(nested)).toBe(path.join(root, '.octoworkers.yaml'))
    expect((await loadConfig({cwd: nested})).minWorkers).toBe(4)
    writeFileSync(path.join(root, 'a', '.octoworkers.yaml'), 'thresholds:\n  minWorkers: 5\n')
    expect((await loadConfig({cwd: nested})).minWorkers).toBe(5)
  })

  it('--config must name an existing file (exit 2)', async () => {
    await expect(loadConfig({cwd: tempDir('octoworkers-policy'), explicitFile: 'no-such-octoworkers.yaml'})).rejects.toMatchObject({exitCode: 2, message: expect.stringContaining("no such file 'no-such-octoworkers.yaml'")})
  })
})
