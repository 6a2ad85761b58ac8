import {defineConfig} from 'vitest/config'

// `npm run test:smoke`: the packed and installed artifact (test/smoke). Slow (npm pack builds the
// bundle, npm install -g installs the tarball), so it is not part of `npm test`.
export default defineConfig({
  test: {
    include: ['test/smoke/packed.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 20 * 60_000,
    pool: 'forks',
  },
})
