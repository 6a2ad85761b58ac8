import {describe, expect, it} from 'vitest'
import {checkName, parseTemplate, type Convention, type TemplateConvention} from '../../../src/lib/policy/convention.js'

function template(text: string, tokens: Record<string, string[] | string>, ignoreCase = false): TemplateConvention {
  return {
    kind: 'template',
    template: text,
    parts: parseTemplate(text),
    tokens: Object.fromEntries(Object.entries(tokens).map(([name, v]) => [name, Array.isArray(v) ? {name, values: v} : {name, pattern: v}])),
    ignoreCase,
  }
}

// Octopus's own example convention for workers: p-db-omaha-worker-01.
const workerConvention = template('{env}-{role}-{location}-worker-{nn}', {env: ['d', 't', 's', 'p'], role: ['db', 'web', 'app'], location: '[a-z]+', nn: '\\d{2}'})
// Octopus's own example for pools: Azure Central US Production Worker Pool.
const poolConvention = template('{platform} {location} {environment} Worker Pool', {
  platform: ['Azure', 'AWS', 'GCP', 'On-Premises'],
  location: '[A-Z][A-Za-z]*( [A-Z][A-Za-z]*)*',
  environment: ['Development', 'Test', 'Staging', 'Production'],
})

describe('worker naming template {env}-{role}-{location}-worker-{nn}', () => {
  it.each(['p-db-omaha-worker-01', 'd-web-london-worker-12', 't-app-sydney-worker-99', 's-db-x-worker-00'])('accepts %s', (name) => {
    expect(checkName(workerConvention, name)).toEqual({ok: true})
  })

  it.each([
    ['x-db-omaha-worker-01', ["env 'x' is not one of d,t,s,p"]],
    ['p-cache-omaha-worker-01', ["role 'cache' is not one of db,web,app"]],
    ['p-db-Omaha-worker-01', ["location 'Omaha' does not match [a-z]+"]],
    ['p-db-omaha-worker-1', ["nn '1' does not match \\d{2}"]],
    ['p-db-omaha-worker-012', ["nn '012' does not match \\d{2}"]],
    ['x-cache-omaha-worker-1', ["env 'x' is not one of d,t,s,p", "role 'cache' is not one of db,web,app", "nn '1' does not match \\d{2}"]],
    ['p-db-omaha-01', ["expected '-worker-' after {location}"]],
    ['P-DB-OMAHA-WORKER-01', ["expected '-worker-' after {location}"]],
    ['pdbomaha', ["expected '-' after {env}"]],
  ])('rejects %s, saying which part is wrong', (name, problems) => {
    expect(checkName(workerConvention, name)).toEqual({ok: false, problems})
  })

  it('ignoreCase accepts upper-case names', () => {
    const conv = {...workerConvention, ignoreCase: true}
    expect(checkName(conv, 'P-DB-OMAHA-WORKER-01')).toEqual({ok: true})
  })
})

describe('pool naming template {platform} {location} {environment} Worker Pool', () => {
  it.each(['Azure Central US Production Worker Pool', 'AWS Oregon Staging Worker Pool', 'On-Premises Omaha Test Worker Pool'])('accepts %s', (name) => {
    expect(checkName(poolConvention, name)).toEqual({ok: true})
  })

  it.each([
    ['Azure Central US Prod Worker Pool', "environment 'Prod' is not one of Development,Test,Staging,Production"],
    ['azure Central US Production Worker Pool', "platform 'azure' is not one of Azure,AWS,GCP,On-Premises"],
    ['Azure central us Production Worker Pool', "location 'central us' does not match [A-Z][A-Za-z]*( [A-Z][A-Za-z]*)*"],
    ['Default Worker Pool', "expected ' Worker Pool' after {environment}"],
    ['Azure Central US Production Workers', "expected ' Worker Pool' after {environment}"],
  ])('rejects %s', (name, problem) => {
    const result = checkName(poolConvention, name)
    expect(result.ok).toBe(false)
    expect(result.ok ? [] : result.problems.join('; ')).toContain(problem)
  })
})

describe('regex conventions', () => {
  const conv: Convention = {kind: 'regex', source: '[a-z]-[a-z]+-[a-z]+-worker-\\d{2}', ignoreCase: false, description: 'env-role-location-worker-nn'}

  it.each(['p-db-omaha-worker-01', 'd-web-x-worker-99'])('accepts %s', (name) => {
    expect(checkName(conv, name).ok).toBe(true)
  })

  it.each(['p-db-omaha-worker-1', 'worker01', 'xp-db-omaha-worker-01', 'p-db-omaha-worker-01 '])('rejects %s (the whole name must match)', (name) => {
    expect(checkName(conv, name)).toEqual({ok: false, problems: [`'${name}' does not match /${conv.source}/ (env-role-location-worker-nn)`]})
  })
})

describe('parseTemplate', () => {
  it('splits literals and tokens', () => {
    expect(parseTemplate('{env}-worker-{nn}')).toEqual([{token: 'env'}, {literal: '-worker-'}, {token: 'nn'}])
  })

  it.each([
    ['{env', /unbalanced brace/],
    ['{env}}', /unbalanced brace/],
    ['{en v}-x', /not a token name/],
    ['{a}{b}', /need text between them/],
    ['plain-name', /has no \{tokens\}/],
  ])('rejects %s', (text, message) => {
    expect(() => parseTemplate(text)).toThrow(message)
  })
})
