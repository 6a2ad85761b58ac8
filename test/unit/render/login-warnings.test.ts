import {describe, expect, it} from 'vitest'
import {loginWarningLine} from '../../../src/views/auth.js'
import {terminalSafeLine} from '../../../src/ui/safe.js'

describe('loginWarningLine (login)', () => {
  it('words each warning as login prints it, for a key and for an OIDC access token', () => {
    expect(loginWarningLine({kind: 'key-in-plain-file', credential: 'api-key', file: '~/.config/octoworkers/insecure-credentials/default.json'}))
      .toBe('API key saved in plain file ~/.config/octoworkers/insecure-credentials/default.json, not in the OS keychain: anyone who can read it as you can use it.')
    expect(loginWarningLine({kind: 'key-in-plain-file', credential: 'access-token', file: '/srv/ci/default.json'}))
      .toBe('Access token saved in plain file /srv/ci/default.json, not in the OS keychain: anyone who can read it as you can use it.')
    expect(loginWarningLine({kind: 'env-credential-overrides', credential: 'api-key'}))
      .toBe('OCTOPUS_API_KEY or OCTOPUS_ACCESS_TOKEN is set in this environment; it takes precedence over the key just saved.')
    expect(loginWarningLine({kind: 'env-credential-overrides', credential: 'access-token'}))
      .toBe('OCTOPUS_API_KEY or OCTOPUS_ACCESS_TOKEN is set in this environment; it takes precedence over the access token just saved.')
    expect(loginWarningLine({kind: 'env-service-account-overrides', credential: 'api-key'}))
      .toBe('OCTOPUS_SERVICE_ACCOUNT_ID is set in this environment; each run exchanges the CI job\'s ID token instead of using the key just saved.')
    expect(loginWarningLine({kind: 'env-service-account-overrides', credential: 'access-token'}))
      .toBe('OCTOPUS_SERVICE_ACCOUNT_ID is set in this environment; each run exchanges the CI job\'s ID token instead of using the access token just saved.')
  })

  it('a config directory whose path holds a newline stays on its line through the warning writer', () => {
    expect(terminalSafeLine(loginWarningLine({kind: 'key-in-plain-file', credential: 'api-key', file: '/tmp/evil\nError: forged/default.json'})))
      .toBe('API key saved in plain file /tmp/evil\\nError: forged/default.json, not in the OS keychain: anyone who can read it as you can use it.')
  })
})
