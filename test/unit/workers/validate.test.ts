import {describe, expect, it} from 'vitest'
import {
  parsePollingUri, validateListeningUrl, validatePlatform, validatePort, validateSshFingerprint, validateSshHost,
  validateSubscriptionId, validateThumbprint, validateWorkerName,
} from '../../../src/app/workers/validate.js'

function exitCodeOf(fn: () => unknown): number | undefined {
  try {
    fn()
  } catch (error) {
    return (error as {exitCode?: number}).exitCode
  }
  return undefined
}

describe('validateThumbprint', () => {
  it.each([
    ['0E80575D3BD8D30854802A4E8340A2E23AE961FD', '0E80575D3BD8D30854802A4E8340A2E23AE961FD'],
    ['0e80575d3bd8d30854802a4e8340a2e23ae961fd', '0E80575D3BD8D30854802A4E8340A2E23AE961FD'],
    ['  0E80575D3BD8D30854802A4E8340A2E23AE961FD ', '0E80575D3BD8D30854802A4E8340A2E23AE961FD'],
    // openssl x509 -fingerprint -sha1, with and without its prefix
    ['0E:80:57:5D:3B:D8:D3:08:54:80:2A:4E:83:40:A2:E2:3A:E9:61:FD', '0E80575D3BD8D30854802A4E8340A2E23AE961FD'],
    ['SHA1 Fingerprint=0E:80:57:5D:3B:D8:D3:08:54:80:2A:4E:83:40:A2:E2:3A:E9:61:FD', '0E80575D3BD8D30854802A4E8340A2E23AE961FD'],
    ['sha1 Fingerprint=0e:80:57:5d:3b:d8:d3:08:54:80:2a:4e:83:40:a2:e2:3a:e9:61:fd', '0E80575D3BD8D30854802A4E8340A2E23AE961FD'],
    // Windows' certificate dialog: lower-case pairs split by spaces, a direction mark in front
    ['\u200e0e 80 57 5d 3b d8 d3 08 54 80 2a 4e 83 40 a2 e2 3a e9 61 fd', '0E80575D3BD8D30854802A4E8340A2E23AE961FD'],
  ])('accepts %j', (input, expected) => expect(validateThumbprint(input)).toBe(expected))
  it.each([
    ['', 'it has 0 hex characters'],
    ['0E80575D', 'it has 8 hex characters'],
    ['0E80575D3BD8D30854802A4E8340A2E23AE961FD00', 'it has 42 hex characters'],
    ['0E80575D3BD8D30854802A4E8340A2E23AE961FG', 'some characters are not hex'],
    ['0E:80:57:5D:3B:D8:D3:08:54:80:2A:4E:83:40:A2:E2:3A:E9:61', 'it has 38 hex characters'],
    ['0E8:0575D3BD8D30854802A4E8340A2E23AE961FD', 'its separators are uneven'],
    ['0E:80 57:5D:3B:D8:D3:08:54:80:2A:4E:83:40:A2:E2:3A:E9:61:FD', 'its separators are uneven'],
    ['SHA256 Fingerprint=0E:80:57:5D:3B:D8:D3:08:54:80:2A:4E:83:40:A2:E2:3A:E9:61:FD', 'some characters are not hex'],
  ])('rejects %j with exit 2 saying why', (input, why) => {
    expect(exitCodeOf(() => validateThumbprint(input))).toBe(2)
    expect(() => validateThumbprint(input)).toThrow(why)
  })
})

describe('validateListeningUrl', () => {
  it.each([
    ['https://worker01.example.com:10933/', 'https://worker01.example.com:10933/'],
    ['https://worker01.example.com:10933', 'https://worker01.example.com:10933/'],
    ['http://10.0.0.5:10933/', 'http://10.0.0.5:10933/'],
    ['HTTPS://Worker01.Example.com/', 'https://worker01.example.com/'],
    ['https://[::1]:10933/', 'https://[::1]:10933/'],
    ['https://h:65535/', 'https://h:65535/'],
    ['https://h:1/', 'https://h:1/'],
  ])('accepts %s', (input, expected) => expect(validateListeningUrl(input)).toBe(expected))
  it.each([
    ['ftp://worker01:10933/', /must start with https/],
    ['worker01:10933', /not a URL|must start/],
    ['https://:10933/', /no host/],
    ['https:///path', /no host/],
    ['https://h:0/', /not a valid port/],
    ['https://h:70000/', /not a valid port/],
    ['https://h:abc/', /not a valid port/],
    ['', /not a URL/],
  ])('rejects %s with exit 2', (input, message) => {
    expect(() => validateListeningUrl(input)).toThrow(message)
    expect(exitCodeOf(() => validateListeningUrl(input))).toBe(2)
  })
})

