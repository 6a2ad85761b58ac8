import http from 'node:http'
import https from 'node:https'
import tls from 'node:tls'
import {getProxyForUrl} from 'proxy-from-env'

/**
 * HTTP(S) agents for one server: keep-alive, TLS always verified, the CA file's certificates added to (not
 * replacing) the system roots, and `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` honoured.
 * `NODE_EXTRA_CA_CERTS` is applied by Node itself. The proxy agent (https-proxy-agent and its
 * agent-base) is loaded only when a proxy applies to the server.
 */
export async function createAgents(server: string, caPem?: string): Promise<{httpAgent: http.Agent; httpsAgent: https.Agent}> {
  const ca = caPem === undefined ? undefined : [...tls.rootCertificates, caPem]
  const proxy = getProxyForUrl(server)
  if (proxy) {
    const {TunnelAgent} = await import('./proxy-agent.js')
    const agent = new TunnelAgent(proxy, ca)
    return {httpAgent: agent as unknown as http.Agent, httpsAgent: agent as unknown as https.Agent}
  }
  return {
    httpAgent: new http.Agent({keepAlive: true}),
    httpsAgent: new https.Agent({keepAlive: true, ca, rejectUnauthorized: true}),
  }
}
