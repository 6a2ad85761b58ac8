import type http from 'node:http'
import {HttpsProxyAgent} from 'https-proxy-agent'

type TunnelOptions = Parameters<HttpsProxyAgent<string>['connect']>[1]

/**
 * The agent for a server reached through HTTPS_PROXY/HTTP_PROXY. https-proxy-agent uses its
 * constructor's TLS options for the connection to the proxy only; the TLS session with the server
 * inside the CONNECT tunnel gets the request's options. So the CA bundle is added there too, or
 * the CA file would be ignored behind a proxy.
 */
export class TunnelAgent extends HttpsProxyAgent<string> {
  constructor(proxy: string, private readonly ca: string[] | undefined) {
    super(proxy, {keepAlive: true, ca, rejectUnauthorized: true})
  }

  override connect(req: http.ClientRequest, opts: TunnelOptions) {
    return super.connect(req, {...opts, ...(this.ca ? {ca: this.ca} : {}), rejectUnauthorized: true} as TunnelOptions)
  }
}
