import {defineConfig} from 'vitest/config'
import LongTiersFirst from './test/sequencer.js'

// Tiers: `npm run test:unit` is the quick loop (pure functions, no server); `npm test` runs every
// tier, the integration tier in-process against live sandboxes. No tier needs a build before it:
// commands run in-process from the TypeScript sources, and the tiers that also spawn the CLI
// build the bundle they spawn (test/bundle-setup.ts, once per run).
// Test files share their worker processes (isolate: false): what a file costs before its first test
// (a process, the module graph, oclif's Config, the loader hooks, axios, undici, SQLite) is paid
// once per worker, not once per file, which was most of the suite's CPU. So a test file leaves the
// process as it found it (environment, working directory, handles) and keeps anything
// process-wide (the keychain's D-Bus connection) in a child process of its own.
const shared = {setupFiles: ['test/setup.ts'], testTimeout: 60_000, hookTimeout: 60_000, pool: 'forks' as const, isolate: false}
const spawnsTheCli = {globalSetup: ['test/bundle-setup.ts', 'test/lazy-commands-setup.ts']}
// Commands run in these tiers' processes while their tests call fetch (test/setup-axios.ts says why).
const fetchesBesideCommands = {setupFiles: [...shared.setupFiles, 'test/setup-axios.ts']}

export default defineConfig({
  test: {
    // Most of the integration tier's time is spent waiting on sockets, child processes and sandbox
    // task timers, not on this machine's CPU: more of its files at once than cores. The other
    // tiers run beside it, in threads, and finish well before it.
    // Workers are never fewer than at most: a worker that finds the queue empty for a moment is
    // otherwise retired at once, and with shared workers tinypool can end one while its teardown is
    // still running ("Terminating worker thread", and files that never report).
    poolOptions: {forks: {maxForks: 6, minForks: 6}, threads: {maxThreads: 3, minThreads: 3}},
    isolate: false,
    // The long files (processes racing, sandbox timers) first, so the run does not end on one of them.
    sequence: {sequencer: LongTiersFirst},
    globalSetup: ['test/global-setup.ts'],
    // The integration tier runs in processes (forks), the other tiers in worker threads: vitest
    // runs the projects of one pool one after another when files share workers, but the two pools
    // side by side, so the quick tiers fill the time the integration tier spends waiting. Nothing
    // in those tiers needs a process of its own (test/unit/auth/keychain-absent.test.ts makes one).
    projects: [
      {test: {...shared, pool: 'threads' as const, name: 'unit', include: ['test/unit/**/*.test.ts']}},
      {test: {...shared, ...spawnsTheCli, ...fetchesBesideCommands, pool: 'threads' as const, name: 'sandbox', include: ['test/sandbox/**/*.test.ts', 'test/contract/**/*.test.ts']}},
      {test: {...shared, ...spawnsTheCli, ...fetchesBesideCommands, name: 'integration', include: ['test/integration/**/*.test.ts']}},
      // The bundle users run, every command as a process, and its compile cache. The packed
      // artifact has its own, slower tier: `npm run test:smoke` (vitest.smoke.config.ts).
      {test: {...shared, ...spawnsTheCli, pool: 'threads' as const, name: 'smoke', include: ['test/smoke/**/*.test.ts'], exclude: ['test/smoke/packed.test.ts']}},
    ],
  },
})
