import {describe, expect, it} from 'vitest'
import type {WhoamiResult} from '../../../src/app/auth/whoami.js'
import {whoamiLines} from '../../../src/views/auth.js'

/**
 * A result keeps what only its text form shows beside its --json document (`{document, ...}`):
 * whoami names the profile in use when none is saved, a name the document does not carry.
 */
describe('whoamiLines', () => {
  const me: WhoamiResult = {
    document: {Server: 'http://localhost:8065', Version: '2025.1', User: {Id: 'Users-1', Username: 'u', DisplayName: 'U'}, Space: {Id: 'Spaces-1', Name: 'Default'}, Profile: null, CredentialSource: 'env'},
    profileName: 'staging',
  }

  it('names the profile in use when none is saved, from beside the document', () => {
    expect(whoamiLines(me)).toContain('Profile            staging (not saved; server and key from flags/env)')
    expect(whoamiLines({...me, document: {...me.document, Profile: 'saved-one'}})).toContain('Profile            saved-one')
  })
})
