/** The file SARIF results are placed in: the config file, relative to the repository root. */
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {configArtifactUri, repositoryRoot} from '../../../src/app/check/artifact.js'
import {tempDir} from '../../helpers/temp.js'

function repo(): string {
  const root = tempDir('octoworkers-artifact')
  mkdirSync(path.join(root, '.git'))
  mkdirSync(path.join(root, 'ops', 'octopus policy'), {recursive: true})
  return root
}

describe('configArtifactUri', () => {
  it('is the config file\'s path from the repository root, as a relative URI', () => {
    const root = repo()
    const file = path.join(root, 'ops', 'octopus policy', '.octoworkers.yaml')
    writeFileSync(file, '')
    expect(repositoryRoot(path.join(root, 'ops'))).toBe(root)
    expect(configArtifactUri(file, path.join(root, 'ops'))).toBe('ops/octopus%20policy/.octoworkers.yaml')
    expect(configArtifactUri('.octoworkers.yaml', root)).toBe('.octoworkers.yaml')
  })

  it('with no config file: the file check would read, in the working directory', () => {
    const root = repo()
    expect(configArtifactUri(null, path.join(root, 'ops', 'octopus policy'))).toBe('ops/octopus%20policy/.octoworkers.yaml')
  })

  it('outside any repository: relative to the working directory; a file outside it: its name', () => {
    const dir = tempDir('octoworkers-artifact-norepo')
    expect(configArtifactUri(null, dir)).toBe('.octoworkers.yaml')
    expect(configArtifactUri('/etc/octoworkers/policy.yaml', dir)).toBe('policy.yaml')
  })
})
