import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'coverage/**']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {globals: globals.node},
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {sourceType: 'commonjs'},
    rules: {'@typescript-eslint/no-require-imports': 'off'},
  },
  {
    // src/lib is a plain library: no oclif; the client and the sandbox are peers (docs/ARCHITECTURE.md §1).
    files: ['src/lib/**/*.ts'],
    rules: {'no-restricted-imports': ['error', {patterns: ['@oclif/*', '**/sandbox/**', '**/commands/**']}]},
  },
  {
    // Rules are pure functions over a snapshot: policy reads no server (docs/ARCHITECTURE.md §1).
    // Resource types may be imported; values from the client, its repositories or the snapshot reader may not.
    files: ['src/lib/policy/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {patterns: [{
        group: ['**/octopus/client*', '**/octopus/repositories*', '**/octopus/usage-repositories*', '**/estate/read*', '**/estate/spaces*'],
        allowTypeImports: true,
        message: 'policy is pure rules over a snapshot; read the server in src/lib/estate.',
      }]}],
    },
  },
  {
    // The estate read model sits below policy and the formatters; builtin-worker shares it, not policy.
    files: ['src/lib/estate/**/*.ts', 'src/lib/builtin/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {patterns: [{
        group: ['**/policy/**', '**/render/**'],
        message: 'the estate read model and builtin-worker do not depend on policy or on formatters.',
      }]}],
    },
  },
  {
    // Formatters turn results into text; they never read a server.
    files: ['src/lib/render/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {patterns: [{
        group: ['**/octopus/client*', '**/octopus/repositories*', '**/octopus/usage-repositories*', '**/estate/read*', '**/estate/spaces*'],
        allowTypeImports: true,
        message: 'formatters take results; reading the server belongs in the lib function that produces them.',
      }]}],
    },
  },
  {
    files: ['src/sandbox/**/*.ts'],
    rules: {'no-restricted-imports': ['error', {patterns: ['**/lib/octopus/**', '@oclif/*', '**/commands/**']}]},
  },
)
