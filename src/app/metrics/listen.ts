/** `--listen host:port`: where the exporter binds. */
import {usageError} from '../../text/errors.js'

/** Prometheus's exporter default-port list gives octoworkers no number; 9465 was free in it. */
export const DEFAULT_LISTEN = '127.0.0.1:9465'

export interface ListenAddress {
  host: string
  port: number
}

/** `127.0.0.1:9465`, `0.0.0.0:9465`, `[::1]:9465`, `localhost:0` (0: any free port). */
export function parseListen(input: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(input)
  const port = match ? Number(match[3]) : NaN
  if (!match || port > 65_535) throw usageError(`--listen must be host:port (e.g. 127.0.0.1:9465, [::1]:9465, 0.0.0.0:9465), not '${input}'.`)
  return {host: match[1] ?? match[2], port}
}
