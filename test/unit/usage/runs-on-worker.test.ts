import {describe, expect, it} from 'vitest'
import {propertyText, runsOnWorker} from '../../../src/domain/usage/runs-on-worker.js'

const action = (ActionType: string, properties: Record<string, string> = {}, extra: {WorkerPoolId?: string; WorkerPoolVariable?: string} = {}) =>
  ({ActionType, Properties: properties, ...extra})

describe('runsOnWorker', () => {
  it.each([
    ['Octopus.Script', {'Octopus.Action.RunOnServer': 'true'}, 'yes'],
    ['Octopus.Script', {'Octopus.Action.RunOnServer': 'True'}, 'yes'],
    ['Octopus.KubernetesDeployContainers', {'Octopus.Action.RunOnServer': 'true'}, 'yes'],
    ['Octopus.AzureResourceGroup', {}, 'likely'],
    ['Octopus.AwsUploadS3', {'Octopus.Action.RunOnServer': 'false'}, 'likely'],
    ['Octopus.TerraformApply', {}, 'likely'],
    ['Octopus.GoogleCloudScripting', {}, 'likely'],
    ['Octopus.Script', {}, 'likely'],
    ['Octopus.TentaclePackage', {'Octopus.Action.RunOnServer': 'false'}, 'no'],
    ['Octopus.Manual', {'Octopus.Action.RunOnServer': 'true'}, 'no'],
    ['Octopus.Email', {'Octopus.Action.RunOnServer': 'true'}, 'no'],
    ['Octopus.DeployRelease', {'Octopus.Action.RunOnServer': 'true'}, 'no'],
    ['Octopus.HealthCheck', {}, 'no'],
    ['Octopus.JiraIntegration.ServiceDeskAction', {'Octopus.Action.RunOnServer': 'true'}, 'no'],
  ] as const)('%s %j → %s', (type, properties, expected) => {
    expect(runsOnWorker(action(type, properties)).verdict).toBe(expected)
  })

  it('a step that targets roles runs on targets, unless it still names a pool (then likely, so the pool is not deleted from under it)', () => {
    const step = {'Octopus.Action.TargetRoles': 'web-server'}
    expect(runsOnWorker(action('Octopus.IIS'), step)).toMatchObject({verdict: 'no', reason: 'it runs on deployment targets in roles web-server'})
    expect(runsOnWorker(action('Octopus.IIS', {}, {WorkerPoolId: 'WorkerPools-2'}), step).verdict).toBe('likely')
    expect(runsOnWorker(action('Octopus.Script', {'Octopus.Action.RunOnServer': 'false'}, {WorkerPoolVariable: 'Pool'})).verdict).toBe('likely')
  })

  it('server-process types never run on a worker, even when they name a pool', () => {
    expect(runsOnWorker(action('Octopus.Manual', {}, {WorkerPoolId: 'WorkerPools-2'})).verdict).toBe('no')
  })

  it('reads property keys case-insensitively and ignores sensitive (object) values', () => {
    expect(propertyText({'octopus.action.runonserver': 'true'}, 'Octopus.Action.RunOnServer')).toBe('true')
    expect(propertyText({'Octopus.Action.RunOnServer': {HasValue: true}}, 'Octopus.Action.RunOnServer')).toBeUndefined()
    expect(runsOnWorker({ActionType: 'Octopus.Script', Properties: {'OCTOPUS.ACTION.RUNONSERVER': 'TRUE'}}).verdict).toBe('yes')
  })

  it('every verdict says why', () => {
    expect(runsOnWorker(action('Octopus.AzureResourceGroup')).reason).toContain('cloud step')
    expect(runsOnWorker(action('Octopus.Script')).reason).toBe('no target roles and RunOnServer is not set')
  })
})
