import {usageError} from '../text/errors.js'

/** Validates a server URL given by a user; throws exit 2 for anything that is not http(s) with a host. */
export function normalizeServerUrl(input: string): string {
  let url: URL
  try {
    url = new URL(input.trim())
  } catch {
    throw usageError(`'${input}' is not a valid server URL.`, {hint: 'Give the Octopus Server root, e.g. https://octopus.example.com'})
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname) {
    throw usageError(`'${input}' is not a valid server URL: it must start with https:// or http:// and name a host.`)
  }
  // Users paste portal URLs; the API root is the server root.
  let path = url.pathname.replace(/\/+$/, '')
  path = path.replace(/\/app(#.*)?$/, '').replace(/\/api$/, '')
  return `${url.protocol}//${url.host}${path}`
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '')
  return h === 'localhost' || h === '::1' || /^127\./.test(h)
}

/**
 * Absolute URL for a server-relative link such as `/api/Spaces-1/workers`. Links are
 * app-relative (`~/api/...` or `/api/...`); servers under a virtual directory may or may not
 * include it.
 */
export function resolveAgainstServer(server: string, link: string): string {
  if (/^https?:\/\//.test(link)) return link
  const base = new URL(server + '/')
  const prefix = base.pathname.replace(/\/$/, '')
  const path = link.replace(/^~/, '')
  const withPrefix = prefix && !path.startsWith(prefix + '/') ? prefix + path : path
  return `${base.protocol}//${base.host}${withPrefix}`
}
