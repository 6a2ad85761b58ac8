import {readFileSync} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import tls from 'node:tls'
import {getProxyForUrl} from 'proxy-from-env'
import {HttpsProxyAgent} from 'https-proxy-agent'

type TunnelOptions = Parameters<HttpsProxyAgent<string>['connect']>[1]

/**
 * https-proxy-agent uses its constructor's TLS options for the connection to the proxy only; the
 * TLS session with the server inside the CONNECT tunnel gets the request's options. So the CA
 * bundle is added there too, or `--ca-cert` would be ignored behind a proxy.
 */
class TunnelAgent extends HttpsProxyAgent<string> {
  constructor(proxy: string, private readonly ca: string[] | undefined) {
    super(proxy, {keepAlive: true, ca, rejectUnauthorized: true})
  }

  override connect(req: http.ClientRequest, opts: TunnelOptions) {
    return super.connect(req, {...opts, ...(this.ca ? {ca: this.ca} : {}), rejectUnauthorized: true} as TunnelOptions)
  }
}

/**
 * HTTP(S) agents for one server: keep-alive, TLS always verified, `--ca-cert` added to (not
 * replacing) the system roots, and `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` honoured.
 * `NODE_EXTRA_CA_CERTS` is applied by Node itself.
 */
export function createAgents(server: string, caCertFile?: string): {httpAgent: http.Agent; httpsAgent: https.Agent} {
  const ca = caCertFile ? [...tls.rootCertificates, readFileSync(caCertFile, 'utf8')] : undefined
  const proxy = getProxyForUrl(server)
  if (proxy) {
    const agent = new TunnelAgent(proxy, ca)
    return {httpAgent: agent as unknown as http.Agent, httpsAgent: agent as unknown as https.Agent}
  }
  return {
    httpAgent: new http.Agent({keepAlive: true}),
    httpsAgent: new https.Agent({keepAlive: true, ca, rejectUnauthorized: true}),
  }
}
