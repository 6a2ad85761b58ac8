import {describe, expect, it} from 'vitest'
import {checkName, parseTemplate, type Convention, type TemplateConvention} from '../../../src/domain/policy/convention.js'

function template(text: string | string[], tokens: Record<string, string[] | string>, ignoreCase = false): TemplateConvention {
  return {
    kind: 'template',
    templates: [text].flat().map((t) => ({template: t, parts: parseTemplate(t)})),
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
    // Only the first token that does not match, from the left.
    ['x-cache-omaha-worker-1', ["env 'x' is not one of d,t,s,p"]],
    ['p-db-omaha-01', ["expected '-worker-' after {location} 'omaha', found '-01'"]],
    ['P-DB-OMAHA-WORKER-01', ["env 'P' is not one of d,t,s,p"]],
    ['pdbomaha', ["expected '-' after {env} 'p', found 'dbomaha'"]],
    // A value that starts with an allowed one ('d') is still the wrong value, not a missing '-'.
    ['default-linux-worker-01', ["env 'default' is not one of d,t,s,p"]],
    ['p-db-omaha-worker-', ['nn is missing at the end']],
    ['-db-omaha-worker-01', ['env is missing at the start']],
    ['p-db-worker-01', ["location is missing after {role} 'db'"]],
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
    // It ends in ' Worker Pool': the first token is what does not fit.
    ['Default Worker Pool', "platform 'Default' is not one of Azure,AWS,GCP,On-Premises"],
    ['Production Database Omaha Worker Pool', "platform 'Production' is not one of Azure,AWS,GCP,On-Premises"],
    ['Azure Central US Production Workers', "expected ' Worker Pool' after {environment} 'Production', found ' Workers'"],
    ['Azure Central US Production Worker Pool 2', "unexpected ' 2' after ' Worker Pool' at the end"],
  ])('rejects %s, naming only the first part that is wrong', (name, problem) => {
    expect(checkName(poolConvention, name)).toEqual({ok: false, problems: [problem]})
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

describe('several templates and allowed names', () => {
  const pools: TemplateConvention = {
    ...template(['{purpose} {location} {environment} Worker Pool', '{environment} {purpose} {location} Worker Pool'], {
      purpose: '[A-Z][A-Za-z0-9]*',
      location: '[A-Z][A-Za-z]*( [A-Z][A-Za-z]*)*',
      environment: ['Development', 'Test', 'Staging', 'Production'],
    }),
    allow: ['Default Worker Pool'],
  }

  it.each(['Azure Central US Production Worker Pool', 'Production Database Omaha Worker Pool', 'Default Worker Pool'])('accepts %s', (name) => {
    expect(checkName(pools, name)).toEqual({ok: true})
  })

  it('explains a mismatch by the template that fits furthest (a listed value that fits breaks a tie)', () => {
    expect(checkName(pools, 'Staging Linux Worker Pool')).toEqual({ok: false, problems: [
      "location is missing after {purpose} 'Linux' (closest template: {environment} {purpose} {location} Worker Pool)",
    ]})
    expect(checkName(pools, 'Production Database omaha Worker Pool')).toEqual({ok: false, problems: [
      "location 'omaha' does not match [A-Z][A-Za-z]*( [A-Z][A-Za-z]*)* (closest template: {environment} {purpose} {location} Worker Pool)",
    ]})
    expect(checkName(pools, 'Azure Central US Prod Worker Pool')).toEqual({ok: false, problems: [
      "environment 'Prod' is not one of Development,Test,Staging,Production (closest template: {purpose} {location} {environment} Worker Pool)",
    ]})
  })

  it('allowed names are exact unless ignoreCase', () => {
    expect(checkName(pools, 'default worker pool').ok).toBe(false)
    expect(checkName({...pools, ignoreCase: true}, 'default worker pool')).toEqual({ok: true})
  })

  it('allow applies to regex conventions too', () => {
    const conv: Convention = {kind: 'regex', source: '[a-z]+-\\d{2}', ignoreCase: false, allow: ['Hosted Ubuntu']}
    expect(checkName(conv, 'Hosted Ubuntu')).toEqual({ok: true})
    expect(checkName(conv, 'Hosted Windows').ok).toBe(false)
  })
})
