import {getProxyForUrl} from 'proxy-from-env'
import {isLoopbackHost} from './server-url.js'

/**
 * Warns when a key would travel unencrypted to another machine: a non-loopback http:// server,
 * or any http:// server reached through a proxy (HTTP_PROXY/ALL_PROXY, unless NO_PROXY exempts
 * it): the proxy sees plain HTTP, headers and all. `proxyFor` is the rule the client's agents use.
 */
export function warnIfPlainHttp(server: string, warn: (message: string) => void, proxyFor: (url: string) => string = getProxyForUrl): void {
  const url = new URL(server)
  if (url.protocol !== 'http:') return
  const proxy = proxyFor(server)
  if (proxy) {
    warn(`sending the API key over plain http:// to ${url.host} through the proxy ${proxyHost(proxy)}: the proxy and the network to it can read it; use https://, or exempt the server with NO_PROXY.`)
  } else if (!isLoopbackHost(url.hostname)) {
    warn(`sending the API key over plain http:// to ${url.host}; use https:// so it cannot be read on the network.`)
  }
}

/** The proxy's host only: a proxy URL may carry its own user and password. */
function proxyHost(proxy: string): string {
  try {
    return new URL(proxy).host
  } catch {
    return '(HTTP_PROXY)'
  }
}
