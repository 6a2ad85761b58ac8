import {describe, expect, it} from 'vitest'
import {whoamiDocument, type WhoamiResult} from '../../../src/app/auth/whoami.js'
import {whoamiLines} from '../../../src/views/auth.js'
import {poolViewDocument, type PoolViewResult} from '../../../src/app/pools/view.js'
import {createPoolDocument, type CreatePoolResult} from '../../../src/app/pools/create.js'

/**
 * A result keeps what only its text form shows in a camelCase field beside the --json document;
 * the document is the result without it, its keys and their order as before.
 */
describe('text-only fields stay out of the --json documents', () => {
  const me: WhoamiResult = {
    Server: 'http://localhost:8065', Version: '2025.1', User: {Id: 'Users-1', Username: 'u', DisplayName: 'U'}, Space: {Id: 'Spaces-1', Name: 'Default'},
    Profile: null, CredentialSource: 'env', profileName: 'staging',
  }

  it('whoami: the document has no profile name; the text names the profile in use when none is saved', () => {
    expect(JSON.stringify(whoamiDocument(me))).toBe('{"Server":"http://localhost:8065","Version":"2025.1","User":{"Id":"Users-1","Username":"u","DisplayName":"U"},"Space":{"Id":"Spaces-1","Name":"Default"},"Profile":null,"CredentialSource":"env"}')
    expect(whoamiLines(me)).toContain('Profile            staging (not saved; server and key from flags/env)')
    expect(whoamiLines({...me, Profile: 'staging'})).toContain('Profile            staging')
  })

  it('pool view: the document has Usage null and no reason; the reason is the text form\'s', () => {
    const result = {Id: 'WorkerPools-1', Name: 'Linux', WorkerCounts: {Total: 0}, Workers: [], WebUrl: 'u', Usage: null, usageUnavailable: 'the projects could not be read'} as unknown as PoolViewResult
    expect(Object.keys(poolViewDocument(result))).toEqual(['Id', 'Name', 'WorkerCounts', 'Workers', 'WebUrl', 'Usage'])
  })

  it('pool create: the document has no equivalent command line', () => {
    const result = {Id: 'WorkerPools-2', Name: 'Hosted', Created: true, equivalent: 'octoworkers pool create Hosted --type dynamic'} as unknown as CreatePoolResult
    expect(createPoolDocument(result)).toEqual({Id: 'WorkerPools-2', Name: 'Hosted', Created: true})
  })
})
