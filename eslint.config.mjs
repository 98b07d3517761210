// Lint rules, including the import boundaries of ARCHITECTURE.md:
// 'electron' only in src-main/electron and src-preload; no Node built-ins in src-shared
// and src-renderer; src-shared imports nothing from the other layers.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const noElectron = { name: 'electron', message: "Only src-main/electron and src-preload may import 'electron' (ARCHITECTURE.md: layers)." };
const nodeBuiltinRule = nodeBuiltins.map((name) => ({ name, message: 'Node built-ins are not available on this layer (it must run in the browser too).' }));

export default tseslint.config(
  {
    ignores: ['dist/**', 'release/**', 'node_modules/**', 'training/**', 'tests/.artifacts/**', 'test-results/**', 'playwright-report/**', 'coverage/**', 'bench/results/**'],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts}'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src-main/core/**', 'src-main/ipc/**', 'src-main/cli/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: [{ group: ['electron/*'], message: noElectron.message }, { group: ['**/electron/**', '../electron/*'], message: 'core, ipc and cli must not depend on src-main/electron.' }] }],
    },
  },
  {
    files: ['src-shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...nodeBuiltinRule],
          patterns: [{ group: ['**/src-main/**', '**/src-renderer/**', '**/src-preload/**', 'react', 'react-dom'], message: 'src-shared imports nothing from the other layers.' }],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...nodeBuiltinRule],
          patterns: [
            { group: ['**/src-main/**'], message: 'The renderer talks to main only through window.mediaguard.' },
            // The contract's schemas pull in zod, whose eval probe breaks the renderer's CSP (script-src 'self').
            { group: ['**/src-shared/contract/**'], allowTypeImports: true, message: 'The renderer imports only types from the contract (its values bring zod); put shared values in src-shared/domain.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-preload/create-api.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron, ...nodeBuiltinRule], patterns: [{ group: ['**/src-main/**'], message: 'createApi is shared with the test bridge: no electron, no main.' }] }],
    },
  },
  {
    files: ['**/*.{js,cjs,mjs}'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
