/** The starter `.octoworkers.yaml` (`check --init`) against Octopus's own names and the demo's. */
import {describe, expect, it} from 'vitest'
import {parseConfig} from '../../../src/config/octoworkers-yaml/load.js'
import {checkName} from '../../../src/domain/policy/convention.js'
import {STARTER_CONFIG} from '../../../src/config/octoworkers-yaml/starter.js'

const starter = await parseConfig(STARTER_CONFIG, 'starter')

describe('the starter conventions', () => {
  // Octopus's guidance (getting-started/best-practices/worker-configuration) and the demo's names.
  it.each(['p-db-omaha-worker-01', 'p-api-denver-worker-01', 'p-api-denver-worker-02', 'p-web-azcus-worker-01', 's-linux-omaha-worker-01', 'p-k8s-london-worker-01'])('accept the worker name %s', (name) => {
    expect(checkName(starter.conventions.worker!, name)).toEqual({ok: true})
  })

  // The guidance's pool examples, and the names Octopus gives its own pools.
  it.each([
    'Azure Central US Production Worker Pool',
    'Production Database Omaha Worker Pool',
    'Default Worker Pool',
    'Hosted Ubuntu',
    'Hosted Windows',
  ])('accept the pool name %s', (name) => {
    expect(checkName(starter.conventions.pool!, name)).toEqual({ok: true})
  })

  it.each([
    ['default-linux-worker-01', "env 'default' is not one of d,t,s,p"],
    ['WIN-7F3K2P9', "env 'WIN' is not one of d,t,s,p"],
    ['p-db-omaha-worker-1', "nn '1' does not match \\d{2}"],
    ['p-DB-omaha-worker-01', "role 'DB' does not match [a-z][a-z0-9]*"],
  ])('blame the first worker token that does not match: %s', (name, problem) => {
    expect(checkName(starter.conventions.worker!, name)).toEqual({ok: false, problems: [problem]})
  })

  it.each([
    ['test pool', "purpose 'test' does not match [A-Z][A-Za-z0-9]* (closest template: {purpose} {location} {environment} Worker Pool)"],
    ['Azure Central US Prod Worker Pool', "environment 'Prod' is not one of Development,Test,Staging,Production (closest template: {purpose} {location} {environment} Worker Pool)"],
  ])('blame the first pool token that does not match: %s', (name, problem) => {
    expect(checkName(starter.conventions.pool!, name)).toEqual({ok: false, problems: [problem]})
  })
})
