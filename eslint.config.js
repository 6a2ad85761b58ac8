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
    // A run's streams, terminal facts and environment come from its context (docs/ARCHITECTURE.md §7),
    // so that a test can give each in-process run its own.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/context.ts', 'src/ui/io.ts', 'src/sandbox/**', 'src/cli/startup/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['env', 'stdout', 'stderr', 'stdin', 'exit', 'exitCode'].map((property) => ({
          object: 'process',
          property,
          message: `Take it from the run's context (this.context, src/cli/context.ts), not process.${property}.`,
        })),
      ],
    },
  },
  {
    // oclif's main entry evaluates all of oclif (help, ux, parser...) when first imported; its
    // subpath entries (@oclif/core/flags, /args, /errors, /command, /help, /interfaces) load only
    // their part, and are the same modules, so a command run spares the rest.
    files: ['src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {paths: [{name: '@oclif/core', message: "Import oclif's part from its subpath entry (e.g. `import * as Flags from '@oclif/core/flags'`).", allowTypeImports: true}]},
      ],
    },
  },
  {
    // bin/run.js is CommonJS too (bin/package.json): see why there.
    files: ['**/*.cjs', 'bin/run.js'],
    languageOptions: {sourceType: 'commonjs'},
    rules: {'@typescript-eslint/no-require-imports': 'off'},
  },
)
