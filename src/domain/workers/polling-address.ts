/** The port a self-hosted Octopus Server takes polling Tentacles on, by default. */
export const POLLING_PORT = 10943

export interface PollingAddress {
  Address: string
  Port: number
}

/**
 * Where a polling worker connects. No Octopus API field is known to publish it (UNCONFIRMED), so it
 * is derived from the server URL: Octopus Cloud (`*.octopus.app`) takes polling connections at
 * `https://polling.<instance>.octopus.app/` (the chart's documented Cloud example; that this is
 * port 443 is derived from the https URL), a self-hosted server on its host at port 10943 (the
 * Tentacle's default `--server-comms-port`, and the port Octopus's server container exposes).
 */
export function pollingAddress(serverUrl: string): PollingAddress {
  const url = new URL(serverUrl)
  const host = url.hostname.toLowerCase()
  if (host.endsWith('.octopus.app') && !host.startsWith('polling.')) return {Address: `https://polling.${host}/`, Port: 443}
  return {Address: `https://${url.hostname}:${POLLING_PORT}/`, Port: POLLING_PORT}
}
