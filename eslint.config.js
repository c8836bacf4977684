// Lint: type-aware TypeScript rules, React hooks rules, and the import boundaries of the
// architecture (the core never imports the screen or the subcommands; the screen never
// imports the subcommands).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const untypedValuesAllowed = {
  '@typescript-eslint/no-unsafe-member-access': 'off',
  '@typescript-eslint/no-unsafe-call': 'off',
  '@typescript-eslint/no-unsafe-assignment': 'off',
  '@typescript-eslint/no-unsafe-return': 'off',
  '@typescript-eslint/no-unsafe-argument': 'off',
};
const uiOrCli = ['**/ui/**', '**/commands/**'];
const screenLibraries = ['ink', 'ink/*', 'react', 'react/*', 'react-dom', 'ink-*'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/.paw/**', 'bench/.out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.config.ts', '*.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: globals.node,
    },
    rules: {
      // Non-null assertions become necessary once indexed access is checked; keep them.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Terminal output is parsed on purpose: escape and control characters are the data.
      'no-control-regex': 'off',
      // Unions such as `'running' | 'stopped' | string` keep the known names documented.
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The template engine works on untyped values, as jinja2 does; its own checks stand in.
    files: ['src/workflow/jinja/**/*.ts'],
    rules: {
      ...untypedValuesAllowed,
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    // Fakes implement async ports without awaiting, and tests read parsed JSON.
    files: ['test/**/*.{ts,tsx}', 'bench/**/*.{ts,tsx}'],
    rules: {
      ...untypedValuesAllowed,
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // Expected screens are written as they look: runs of spaces are columns.
      'no-regex-spaces': 'off',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}', 'test/**/*.{ts,tsx}', 'bench/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['src/{workflow,packer,aws,manual,sandbox}/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: uiOrCli, message: 'The core must not import the screen or the subcommands.' },
            { group: screenLibraries, message: 'The core must not import Ink or React.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/commands/**'], message: 'The screen must not import the subcommands; ask the core.' }] }],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked,
  },
);
