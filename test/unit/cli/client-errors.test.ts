import {describe, expect, it} from 'vitest'
import {inFlagWords} from '../../../src/cli/client-errors.js'
import {CliError, ExitCode} from '../../../src/text/errors.js'
import {caFileUnreadable, ClientSettingError, networkFailure, protocolMismatch, timeoutFailure, toApiError} from '../../../src/octopus/errors.js'

describe('inFlagWords: the client\'s errors in the CLI\'s flag words', () => {
  const server = 'https://octopus.example.com'

  it('an unreadable CA file names --ca-cert, exit 2', () => {
    expect(inFlagWords(caFileUnreadable('/no/such/ca.pem'))).toMatchObject({
      message: "--ca-cert: cannot read '/no/such/ca.pem'.", exitCode: ExitCode.Usage, code: 'usage',
      hint: 'Give the path of a PEM file with the CA certificate(s) to trust.',
    })
  })

  it('an untrusted certificate points at --ca-cert', () => {
    const error = networkFailure(server, Object.assign(new Error('self-signed certificate'), {code: 'DEPTH_ZERO_SELF_SIGNED_CERT'}), false)
    expect(inFlagWords(error)).toMatchObject({
      message: error.message, code: 'tls', exitCode: 1,
      hint: 'If the server uses a private CA, pass --ca-cert FILE or set NODE_EXTRA_CA_CERTS. Verification is never switched off.',
    })
  })

  it('a request timeout points at --timeout, keeping the message', () => {
    const error = timeoutFailure(server, 'DELETE', `${server}/api/workers/Workers-1`, 30, true)
    expect(inFlagWords(error)).toMatchObject({message: error.message, code: 'timeout', hint: 'Raise --timeout, or check the network path to the server.'})
  })

  it('a Retry-After beyond the request timeout names --timeout, keeping the HTTP error\'s code and details', () => {
    const error = toApiError({status: 503, statusText: 'Service Unavailable', method: 'GET', url: `${server}/api`, body: undefined, setting: 'timeoutSeconds',
      hint: 'The server asked to wait 30s before retrying, more than is left of the 5s request timeout; try again later or raise the request timeout.'})
    expect(inFlagWords(error)).toMatchObject({
      message: error.message, code: 'http-503', details: {status: 503, errors: []},
      hint: 'The server asked to wait 30s before retrying, more than is left of the 5s --timeout; try again later or raise --timeout.',
    })
  })

  it('the wrong scheme points at --server and OCTOPUS_URL', () => {
    expect(inFlagWords(protocolMismatch(server, 'https')).hint).toBe('Use the scheme the server listens with (--server or OCTOPUS_URL).')
  })

  it('an HTML page where JSON was due points at --server', () => {
    const error = new ClientSettingError('Unexpected answer from x: GET /api/spaces/all got text/html, 1.2 kB, not a JSON array of spaces.', ExitCode.Failure, 'server', {
      code: 'bad-response', hint: 'An HTML page usually means a proxy, a login page or a URL that is not the API; check the server URL.',
    })
    expect(inFlagWords(error)).toMatchObject({message: error.message, code: 'bad-response', hint: 'An HTML page usually means a proxy, a login page or a URL that is not the API; check --server.'})
  })

  it('leaves every other error as it is, an HTTP error with no setting among them', () => {
    const notFound = toApiError({status: 404, statusText: 'Not Found', method: 'GET', url: `${server}/api/workers/Workers-9`, body: undefined})
    expect(inFlagWords(notFound)).toBe(notFound)
    const other = new CliError('Timed out waiting for workers to be healthy.', ExitCode.Failure, {code: 'timeout', hint: 'Raise --wait-timeout.'})
    expect(inFlagWords(other)).toBe(other)
  })
})
