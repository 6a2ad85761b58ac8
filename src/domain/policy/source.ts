/**
 * Where in the config file a finding comes from: the line of the convention, threshold, per-pool
 * override or severity that produced it, else line 1 (the file as a whole). Reports that need a
 * place in a file (SARIF for code scanning) point there. Pure: the lines were read with the config.
 */
import type {PolicyConfig} from '../../config/octoworkers-yaml/load.js'
import {minWorkersOverride} from '../floor.js'
import {settingKey, type Finding} from './types.js'

export function findingSourceLine(finding: Finding, config: PolicyConfig): number {
  const candidates: string[][] = []
  if (finding.RuleId === 'naming/worker') candidates.push(['conventions', 'worker'])
  if (finding.RuleId === 'naming/pool') candidates.push(['conventions', 'pool'])
  if (finding.RuleId === 'redundancy/min-workers') {
    const override = finding.SubjectId ? minWorkersOverride(config, {Id: finding.SubjectId, Name: finding.Subject}) : undefined
    if (override) candidates.push(['pools', override.match])
    candidates.push(['thresholds', 'minWorkers'])
  }
  candidates.push(['severities', finding.RuleId])
  for (const candidate of candidates) {
    const line = config.settingLines[settingKey(candidate)]
    if (line !== undefined) return line
  }
  return 1
}