describe('validatePort', () => {
  it.each([['1', 1], ['22', 22], ['65535', 65535], [2222, 2222]])('accepts %s', (input, expected) => expect(validatePort(input)).toBe(expected))
  it.each(['0', '70000', '65536', '-1', '22.5', 'ssh', '', '1e3'])('rejects %j', (input) => expect(exitCodeOf(() => validatePort(input))).toBe(2))
})

describe('validateSubscriptionId / parsePollingUri', () => {
  it.each(['ckyhfyfkcbmzjl8sfgch', 'ABC-123_x.y', 'a'])('accepts %s', (input) => expect(validateSubscriptionId(input)).toBe(input))
  it.each(['', 'has space', 'slash/inside', 'poll://x/', 'ümlaut', 'a?b', 'x'.repeat(101)])('rejects %j', (input) => expect(exitCodeOf(() => validateSubscriptionId(input))).toBe(2))
  it('names the illegal characters', () => expect(() => validateSubscriptionId('a b/c')).toThrow(/' ' '\/'/))
  it.each([['poll://ckyhfyfkcbmzjl8sfgch/', 'ckyhfyfkcbmzjl8sfgch'], ['poll://abc', 'abc'], ['POLL://abc/', 'abc']])('parses %s', (input, id) => expect(parsePollingUri(input)).toBe(id))
  it.each(['https://abc/', 'poll://', 'poll://a b/', 'poll://abc/extra', 'abc'])('rejects the URI %j', (input) => expect(exitCodeOf(() => parsePollingUri(input))).toBe(2))
})

describe('validateSshFingerprint', () => {
  const md5 = '1f:2e:3d:4c:5b:6a:79:88:97:a6:b5:c4:d3:e2:f1:00'
  const sha = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU'
  it.each([[md5, md5], [md5.toUpperCase(), md5], [sha, sha], [`${sha}=`, `${sha}=`]])('accepts %s', (input, expected) => expect(validateSshFingerprint(input)).toBe(expected))
  it.each([
    '22:22:22:22:22:22:22:22:22:22:22:22:22:22:22', // 15 bytes
    '1f:2e:3d:4c:5b:6a:79:88:97:a6:b5:c4:d3:e2:f1:00:11', // 17 bytes
    '1f2e3d4c5b6a798897a6b5c4d3e2f100',
    '1f-2e-3d-4c-5b-6a-79-88-97-a6-b5-c4-d3-e2-f1-00',
    'SHA256:tooshort',
    'sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
    'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF!',
    'MD5:1f:2e',
    '',
  ])('rejects %j', (input) => expect(exitCodeOf(() => validateSshFingerprint(input))).toBe(2))
})

describe('validateSshHost', () => {
  it.each([['build-03.example.com', 'build-03.example.com'], ['10.1.2.3', '10.1.2.3'], ['[fe80::1]', 'fe80::1'], ['localhost', 'localhost']])('accepts %s', (input, expected) => expect(validateSshHost(input)).toBe(expected))
  it.each(['', 'ssh://host', 'host:22', 'host/path', 'two words', '-leading'])('rejects %j', (input) => expect(exitCodeOf(() => validateSshHost(input))).toBe(2))
})

describe('validateWorkerName', () => {
  it('trims and accepts up to 200 characters', () => {
    expect(validateWorkerName('  build-01 ')).toBe('build-01')
    expect(validateWorkerName('x'.repeat(200))).toHaveLength(200)
  })
  it.each(['', '   ', 'x'.repeat(201)])('rejects %j', (input) => expect(exitCodeOf(() => validateWorkerName(input))).toBe(2))
  it('says how long the name is', () => expect(() => validateWorkerName('x'.repeat(250))).toThrow(/250 characters long; the limit is 200/))
})

describe('validatePlatform', () => {
  it.each(['linux-x64', 'linux-arm64', 'linux-arm', 'osx-x64', 'Linux-X64'])('accepts platform %s', (input) => expect(validatePlatform(input)).toBe(input.toLowerCase()))
  it.each(['win-x64', 'linux', ''])('rejects platform %j', (input) => expect(exitCodeOf(() => validatePlatform(input))).toBe(2))
})
