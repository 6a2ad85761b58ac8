/**
 * `UpgradeLocked` as every emulated version serves it: on a Tentacle under TentacleVersionDetails
 * (in Octopus's clients since 2016, so on every 2019+ server), writable, and kept by health
 * checks; on a Kubernetes agent on the endpoint itself (servers with agent workers only).
 */
import {afterEach, describe, expect, it} from 'vitest'
import {api, startTestSandbox, type Sandbox} from '../helpers/sandbox.js'
import {finishedTask, startTask} from '../integration/maintenance/helpers.js'

let sb: Sandbox | undefined
afterEach(async () => {
  await sb?.close()
  sb = undefined
})

const THUMBPRINT = 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678'

describe.each(['2019.7', '2021.2', '2023.1', '2026.1'] as const)('Octopus %s', (octopusVersion) => {
  it('a Tentacle\'s TentacleVersionDetails.UpgradeLocked is stored, kept by a health check, and writable', async () => {
    sb = await startTestSandbox({seed: 'empty', octopusVersion})
    const pool = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 'Locked Pool'})
    expect(pool.status, pool.text).toBe(201)
    const created = await api(sb, 'POST', '/api/Spaces-1/workers', {
      Name: 'p-db-omaha-worker-07', WorkerPoolIds: [pool.body.Id],
      Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: 'https://locked.outdated.example:10933/', Thumbprint: THUMBPRINT, TentacleVersionDetails: {UpgradeLocked: true}},
    })
    expect(created.status, created.text).toBe(201)
    await finishedTask(sb, await startTask(sb, {Name: 'Health', Arguments: {MachineIds: [created.body.Id], RestrictedTo: 'Workers'}}))
    const checked = (await api(sb, 'GET', `/api/Spaces-1/workers/${created.body.Id}`)).body
    expect(checked.Endpoint.TentacleVersionDetails).toMatchObject({UpgradeLocked: true, Version: '6.3.417', UpgradeSuggested: true})
    const unlocked = await api(sb, 'PUT', `/api/Spaces-1/workers/${created.body.Id}`, {...checked, Endpoint: {...checked.Endpoint, TentacleVersionDetails: {...checked.Endpoint.TentacleVersionDetails, UpgradeLocked: false}}})
    expect(unlocked.status, unlocked.text).toBe(200)
    expect(unlocked.body.Endpoint.TentacleVersionDetails).toMatchObject({UpgradeLocked: false, Version: '6.3.417'})
  })
})

describe('Octopus 2026.1', () => {
  it('a Kubernetes agent\'s UpgradeLocked sits on the endpoint itself', async () => {
    sb = await startTestSandbox({seed: 'empty', octopusVersion: '2026.1'})
    const pool = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 'Agent Pool'})
    const created = await api(sb, 'POST', '/api/Spaces-1/workers', {
      Name: 'k8s-locked', WorkerPoolIds: [pool.body.Id],
      Endpoint: {CommunicationStyle: 'KubernetesTentacle', UpgradeLocked: true, TentacleEndpointConfiguration: {CommunicationMode: 'Polling', Uri: 'poll://lockedagent01/', Thumbprint: THUMBPRINT}},
    })
    expect(created.status, created.text).toBe(201)
    expect((await api(sb, 'GET', `/api/Spaces-1/workers/${created.body.Id}`)).body.Endpoint).toMatchObject({UpgradeLocked: true})
  })
})
