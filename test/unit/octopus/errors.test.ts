import {describe, expect, it} from 'vitest'
import {exitCodeForStatus, messageFromBody, toApiError} from '../../../src/lib/octopus/errors.js'

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
