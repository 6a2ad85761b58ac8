/**
 * Validators for what a user types about a worker. Each returns the normalised value or throws a
 * usage error (exit 2), and all of them run before any request, so bad input changes nothing.
 */
import {usageError} from '../../text/errors.js'

export const MAX_WORKER_NAME_LENGTH = 200
export const DEFAULT_SSH_PORT = 22
export const SSH_PLATFORMS = ['linux-x64', 'linux-arm64', 'linux-arm', 'osx-x64'] as const
export type SshPlatform = (typeof SSH_PLATFORMS)[number]

export function validateWorkerName(input: string, what = 'Worker name'): string {
  const name = input.trim()
  if (name.length === 0) throw usageError(`${what} must not be empty.`)
  if (name.length > MAX_WORKER_NAME_LENGTH) {
    throw usageError(`${what} is ${name.length} characters long; the limit is ${MAX_WORKER_NAME_LENGTH}.`)
  }
  return name
}

/**
 * A Tentacle certificate thumbprint: SHA-1, 40 hex characters, stored in upper case as Octopus
 * shows it. Accepted as certificate tools print it: plain (`Tentacle show-thumbprint`,
 * PowerShell), in byte pairs split by colons or spaces (`openssl x509 -fingerprint -sha1`, with or
 * without its `SHA1 Fingerprint=` prefix; Windows' certificate dialog), in either case. The
 * invisible direction mark Windows' dialog puts in front of a copied thumbprint is dropped.
 */
export function validateThumbprint(input: string): string {
  // U+200E/U+200F (direction marks) and U+FEFF (BOM) ride along when copying from Windows dialogs.
  const value = input.replace(/[\u200E\u200F\uFEFF]/g, '').trim().replace(/^sha-?1\s+fingerprint\s*=\s*/i, '')
  const plain = /^[0-9a-f]{40}$/i.test(value)
  const pairs = /^[0-9a-f]{2}(?:(?::|\s+)[0-9a-f]{2}){19}$/i.test(value) && !/:\s|\s:/.test(value) && !(value.includes(':') && /\s/.test(value))
  if (!plain && !pairs) {
    const hex = value.replace(/[:\s]/g, '')
    const why = /[^0-9a-f:\s]/i.test(value) ? 'some characters are not hex' : hex.length !== 40 ? `it has ${hex.length} hex characters` : 'its separators are uneven (use byte pairs split by colons or spaces)'
    throw usageError(`Thumbprint '${input.trim()}' is not a SHA-1 thumbprint of 40 hexadecimal characters (${why}).`, {
      hint: 'Run `Tentacle show-thumbprint` on the worker to see it; AB:CD:... and AB CD ... forms are accepted too.',
    })
  }
  return value.replace(/[:\s]/g, '').toUpperCase()
}

export function validatePort(input: string | number, flag = '--port'): number {
  const text = String(input).trim()
  const port = Number(text)
  if (!/^\d+$/.test(text) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw usageError(`${flag} ${text} is not a valid port: use a whole number from 1 to 65535.`)
  }
  return port
}

/**
 * A listening Tentacle's URL: http(s), a host, and a port in range. `new URL` rejects ports above
 * 65535 with a vague message and accepts port 0, so the port is checked from the text first.
 */
export function validateListeningUrl(input: string): string {
  const value = input.trim()
  const authority = /^([a-z][a-z0-9+.-]*):\/\/(\[[^\]]*\]|[^/:?#]*)(?::([^/?#]*))?/i.exec(value)
  if (!authority) throw usageError(`--url '${input}' is not a URL: use https://host:10933/.`)
  const scheme = authority[1].toLowerCase()
  if (scheme !== 'https' && scheme !== 'http') {
    throw usageError(`--url '${input}' must start with https:// (or http://), not ${scheme}://.`)
  }
  if (!authority[2]) throw usageError(`--url '${input}' has no host: use https://host:10933/.`)
  if (authority[3] !== undefined && authority[3] !== '') validatePort(authority[3], `--url port`)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw usageError(`--url '${input}' is not a valid URL: use https://host:10933/.`)
  }
  if (!url.hostname) throw usageError(`--url '${input}' has no host: use https://host:10933/.`)
  return url.href.endsWith('/') ? url.href : url.href + '/'
}

/** A polling Tentacle's subscription ID: the host part of `poll://ID/`, so letters, digits, `-`, `_`, `.`. */
export function validateSubscriptionId(input: string): string {
  const value = input.trim()
  if (value.length === 0) throw usageError('--subscription-id must not be empty.')
  if (value.length > 100) throw usageError(`--subscription-id is ${value.length} characters long; the limit is 100.`)
  const illegal = [...new Set(value.replace(/[A-Za-z0-9._-]/g, ''))]
  if (illegal.length > 0) {
    throw usageError(`--subscription-id '${input}' contains illegal characters (${illegal.map((c) => `'${c}'`).join(' ')}): use letters, digits, '-', '_' or '.'.`, {
      hint: 'It must match the subscription ID in the worker\'s Tentacle.config (the `poll://ID/` address).',
    })
  }
  return value
}

/** `poll://ID/` (trailing slash optional) -> ID. */
export function parsePollingUri(input: string): string {
  const match = /^poll:\/\/([^/]*)\/?$/i.exec(input.trim())
  if (!match) throw usageError(`--uri '${input}' is not a polling address: use poll://SUBSCRIPTION-ID/.`)
  return validateSubscriptionId(match[1])
}

export function pollingUri(subscriptionId: string): string {
  return `poll://${subscriptionId}/`
}

/**
 * An SSH host key fingerprint: the colon-separated MD5 form (16 bytes, `aa:bb:...`) or OpenSSH's
 * `SHA256:<base64>` (32 bytes). MD5 is lower-cased; SHA256 keeps its case (base64 is case-sensitive).
 */
export function validateSshFingerprint(input: string): string {
  const value = input.trim()
  if (/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/i.test(value)) return value.toLowerCase()
  const sha = /^SHA256:([A-Za-z0-9+/]+={0,2})$/.exec(value)
  if (sha && Buffer.from(sha[1], 'base64').length === 32 && /^[A-Za-z0-9+/]{43}=?$/.test(sha[1])) return `SHA256:${sha[1]}`
  throw usageError(`--fingerprint '${input}' is not an SSH host key fingerprint.`, {
    hint: 'Use the MD5 form aa:bb:cc:... (16 colon-separated hex pairs) or SHA256:<base64> as `ssh-keygen -lf` prints it.',
  })
}

/** An SSH host: a host name or IP address, no scheme, path or port. */
export function validateSshHost(input: string): string {
  const value = input.trim()
  if (value.length === 0) throw usageError('--host must not be empty.')
  const bare = value.replace(/^\[(.*)\]$/, '$1')
  const hostName = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/
  const ipv6 = /^[0-9a-fA-F:.]+$/
  if (!hostName.test(bare) && !(bare.includes(':') && ipv6.test(bare))) {
    throw usageError(`--host '${input}' is not a host name or IP address.`, {hint: 'Give only the host (e.g. build01.example.com); the port goes in --port.'})
  }
  return bare
}

export function validatePlatform(input: string): SshPlatform {
  const value = input.trim().toLowerCase()
  if (!(SSH_PLATFORMS as readonly string[]).includes(value)) {
    throw usageError(`--platform '${input}' is not one of ${SSH_PLATFORMS.join(', ')}.`)
  }
  return value as SshPlatform
}
