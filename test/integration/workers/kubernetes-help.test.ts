import {describe, expect, it} from 'vitest'
import {runCli} from '../../helpers/cli.js'

describe('Kubernetes agent workers in help', () => {
  it('worker register --help says Kubernetes agents register through the Helm chart', async () => {
    // In the same process as the next tests, on purpose: oclif's formatters rename the Config's
    // command IDs in place, and our Help class formats copies so the topic's commands stay found.
    const result = await runCli(['worker', 'register', '--help'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain("Kubernetes agent workers register through Octopus's kubernetes-agent Helm chart")
  })

  it.each(['listening', 'polling', 'ssh'])('worker register %s --help names the Helm values a Kubernetes worker uses', async (type) => {
    const result = await runCli(['worker', 'register', type, '--help'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout.replace(/\s+/g, ' ')).toContain('agent.worker.enabled=true')
  })

  it('worker list --help offers --type kubernetes', async () => {
    const result = await runCli(['worker', 'list', '--help'])
    expect(result.stdout.replace(/\s+/g, ' ')).toContain('--type=<value> Only workers of this type (listening|polling|ssh|kubernetes)')
  })
})
