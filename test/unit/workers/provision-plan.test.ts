import {describe, expect, it} from 'vitest'
import {parse as parseYaml} from 'yaml'
import {provisionMissing, valuesYaml} from '../../../src/domain/workers/provision.js'
import {pollingAddress} from '../../../src/domain/workers/polling-address.js'

describe('where a polling worker connects', () => {
  it('Octopus Cloud: the polling host; self-hosted: the server host on 10943', () => {
    expect(pollingAddress('https://acme.octopus.app')).toEqual({Address: 'https://polling.acme.octopus.app/', Port: 443})
    expect(pollingAddress('https://octopus.example.com:8443/octo')).toEqual({Address: 'https://octopus.example.com:10943/', Port: 10943})
    expect(pollingAddress('http://[::1]:8080')).toEqual({Address: 'https://[::1]:10943/', Port: 10943})
  })
})

describe('what a provisioned worker still lacks', () => {
  const pools = [{Id: 'WorkerPools-2', Name: 'A'}, {Id: 'WorkerPools-5', Name: 'B'}]
  it('names each missing part, and nothing once ready', () => {
    expect(provisionMissing(undefined, pools)).toEqual(['not registered yet'])
    expect(provisionMissing({Id: 'Workers-1', Name: 'w', WorkerPoolIds: ['WorkerPools-2'], IsDisabled: true, HealthStatus: 'Unavailable', StatusSummary: 'timed out'}, pools))
      .toEqual(["not in pool 'B'", 'disabled', 'health Unavailable: timed out'])
    expect(provisionMissing({Id: 'Workers-1', Name: 'w', WorkerPoolIds: ['WorkerPools-2', 'WorkerPools-5'], HealthStatus: 'HasWarnings'}, pools)).toEqual([])
  })
  it('a forced provision over a registered name waits for the new certificate', () => {
    const old = {Id: 'Workers-1', Name: 'w', WorkerPoolIds: ['WorkerPools-2', 'WorkerPools-5'], HealthStatus: 'Healthy', Endpoint: {Thumbprint: 'AA'}}
    expect(provisionMissing(old, pools, {Id: 'Workers-1', Thumbprint: 'AA'})[0]).toMatch(/^still the earlier registration/)
    expect(provisionMissing({...old, Endpoint: {Thumbprint: 'BB'}}, pools, {Id: 'Workers-1', Thumbprint: 'AA'})).toEqual([])
  })
})

describe('Helm values as YAML', () => {
  it('round-trips strings that YAML would otherwise read as other types or as syntax', () => {
    const values = {agent: {acceptEula: 'Y', name: 'no', space: '1.0', worker: {enabled: true, initial: {workerPools: ['a: b', "it's # x", 'null']}}}}
    expect(parseYaml(valuesYaml(values).join('\n'))).toEqual(values)
  })
})
