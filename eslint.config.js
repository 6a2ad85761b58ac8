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
    // src/lib is a plain library: no oclif; the client and the sandbox are peers (DESIGN.md §1).
    files: ['src/lib/**/*.ts'],
    rules: {'no-restricted-imports': ['error', {patterns: ['@oclif/*', '**/sandbox/**', '**/commands/**']}]},
  },
  {
    files: ['src/sandbox/**/*.ts'],
    rules: {'no-restricted-imports': ['error', {patterns: ['**/lib/octopus/**', '@oclif/*', '**/commands/**']}]},
  },
)
