import {describe, expect, it} from 'vitest'
import {caFileUnreadable, exitCodeForStatus, messageFromBody, networkFailure, notOctopus, protocolMismatch, timeoutFailure, toApiError} from '../../../src/octopus/errors.js'

describe('Octopus error mapping', () => {
  it.each([
    [400, 1], [401, 3], [403, 3], [404, 4], [409, 1], [500, 1], [503, 1],
  ])('maps HTTP %i to exit %i', (status, exit) => {
    expect(exitCodeForStatus(status)).toBe(exit)
  })

  it('shows ErrorMessage and Errors[] as the message', () => {
    const body = {ErrorMessage: 'There was a problem with your request.', Errors: ['Name must be unique', 'Thumbprint is required']}
    expect(messageFromBody(400, 'Bad Request', body).message).toBe('There was a problem with your request. Name must be unique Thumbprint is required')
  })

  it('falls back to the status text for non-Octopus bodies', () => {
    expect(messageFromBody(502, 'Bad Gateway', '<html>oops</html>').message).toBe('502 Bad Gateway')
    expect(messageFromBody(500, '', {unexpected: true}).message).toBe('500 HTTP error')
  })

  it('builds an error with status, exit code and a hint', () => {
    const error = toApiError({status: 403, statusText: 'Forbidden', method: 'PUT', url: 'https://o.example.com/api/featuresconfiguration', body: {ErrorMessage: 'You do not have permission'}})
    expect(error.exitCode).toBe(3)
    expect(error.message).toBe('HTTP 403 from PUT /api/featuresconfiguration: You do not have permission')
    expect(error.hint).toMatch(/permission/)
  })
})

describe('the client words its errors without naming a flag', () => {
  const server = 'https://octopus.example.com'
  // The client is a library: flags are the CLI's words (src/cli/client-errors.ts adds them).
  const flagLike = /(^|\s|\()--[a-z]/
  it.each([
    ['a timeout', timeoutFailure(server, 'PUT', `${server}/api/workers/Workers-1`, 30, true)],
    ['TLS spoken to a plain-http URL', protocolMismatch('http://octopus.example.com', 'http')],
    ['plain http spoken to a TLS URL', networkFailure(server, Object.assign(new Error('wrong version number'), {code: 'ERR_SSL_WRONG_VERSION_NUMBER'}), false)],
    ['an untrusted certificate', networkFailure(server, Object.assign(new Error('unable to verify the first certificate'), {code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'}), false)],
    ['an unreadable CA file', caFileUnreadable('/no/such/ca.pem')],
    ['a URL that is not Octopus', notOctopus(server, 'HTTP 404 at /api')],
  ])('%s', (_what, error) => {
    expect(error.message).not.toMatch(flagLike)
    expect(error.hint ?? '').not.toMatch(flagLike)
  })

  it('names the setting the remedy lies in, for the caller to word', () => {
    expect(timeoutFailure(server, 'GET', `${server}/api`, 30, false)).toMatchObject({setting: 'timeoutSeconds', code: 'timeout'})
    expect(protocolMismatch(server, 'https')).toMatchObject({setting: 'server', code: 'tls-mismatch'})
    expect(caFileUnreadable('/x.pem')).toMatchObject({setting: 'caCertFile', value: '/x.pem', exitCode: 2})
  })
})
