import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {api, startTestSandbox, type Sandbox} from '../helpers/sandbox.js'

describe('sandbox-only fault injection', () => {
  let sb: Sandbox
  beforeAll(async () => {
    sb = await startTestSandbox({seed: 'demo'})
  })
  afterAll(async () => sb?.close())

  it('fails matching requests after N matches, a set number of times, without running them', async () => {
    const fault = await api(sb, 'POST', '/api/sandbox/faults', {Method: 'POST', PathPattern: '/api/Spaces-1/workerpools', Status: 503, AfterMatches: 1, Times: 1})
    expect(fault.status).toBe(201)
    expect((await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 'Fault One'})).status).toBe(201)
    const failed = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 'Fault Two'})
    expect(failed.status).toBe(503)
    expect(failed.body.ErrorMessage).toMatch(/Injected fault/)
    expect((await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 'Fault Three'})).status).toBe(201)
    const names = ((await api(sb, 'GET', '/api/Spaces-1/workerpools/all')).body as Array<{Name: string}>).map((p) => p.Name)
    expect(names).toEqual(expect.arrayContaining(['Fault One', 'Fault Three']))
    expect(names).not.toContain('Fault Two')
    expect((await api(sb, 'DELETE', '/api/sandbox/faults')).status).toBe(200)
    expect((await api(sb, 'GET', '/api/sandbox/faults')).body).toEqual([])
  })

  it('sandbox endpoints need the API key', async () => {
    expect((await fetch(`${sb.url}/api/sandbox/info`)).status).toBe(401)
    expect((await api(sb, 'GET', '/api/sandbox/info')).body).toMatchObject({Sandbox: true, Seed: 'demo'})
  })
})
