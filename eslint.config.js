import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

// Import direction (layers, cycles) is checked by dependency-cruiser (.dependency-cruiser.cjs), and
// unused files, exports and dependencies by knip (knip.json): `npm run lint` runs all three.
export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'coverage/**']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {globals: globals.node},
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {sourceType: 'commonjs'},
    rules: {'@typescript-eslint/no-require-imports': 'off'},
  },
)
