import {describe, expect, it} from 'vitest'
import {runCli} from '../../helpers/cli.js'

describe('Kubernetes agent workers in help', () => {
  it('worker register --help says Kubernetes agents register through the Helm chart', async () => {
    // Its own process: in-process, oclif's help of a topic leaves the shared Config unable to find
    // the topic's commands (`worker register listening --help` then says "Command ... not found").
    const result = await runCli(['worker', 'register', '--help'], {spawn: true})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain("Kubernetes agent workers register through Octopus's kubernetes-agent Helm chart")
  })

  it.each(['listening', 'polling', 'ssh'])('worker register %s --help names the Helm values a Kubernetes worker uses', async (type) => {
    // A real process: oclif resolves `<topic> <command> --help` from argv as bin/run.js passes it.
    const result = await runCli(['worker', 'register', type, '--help'], {spawn: true})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout.replace(/\s+/g, ' ')).toContain('agent.worker.enabled=true')
  })

  it('worker list --help offers --type kubernetes', async () => {
    const result = await runCli(['worker', 'list', '--help'])
    expect(result.stdout.replace(/\s+/g, ' ')).toContain('--type=<value> Only workers of this type (listening|polling|ssh|kubernetes)')
  })
})
