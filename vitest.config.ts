import {configDefaults, defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The packed artifact has its own, slower tier: `npm run test:smoke` (vitest.smoke.config.ts).
    exclude: [...configDefaults.exclude, 'test/smoke/**'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
