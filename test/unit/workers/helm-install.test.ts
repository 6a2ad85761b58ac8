import {describe, expect, it} from 'vitest'
import {agentReleaseSuffix, helmInstallCommand} from '../../../src/domain/workers/kubernetes-agent.js'

describe('the Helm command that installs a Kubernetes agent worker', () => {
  it('names the agent, its release and namespace after the declared worker', () => {
    const command = helmInstallCommand({server: 'https://octopus.example', spaceName: 'Default', poolId: 'Kubernetes Pool', name: 'k8s-build-01'})
    expect(command).toContain('--namespace octopus-agent-k8s-build-01 octopus-agent-k8s-build-01 oci://')
    expect(command).toContain("--set agent.name=k8s-build-01")
    expect(command).not.toContain('NAME')
  })

  it('a name that is no DNS label: the release is its lower-cased label, the agent keeps the name, shell-quoted and helm-escaped', () => {
    const command = helmInstallCommand({server: 'https://octopus.example', spaceName: 'Default', poolId: 'P', name: "Build Agent, #1's"})
    expect(command).toContain('--namespace octopus-agent-build-agent-1-s octopus-agent-build-agent-1-s ')
    expect(command).toContain(`--set 'agent.name=Build Agent\\, #1'\\''s'`)
  })

  it('without a name (a fix for a pool that needs another agent): NAME for the user to fill in', () => {
    const command = helmInstallCommand({server: 'https://octopus.example', spaceName: 'Default', poolId: 'WorkerPools-3'})
    expect(command).toMatch(/^helm upgrade --install --atomic --create-namespace --namespace octopus-agent-NAME octopus-agent-NAME /)
    expect(command).toContain('--set agent.name=NAME')
  })

  it('release suffixes stay within Helm\'s 53 characters and never end in a dash', () => {
    expect(agentReleaseSuffix('x'.repeat(39) + '-y'.repeat(10))).toBe('x'.repeat(39))
    expect(('octopus-agent-' + agentReleaseSuffix('a'.repeat(80))).length).toBeLessThanOrEqual(53)
    expect(agentReleaseSuffix('***')).toBe('NAME')
  })
})
