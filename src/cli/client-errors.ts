import {CliError} from '../text/errors.js'
import {ClientSettingError, OctopusApiError} from '../octopus/errors.js'

/**
 * The API client names the setting an error's remedy lies in (the server URL, the request
 * timeout, the CA file), never a flag; here, where the flags are known, those errors are worded
 * with the flags and variables that set them. Any other error is returned as it is.
 */
export function inFlagWords(error: CliError): CliError {
  const setting = error instanceof ClientSettingError || error instanceof OctopusApiError ? error.setting : undefined
  if (setting === undefined) return error
  const reword = (message: string, hint: string | undefined) =>
    new CliError(message, error.exitCode, {hint, code: error.code, details: error.details, cause: error})
  switch (setting) {
    case 'caCertFile':
      return error.code === 'tls'
        ? reword(error.message, 'If the server uses a private CA, pass --ca-cert FILE or set NODE_EXTRA_CA_CERTS. Verification is never switched off.')
        : reword(`--ca-cert: cannot read '${(error as ClientSettingError).value}'.`, error.hint)
    case 'timeoutSeconds':
      return reword(error.message, error.hint?.replace(/(?:the )?request timeout/g, '--timeout'))
    case 'server':
      if (error.code === 'tls-mismatch') return reword(error.message, 'Use the scheme the server listens with (--server or OCTOPUS_URL).')
      return reword(error.message, error.hint?.replace('the server URL', '--server'))
  }
}
