import {CliError, ExitCode} from '../text/errors.js'
import {notOctopus, OctopusApiError} from './errors.js'
import type {RawResponse, RequestOptions} from './request.js'
import {anyBody, rootDocument, shapeProblem} from './response-shapes.js'
import type {Links, RootDocument} from './types.js'
import {expandTemplate, type TemplateParams} from './uri-template.js'

/**
 * Reads the `/api` root document, whose `Links` every other request starts from. Anything but
 * an Octopus root there (a 404, another 4xx, a page that is not JSON) is a wrong URL, exit 2.
 */
export async function readRootDocument(
  server: string,
  request: (method: string, url: string, options: RequestOptions) => Promise<RawResponse<unknown>>,
): Promise<RootDocument> {
  let response: RawResponse<unknown>
  try {
    response = await request('GET', '/api', {allowStatus: [404], expect: anyBody})
  } catch (error) {
    // A 4xx other than 401/403 means this URL is not an Octopus API; a 5xx is a server that is down or failing.
    if (error instanceof OctopusApiError && error.status < 500 && error.status !== 401 && error.status !== 403) {
      throw notOctopus(server, `HTTP ${error.status} at /api`)
    }
    throw error
  }
  if (response.status === 404) throw notOctopus(server, 'HTTP 404 at /api')
  const problem = shapeProblem(rootDocument, response.data)
  if (problem) {
    const got = typeof response.data === 'string' ? 'a page that is not JSON' : problem
    throw notOctopus(server, `/api answered with ${got}, not an Octopus root document`)
  }
  return response.data as RootDocument
}

/** Expands a link by name from a `Links` document; a server that does not offer it is exit 1 naming its version. */
export function expandLink(links: Links, name: string, params: TemplateParams, version: string): string {
  const template = links[name]
  if (!template) {
    throw new CliError(`The server (Octopus ${version}) does not offer '${name}'.`, ExitCode.Failure, {
      hint: 'This Octopus Server version may be too old for this command.',
    })
  }
  return expandTemplate(template, params)
}
