import {execFileSync} from 'node:child_process'
import {chmodSync, chownSync, lchownSync, mkdirSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {checkPrivateFile, once, privateDirProblem, readPrivateFile, reasonAboutIt} from '../../src/config/private-file.js'
import {tempDir} from '../helpers/temp.js'

/** A private directory (0700) holding `name` with `content` and `mode`. */
function cacheFile(mode = 0o600, content = 'cached'): {dir: string; file: string} {
  const dir = path.join(tempDir('octoworkers-private'), 'cache')
  mkdirSync(dir, {mode: 0o700})
  const file = path.join(dir, 'entry')
  writeFileSync(file, content, {mode})
  chmodSync(file, mode)
  return {dir, file}
}

const read = ({dir, file}: {dir: string; file: string}) => readPrivateFile(file, {dir, maxBytes: 1024})

describe('readPrivateFile: a cache is read only if no one else could have written it', () => {
  it('reads a regular file of this user\'s that only this user can write (others may read it)', () => {
    for (const mode of [0o600, 0o644, 0o400]) expect(read(cacheFile(mode))).toEqual({status: 'read', data: Buffer.from('cached')})
  })

  it('a missing file is missing, not untrusted; so is one in a directory not made yet', () => {
    const {dir} = cacheFile()
    expect(readPrivateFile(path.join(dir, 'nothing'), {dir, maxBytes: 1024})).toEqual({status: 'missing'})
    expect(readPrivateFile(path.join(dir, 'new', 'nothing'), {dir: path.join(dir, 'new'), maxBytes: 1024})).toEqual({status: 'missing'})
  })

  it.each([0o620, 0o602, 0o666])('a file group or others can write (mode %o) is untrusted', (mode) => {
    expect(read(cacheFile(mode))).toEqual({status: 'untrusted', reason: expect.stringMatching(/can be written by others \(mode 0\d+\)$/)})
  })

  it.skipIf(process.getuid?.() !== 0)('a file or directory owned by another user is untrusted', () => {
    const one = cacheFile()
    chownSync(one.file, 65534, 65534)
    expect(read(one)).toEqual({status: 'untrusted', reason: `${one.file} is owned by another user (uid 65534)`})
    const two = cacheFile()
    chownSync(two.dir, 65534, 65534)
    expect(read(two)).toEqual({status: 'untrusted', reason: `the directory ${two.dir} is owned by another user (uid 65534)`})
  })

  it('a directory others can write is untrusted, whatever the file', () => {
    const entry = cacheFile()
    chmodSync(entry.dir, 0o777)
    expect(privateDirProblem(entry.dir)).toBe(`the directory ${entry.dir} can be written by others (mode 0777)`)
    expect(read(entry)).toMatchObject({status: 'untrusted'})
  })

  it('a FIFO is untrusted at once (never waited on), a symbolic link is not followed, a directory is no file', () => {
    const fifo = cacheFile()
    execFileSync('rm', [fifo.file])
    execFileSync('mkfifo', ['-m', '0600', fifo.file])
    expect(read(fifo)).toEqual({status: 'untrusted', reason: `${fifo.file} is a FIFO`})
    const link = cacheFile()
    const target = cacheFile()
    execFileSync('rm', [link.file])
    symlinkSync(target.file, link.file)
    expect(read(link)).toEqual({status: 'untrusted', reason: `${link.file} is a symbolic link`})
    const dirEntry = cacheFile()
    execFileSync('rm', [dirEntry.file])
    mkdirSync(dirEntry.file, {mode: 0o700})
    expect(read(dirEntry)).toEqual({status: 'untrusted', reason: `${dirEntry.file} is a directory`})
  })

  it('a file bigger than maxBytes is untrusted', () => {
    expect(read(cacheFile(0o600, 'x'.repeat(2048)))).toEqual({status: 'untrusted', reason: expect.stringMatching(/larger than any file of ours \(2048 bytes\)$/)})
  })

  it('once: a run warns once', () => {
    const told: string[] = []
    const warn = once((m) => told.push(m))
    warn('a')
    warn('b')
    expect(told).toEqual(['a'])
  })
})

describe('checkPrivateFile: a secret, and a link of the user\'s own', () => {
  it('a secret is refused when group or others may read it, with the mode to fix', () => {
    const {file} = cacheFile(0o640)
    expect(checkPrivateFile(file, {maxBytes: 1024, secret: true})).toEqual({
      status: 'untrusted',
      reason: `${file} can be read by others (mode 0640)`,
      problem: {kind: 'mode', mode: 0o640, othersCanRead: true},
    })
    expect(checkPrivateFile(cacheFile(0o400).file, {maxBytes: 1024, secret: true})).toMatchObject({status: 'read'})
  })

  it('followOwnLink: one link of the user\'s own is followed to a file that passes the same checks', () => {
    const target = cacheFile(0o644, 'profiles: {}')
    const {dir} = cacheFile()
    const link = path.join(dir, 'config.yaml')
    symlinkSync(path.relative(dir, target.file), link)
    expect(checkPrivateFile(link, {maxBytes: 1024, followOwnLink: true})).toEqual({status: 'read', data: Buffer.from('profiles: {}')})
    chmodSync(target.file, 0o666)
    expect(checkPrivateFile(link, {maxBytes: 1024, followOwnLink: true})).toMatchObject({status: 'untrusted', reason: `${link} links to ${target.file}, which can be written by others (mode 0666)`})
  })

  it('followOwnLink: a link to a link is refused; a dangling link is missing', () => {
    const {dir, file} = cacheFile()
    const hop = path.join(dir, 'hop')
    symlinkSync(file, hop)
    const link = path.join(dir, 'link')
    symlinkSync(hop, link)
    expect(checkPrivateFile(link, {maxBytes: 1024, followOwnLink: true})).toMatchObject({status: 'untrusted', reason: `${link} links to ${hop}, which is another symbolic link`})
    const dangling = path.join(dir, 'dangling')
    symlinkSync(path.join(dir, 'nothing'), dangling)
    expect(checkPrivateFile(dangling, {maxBytes: 1024, followOwnLink: true})).toEqual({status: 'missing'})
  })

  it.skipIf(process.getuid?.() !== 0)('followOwnLink: a link owned by another user is refused, and one to another user\'s file', () => {
    const {dir, file} = cacheFile()
    const planted = path.join(dir, 'planted')
    symlinkSync(file, planted)
    lchownSync(planted, 65534, 65534)
    expect(checkPrivateFile(planted, {maxBytes: 1024, followOwnLink: true})).toEqual({
      status: 'untrusted',
      reason: `${planted} is a symbolic link owned by another user (uid 65534)`,
      problem: {kind: 'owner', uid: 65534, myUid: 0},
    })
    const theirs = cacheFile()
    chownSync(theirs.file, 65534, 65534)
    const toTheirs = path.join(dir, 'to-theirs')
    symlinkSync(theirs.file, toTheirs)
    expect(checkPrivateFile(toTheirs, {maxBytes: 1024, followOwnLink: true})).toMatchObject({status: 'untrusted', problem: {kind: 'owner', uid: 65534}})
  })

  it('reasonAboutIt turns a reason about the file into a clause', () => {
    expect(reasonAboutIt('/a/b', '/a/b is a FIFO')).toBe('it is a FIFO')
    expect(reasonAboutIt('/a/b', 'the directory /a is owned by another user (uid 1)')).toBe('the directory /a is owned by another user (uid 1)')
  })
})
