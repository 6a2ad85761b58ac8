import {BaseSequencer, type TestSpecification} from 'vitest/node'

/**
 * Which test files start first. The run ends when its longest file does, so the long ones must not
 * start last: vitest's own order does that from the durations it recorded on an earlier run (in
 * node_modules/.vite), and on a fresh clone, with none recorded, by file size alone, which put the
 * two-process races behind a hundred quick unit files. Without recorded durations this starts the
 * tiers that spawn processes and wait on sandbox timers first, then by size as vitest does.
 */
const TIER_WEIGHT: Record<string, number> = {integration: 3, smoke: 2, sandbox: 1, unit: 0}

export default class LongTiersFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const byVitest = await super.sort(files)
    const cache = this.ctx.cache
    const recorded = (spec: TestSpecification) => cache.getFileTestResults(`${spec.project.name}:${spec.moduleId.slice(this.ctx.config.root.length + 1)}`)
    if (byVitest.every((spec) => recorded(spec))) return byVitest
    const weight = (spec: TestSpecification) => TIER_WEIGHT[spec.project.name] ?? 1
    // Array.prototype.sort is stable: within a tier, vitest's order (larger files first) stands.
    return [...byVitest].sort((a, b) => weight(b) - weight(a))
  }
}
